import Support
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
    /// requires the peer to send (usually −32800, thrown as a `ResponseError`). With a `timeout`,
    /// a peer that has not answered by then is sent `$/cancelRequest` and the call throws
    /// `JSONRPCError.timedOut` (for peers that never answer some requests).
    public func send<R: RequestType>(_ request: R, timeout: Duration? = nil) async throws -> R.Response {
        let result = try await sendRequest(method: R.method, params: try JSONValue(encoding: request),
                                           timeout: timeout)
        return try JSONValueDecoder().decode(R.Response.self, from: result)
    }

    // MARK: - Untyped

    /// Sends a notification with `params` (an object or an array).
    public func sendNotification(method: String, params: JSONValue? = nil) {
        transmit(.notification(NotificationMessage(method: method, params: params)))
    }

    /// Sends a request with `params` and returns the peer's `result` (see `send(_:timeout:)` for
    /// errors, cancellation and the timeout).
    public func sendRequest(method: String, params: JSONValue? = nil,
                            timeout: Duration? = nil) async throws -> JSONValue {
        let id = state.withLock { state -> RequestID in
            state.nextRequestID += 1
            return .number(state.nextRequestID)
        }
        // Started once the request is registered, so that it cannot fire before.
        let timer = Locked<Task<Void, Never>?>(nil)
        defer { timer.withLock { $0?.cancel() } }
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
                if let timeout { timer.withLock { $0 = startTimer(for: id, method: method, timeout: timeout) } }
                if Task.isCancelled { cancelOutgoing(id) }
            }
        } onCancel: {
            cancelOutgoing(id)
        }
    }

    /// A task that, after `timeout`, fails request `id` with `timedOut` if it is still unanswered
    /// and asks the peer to cancel it.
    private func startTimer(for id: RequestID, method: String, timeout: Duration) -> Task<Void, Never> {
        Task { [self] in
            do {
                try await Task.sleep(for: timeout)
            } catch {
                return  // Answered in time.
            }
            let continuation = state.withLock { $0.pending.removeValue(forKey: id) }
            guard let continuation else { return }
            sendNotification(method: CancelRequestNotification.method, params: ["id": id.jsonValue])
            continuation.resume(throwing: JSONRPCError.timedOut(waitingFor: "the response to \(method)", after: timeout))
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
