#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// Two connections joined by a pair of pipes, in this process: what one sends the other reads,
    /// through the same framing, threads and file-descriptor code as stdio. Neither is started.
    public static func pipePair(client clientOptions: Options = Options(name: "client"),
                                server serverOptions: Options = Options(name: "server"))
        throws -> (client: Connection, server: Connection)
    {
        let toServer = try makePipe()
        let toClient = try makePipe()
        let client = Connection(input: toClient.read, output: toServer.write, options: clientOptions)
        let server = Connection(input: toServer.read, output: toClient.write, options: serverOptions)
        return (client, server)
    }

    /// `pipe(2)`: the read and write descriptors.
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw JSONRPCError.io(operation: "pipe", errno: errno) }
        return (descriptors[0], descriptors[1])
    }
}
