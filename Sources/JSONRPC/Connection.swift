import Dispatch
import Foundation
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of a JSON-RPC connection over a pair of file descriptors (stdin/stdout for `vsynth lsp`,
/// pipes in tests).
///
/// Threads: a dedicated reader thread blocks in `read(2)`, frames and parses the bytes, and hands
/// messages on; it never runs on, or blocks, the Swift concurrency pool. One serial writer queue
/// owns the output, so frames never interleave and nothing but protocol bytes reaches it. The
/// handler runs on the concurrency pool (see `MessageHandler` for the order guarantees).
///
/// Bad input never stops the connection: every framing or message problem is logged and, where
/// JSON-RPC allows, answered with an error response (−32700 for bytes that are not JSON, −32600
/// for frames and values that are not messages, with the request's id when it could be read and
/// `null` otherwise), and reading goes on.
public final class Connection: Sendable {
    /// Settings of a connection.
    public struct Options: Sendable {
        /// A name for log lines (`"server"`, `"client"`).
        public var name: String
        /// Bodies longer than this are skipped and reported.
        public var maximumMessageSize: Int
        /// Whether to answer problems that belong to no readable request (bad frames, batches,
        /// unreadable ids) with an `"id": null` error, as JSON-RPC 2.0 says. Some clients log
        /// such responses as unexpected; turn this off to only log the problem.
        public var repliesToUnattributedErrors: Bool
        /// Whether `close()` and the end of input close the file descriptors (off for stdio).
        public var closesFileDescriptors: Bool
        /// Where log lines go; by default standard error (never standard output, the protocol).
        public var log: @Sendable (String) -> Void

        public init(name: String = "jsonrpc",
                    maximumMessageSize: Int = MessageFramer.defaultMaximumMessageSize,
                    repliesToUnattributedErrors: Bool = true,
                    closesFileDescriptors: Bool = true,
                    log: @escaping @Sendable (String) -> Void = Connection.logToStandardError) {
            self.name = name
            self.maximumMessageSize = maximumMessageSize
            self.repliesToUnattributedErrors = repliesToUnattributedErrors
            self.closesFileDescriptors = closesFileDescriptors
            self.log = log
        }
    }

    /// Writes `line` to standard error.
    public static let logToStandardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The state of a request received from the peer, by id.
    enum IncomingRequest {
        /// Waiting behind earlier messages; `cancelled` once `$/cancelRequest` named it.
        case queued(cancelled: Bool)
        /// Being handled by this task.
        case running(Task<Void, Never>)
    }

    /// What the reader thread hands to the handling task, in arrival order.
    enum Inbound: Sendable {
        case notification(NotificationMessage)
        case request(RequestMessage)
        case unattributedError(ResponseError)
    }

    /// Everything that changes, under one lock.
    struct State {
        var isClosed = false
        var isStarted = false
        var handlingFinished = false
        var outputClosed = false
        var nextRequestID: Int64 = 0
        /// Requests we sent, awaiting the peer's response.
        var pending: [RequestID: CheckedContinuation<JSONValue, any Error>] = [:]
        /// Requests the peer sent that have not been answered yet.
        var incoming: [RequestID: IncomingRequest] = [:]
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let options: Options
    let input: Int32
    let output: Int32
    let state = Locked(State())
    let writeQueue: DispatchQueue
    let inbound: AsyncStream<Inbound>
    let inboundContinuation: AsyncStream<Inbound>.Continuation

    /// A connection that reads messages from `input` and writes messages to `output`. Nothing
    /// happens until `start(handler:)`.
    public init(input: Int32, output: Int32, options: Options = Options()) {
        Self.ignoreSIGPIPE
        self.input = input
        self.output = output
        self.options = options
        self.writeQueue = DispatchQueue(label: "vsynth.jsonrpc.\(options.name).writer")
        (inbound, inboundContinuation) = AsyncStream.makeStream(of: Inbound.self)
    }

    /// A write to a pipe whose reader is gone must fail with `EPIPE`, not kill the process.
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// Starts reading and handing messages to `handler`. Call once.
    public func start(handler: any MessageHandler) {
        let alreadyStarted = state.withLock { state in
            defer { state.isStarted = true }
            return state.isStarted
        }
        guard !alreadyStarted else { return }
        Task { await self.handleInbound(handler) }
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "vsynth.jsonrpc.\(options.name).reader"
        thread.stackSize = 8 << 20  // Deeply nested JSON recurses; keep far from the guard page.
        thread.start()
    }

    /// Whether the connection is closed.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Closes the connection: requests awaiting a response fail with `connectionClosed`, running
    /// handlers are cancelled, queued output is still written, then the output is closed (if the
    /// options say so). Safe to call more than once and from any thread.
    public func close() {
        let (pending, running) = state.withLock { state -> ([CheckedContinuation<JSONValue, any Error>], [Task<Void, Never>]) in
            guard !state.isClosed else { return ([], []) }
            state.isClosed = true
            let pending = Array(state.pending.values)
            state.pending = [:]
            let running = state.incoming.values.compactMap { request -> Task<Void, Never>? in
                if case .running(let task) = request { return task }
                return nil
            }
            return (pending, running)
        }
        for continuation in pending { continuation.resume(throwing: JSONRPCError.connectionClosed) }
        for task in running { task.cancel() }
        inboundContinuation.finish()
        let started = state.withLock { $0.isStarted }
        writeQueue.async { [self] in
            // close() runs twice when the reader's end of input and a caller both close; the
            // descriptor must be closed once, or the second close hits a reused descriptor.
            let alreadyClosed = state.withLock { $0.outputClosed }
            if options.closesFileDescriptors && !alreadyClosed { _ = closeDescriptor(output) }
            state.withLock { state in
                state.outputClosed = true
                if !started { state.handlingFinished = true }
            }
            resumeCloseWaiters()
        }
    }

    /// Returns once every frame queued before the call has been written (or dropped, if the
    /// connection closed). Use it before exiting the process, e.g. on LSP `exit`; unlike
    /// `waitUntilClosed` it may be awaited from inside a handler.
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writeQueue.async { continuation.resume() }
        }
    }

    /// Returns once the connection is closed, its queued output written, and the handler has seen
    /// every message and `connectionDidClose`.
    public func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.handlingFinished && state.outputClosed { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Marks handling finished (the handling task ended).
    func finishHandling() {
        state.withLock { $0.handlingFinished = true }
        resumeCloseWaiters()
    }

    /// Wakes `waitUntilClosed` callers once both handling and output are done.
    private func resumeCloseWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.handlingFinished && state.outputClosed else { return [] }
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many requests are in flight each way (sent and unanswered, received and unanswered):
    /// both drop back to zero when traffic stops, or something leaks.
    public var inFlightCounts: (sent: Int, received: Int) {
        state.withLock { ($0.pending.count, $0.incoming.count) }
    }

    /// Logs `line` with the connection's name.
    func log(_ line: String) {
        options.log("\(options.name): \(line)")
    }
}
