#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// The reader thread: blocks in `read(2)`, frames, parses and dispatches, until end of input.
    func readLoop() {
        var framer = MessageFramer(maximumMessageSize: options.maximumMessageSize)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if !isClosed { log("\(JSONRPCError.io(operation: "read", errno: errno))") }
                break
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            while let event = framer.next() {
                if isClosed { break }
                receive(event)
            }
            if isClosed { break }
        }
        if options.closesFileDescriptors { _ = closeDescriptor(input) }
        close()
    }

    /// Acts on one framer event, on the reader thread.
    func receive(_ event: MessageFramer.Event) {
        switch event {
        case .problem(let problem):
            log("\(problem)")
            if options.repliesToUnattributedErrors { sendResponse(id: nil, .failure(ResponseError(problem))) }
        case .message(let value):
            let message: Message
            do {
                message = try Message(value)
            } catch {
                log("\(error.error.message)")
                if error.shouldReply && (error.id != nil || options.repliesToUnattributedErrors) {
                    sendResponse(id: error.id, .failure(error.error))
                }
                return
            }
            receive(message)
        }
    }

    /// Routes one valid message, on the reader thread.
    func receive(_ message: Message) {
        switch message {
        case .response(let response):
            guard let id = response.id else {
                if case .failure(let error) = response.result {
                    log("peer reported: \(error.message)")
                    inboundContinuation.yield(.unattributedError(error))
                }
                return
            }
            let continuation = state.withLock { $0.pending.removeValue(forKey: id) }
            guard let continuation else {
                log("response to unknown request id \(id)")
                return
            }
            switch response.result {
            case .success(let value): continuation.resume(returning: value)
            case .failure(let error): continuation.resume(throwing: error)
            }
        case .notification(let notification):
            if notification.method == CancelRequestNotification.method {
                do {
                    cancelIncoming(try notification.decode(CancelRequestNotification.self).id)
                } catch {
                    log(error.message)
                }
                return
            }
            inboundContinuation.yield(.notification(notification))
        case .request(let request):
            let duplicate = state.withLock { state -> Bool in
                if state.incoming[request.id] != nil { return true }
                state.incoming[request.id] = .queued(cancelled: false)
                return false
            }
            if duplicate {
                log("duplicate request id \(request.id)")
                sendResponse(id: request.id, .failure(.invalidRequest(
                    "jsonrpc: invalid message: request id \(request.id) is already in use")))
                return
            }
            inboundContinuation.yield(.request(request))
        }
    }

    /// `$/cancelRequest`: cancels the task of a running request, or marks a queued one so that it
    /// is answered with −32800 when its turn comes. Unknown ids (already answered) are ignored.
    func cancelIncoming(_ id: RequestID) {
        let task = state.withLock { state -> Task<Void, Never>? in
            switch state.incoming[id] {
            case .queued?:
                state.incoming[id] = .queued(cancelled: true)
                return nil
            case .running(let task)?:
                return task
            case nil:
                return nil
            }
        }
        task?.cancel()
    }

    /// The handling task: takes messages in arrival order and gives them to the handler.
    func handleInbound(_ handler: any MessageHandler) async {
        for await item in inbound {
            switch item {
            case .notification(let notification):
                await handler.handle(notification, from: self)
            case .unattributedError(let error):
                await handler.handle(unattributedError: error, from: self)
            case .request(let request):
                let task = startRequest(request, handler)
                if let task, handler.ordering(of: request) == .inOrder { await task.value }
            }
        }
        await handler.connectionDidClose(self)
        finishHandling()
    }

    /// Starts the task that handles `request` and returns it, unless the request was cancelled
    /// while queued (then it is answered with −32800 here).
    private func startRequest(_ request: RequestMessage, _ handler: any MessageHandler) -> Task<Void, Never>? {
        let task = state.withLock { state -> Task<Void, Never>? in
            guard case .queued(let cancelled)? = state.incoming[request.id], !cancelled else {
                state.incoming[request.id] = nil
                return nil
            }
            // Created under the lock, so that the task's own removal of the entry comes after.
            let task = Task { await self.run(request, handler) }
            state.incoming[request.id] = .running(task)
            return task
        }
        if task == nil { sendResponse(id: request.id, .failure(.cancelled)) }
        return task
    }

    /// Runs the handler for one request and sends its response.
    private func run(_ request: RequestMessage, _ handler: any MessageHandler) async {
        let result: Result<JSONValue, ResponseError>
        do {
            result = .success(try await handler.handle(request, from: self))
        } catch let error as ResponseError {
            result = .failure(error)
        } catch is CancellationError {
            result = .failure(.cancelled)
        } catch {
            result = .failure(Task.isCancelled ? .cancelled : .internalError("\(error)"))
        }
        state.withLock { _ = $0.incoming.removeValue(forKey: request.id) }
        sendResponse(id: request.id, result)
    }
}

/// `close(2)`, named apart from `Connection.close()`.
func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
