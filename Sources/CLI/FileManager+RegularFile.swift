import Foundation

extension FileManager {
    /// Whether `path` exists and is not a directory (symbolic links followed).
    func isRegularFile(atPath path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
