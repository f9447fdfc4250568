import Foundation

extension PromptFileWriter {
    /// Removes the temporary files of `target` that a killed writer left behind: those whose writer's
    /// process is gone. A live writer's (this process's, or another `vsynth` still running) are kept.
    static func removeStaleTemporaries(of target: String) {
        let directory = (target as NSString).deletingLastPathComponent
        let prefix = temporaryPrefix((target as NSString).lastPathComponent)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard rest.count == 2, let pid = pid_t(rest[0]), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(directory + "/" + name)
        }
    }
}
