import Foundation

/// Writes a new version of a prompt file safely: only if the file on disk still holds the bytes the
/// new version was computed from, through a temporary file in the same directory that is renamed over
/// the original (atomic on POSIX), with the original's permissions.
public enum PromptFileWriter {
    public static func write(_ newBytes: [UInt8], to path: String, expecting oldBytes: [UInt8]) throws(VSynthesisError) {
        let manager = FileManager.default
        guard let current = manager.contents(atPath: path) else {
            throw .fileChanged(path: path, message: "it can no longer be read")
        }
        guard [UInt8](current) == oldBytes else {
            throw .fileChanged(path: path, message: "it changed on disk since it was read; nothing was written")
        }
        let attributes = (try? manager.attributesOfItem(atPath: path)) ?? [:]
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).vsynth-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard manager.createFile(atPath: temporary.path, contents: Data(newBytes)) else {
            throw .fileChanged(path: path, message: "cannot create a temporary file in \(directory.path)")
        }
        if let permissions = attributes[.posixPermissions] {
            try? manager.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
        }
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(at: temporary)
            throw .fileChanged(path: path, message: "cannot replace it (\(reason))")
        }
    }
}
