import Foundation

/// Expands the paths given to `vsynth synthesize` into the prompt files to work on: a file is taken
/// as given; a directory is walked (recursively) for `*.prompt` and `*.prompt.md` files, in sorted
/// order. Symbolic links that resolve outside the directory being walked are ignored, so a link cannot
/// make a batch run rewrite files elsewhere; hidden entries (`.git`, editor temporaries) are skipped.
public enum PromptFileWalker {
    /// Whether `name` is a prompt file's name (`x.prompt`, `x.prompt.md`).
    public static func isPromptFileName(_ name: String) -> Bool {
        name.hasSuffix(".prompt") || name.hasSuffix(".prompt.md")
    }

    /// The prompt files under `paths`, each listed once, in the order the paths were given (sorted
    /// within a directory). Throws for a path that does not exist.
    public static func files(_ paths: [String]) throws(VSynthesisError) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .invalidPromptFile(path: path, message: "no such file or directory")
            }
            let found = isDirectory.boolValue ? walk(directory: path) : [path]
            for file in found where seen.insert(canonical(file)).inserted { result.append(file) }
        }
        return result
    }

    /// The prompt files under `directory`, sorted by path.
    public static func walk(directory: String) -> [String] {
        let root = canonical(directory)
        var found: [String] = []
        var pending = [directory]
        var visited = Set<String>()
        while let current = pending.popLast() {
            guard visited.insert(canonical(current)).inserted,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: current) else { continue }
            for name in names where !name.hasPrefix(".") {
                let path = (current as NSString).appendingPathComponent(name)
                let resolved = canonical(path)
                guard resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else { continue }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    pending.append(path)
                } else if isPromptFileName(name) {
                    found.append(path)
                }
            }
        }
        return found.sorted()
    }

    /// `path` with symbolic links resolved and made absolute.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
