import Foundation

/// Writes to stdout and stderr without buffering surprises; stdout is the data channel
/// (and the protocol channel in `vsynth lsp`), stderr carries progress and errors.
public enum Console {
    public static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    public static func err(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((text + terminator).utf8))
    }

    /// Whether stderr is a terminal (progress is shown there by default only then).
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
