#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    // MARK: - Typed

    /// Sends a notification to the peer.
    public func send<N: NotificationType>(_ notification: N) throws {
        sendNotification(method: N.method, params: try JSONValue(encoding: notification))
    }

    /// Sends a request to the peer and returns its decoded response.
    ///
    /// Throws the peer's `ResponseError`, `JSONRPCError.decodingFailed` for a result that is not
    /// an `R.Response`, or `JSONRPCError.connectionClosed`. If the calling task is cancelled,
    /// `$/cancelRequest` goes to the peer and the call still waits for its answer, which LSP
    /// requires the peer to send (usually −32800, thrown as a `ResponseError`).
    public func send<R: RequestType>(_ request: R) async throws -> R.Response {
        let result = try await sendRequest(method: R.method, params: try JSONValue(encoding: request))
        return try JSONValueDecoder().decode(R.Response.self, from: result)
    }

    // MARK: - Untyped

    /// Sends a notification with `params` (an object or an array).
    public func sendNotification(method: String, params: JSONValue? = nil) {
        transmit(.notification(NotificationMessage(method: method, params: params)))
    }

    /// Sends a request with `params` and returns the peer's `result` (see `send(_:)` for errors and
    /// cancellation).
    public func sendRequest(method: String, params: JSONValue? = nil) async throws -> JSONValue {
        let id = state.withLock { state -> RequestID in
            state.nextRequestID += 1
            return .number(state.nextRequestID)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                let registered = state.withLock { state -> Bool in
                    if state.isClosed { return false }
                    state.pending[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(throwing: JSONRPCError.connectionClosed)
                    return
                }
                transmit(.request(RequestMessage(id: id, method: method, params: params)))
                if Task.isCancelled { cancelOutgoing(id) }
            }
        } onCancel: {
            cancelOutgoing(id)
        }
    }

    /// Asks the peer to cancel request `id`, if it is still waiting for an answer.
    private func cancelOutgoing(_ id: RequestID) {
        let waiting = state.withLock { $0.pending[id] != nil }
        guard waiting else { return }
        sendNotification(method: CancelRequestNotification.method, params: ["id": id.jsonValue])
    }

    // MARK: - Raw

    /// Writes `bytes` to the output exactly as given, in order with the frames sent: for tests of
    /// how a peer copes with bad input. Protocol code never needs this.
    public func send(rawBytes bytes: [UInt8]) {
        enqueue(bytes)
    }

    /// Sends a response to request `id` (or an `"id": null` error when `id` is `nil`).
    func sendResponse(id: RequestID?, _ result: Result<JSONValue, ResponseError>) {
        transmit(.response(ResponseMessage(id: id, result: result)))
    }

    /// Frames `message` and queues it for the writer.
    func transmit(_ message: Message) {
        enqueue(MessageFramer.frame(message))
    }

    /// Queues bytes for the writer; dropped once the connection is closed.
    private func enqueue(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        writeQueue.async { [self] in
            guard !state.withLock({ $0.outputClosed }) else { return }
            if let error = writeAll(bytes) {
                log("\(error)")
                close()
            }
        }
    }

    /// `write(2)` until every byte is out; the error if the output fails.
    private func writeAll(_ bytes: [UInt8]) -> JSONRPCError? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(output, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .io(operation: "write", errno: errno)
            }
            offset += written
        }
        return nil
    }
}
