#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// The connection of a server started by an editor: messages in on standard input, out on
    /// standard output.
    ///
    /// To keep standard output protocol-only even if some code calls `print`, the protocol gets a
    /// private duplicate of file descriptor 1, and descriptor 1 itself is pointed at standard
    /// error (as sourcekit-lsp does): stray output lands in the log, never inside a frame.
    public static func standardIO(options: Options = Options(name: "lsp", closesFileDescriptors: false)) throws
        -> Connection
    {
        let protocolOutput = try takeOver(STDOUT_FILENO, redirectingTo: STDERR_FILENO)
        return Connection(input: STDIN_FILENO, output: protocolOutput, options: options)
    }

    /// Duplicates `descriptor` for the caller's exclusive use and points `descriptor` at `target`.
    /// Returns the duplicate.
    static func takeOver(_ descriptor: Int32, redirectingTo target: Int32) throws -> Int32 {
        let duplicate = dup(descriptor)
        guard duplicate >= 0 else { throw JSONRPCError.io(operation: "dup", errno: errno) }
        guard dup2(target, descriptor) >= 0 else {
            let error = errno
            _ = closeDescriptor(duplicate)
            throw JSONRPCError.io(operation: "dup2", errno: error)
        }
        return duplicate
    }
}
