import Foundation
import Testing
@testable import JSONRPC

@Suite struct ConnectionTests {
    @Test func typedRequestAndResponse() async throws {
        let client = try LocalClient(server: TestServer())
        #expect(try await client.send(EchoRequest(text: "héllo 😀", count: 3)) == EchoResult(text: "héllo 😀", count: 3))
        #expect(try await client.send(EchoRequest(text: "", count: nil)) == EchoResult(text: "", count: nil))
        await client.close()
    }

    @Test func concurrentRequestsAreMatchedById() async throws {
        let client = try LocalClient(server: TestServer())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    let result = try await client.send(EchoRequest(text: "n\(n)", count: n))
                    #expect(result == EchoResult(text: "n\(n)", count: n))
                }
            }
            try await group.waitForAll()
        }
        #expect(client.connection.inFlightCounts == (0, 0))
        let server = try #require(client.serverConnection)
        #expect(server.inFlightCounts == (0, 0))
        await client.close()
    }

    @Test func errorReplies() async throws {
        let client = try LocalClient(server: TestServer())
        await #expect(throws: ResponseError(code: .contentModified, message: "failed as asked")) {
            try await client.send(FailRequest(code: ErrorCode.contentModified.rawValue))
        }
        do {
            _ = try await client.send(FailRequest(code: 0))
            Issue.record("expected an error")
        } catch let error as ResponseError {
            #expect(error.code == .internalError)
        }
        do {
            _ = try await client.connection.sendRequest(method: "no/such", params: [:])
            Issue.record("expected an error")
        } catch let error as ResponseError {
            #expect(error == .methodNotFound("no/such"))
        }
        do {
            _ = try await client.connection.sendRequest(method: EchoRequest.method, params: ["text": 5])
            Issue.record("expected an error")
        } catch let error as ResponseError {
            #expect(error.code == .invalidParams)
            #expect(error.message == "invalid params for test/echo: expected a string, found integer at text")
        }
        do {
            _ = try await client.connection.sendRequest(method: EchoRequest.method, params: [:])
            Issue.record("expected an error")
        } catch let error as ResponseError {
            #expect(error.message == "invalid params for test/echo: missing key \"text\" at the top level")
        }
        await client.close()
    }

    @Test func notificationsAreHandledInOrderBeforeLaterRequests() async throws {
        let client = try LocalClient(server: TestServer())
        for n in 0..<500 { try client.send(RecordNotification(n: n)) }
        #expect(try await client.send(RecordedRequest()) == Array(0..<500))
        await client.close()
    }

    @Test func anInOrderRequestDoesNotSeeLaterNotifications() async throws {
        let client = try LocalClient(server: TestServer())
        try client.send(RecordNotification(n: 1))
        async let early = client.send(RecordedInOrderRequest())
        try await Task.sleep(for: .milliseconds(10))  // the request is on the wire first
        try client.send(RecordNotification(n: 2))
        #expect(try await early == [1])
        #expect(try await client.send(RecordedRequest()) == [1, 2])
        await client.close()
    }

    /// Readers block in `read(2)` on threads of their own: many idle connections (more than the
    /// concurrency pool has threads) must not starve the one that has work.
    @Test func idleReadersDoNotBlockTheConcurrencyPool() async throws {
        var idle: [LocalClient] = []
        for _ in 0..<(ProcessInfo.processInfo.activeProcessorCount * 4 + 4) {
            idle.append(try LocalClient(server: TestServer()))
        }
        let busy = try LocalClient(server: TestServer())
        #expect(try await busy.send(EchoRequest(text: "through")).text == "through")
        await busy.close()
        for client in idle { await client.close() }
    }

    @Test func serverToClientRequest() async throws {
        let client = try LocalClient(server: TestServer())
        client.respondToServerRequests { request in
            let ask = try request.decode(AskRequest.self)
            return ["answer": .string(ask.question.uppercased())]
        }
        #expect(try await client.send(RoundTripRequest(question: "why")) == ["answer": "WHY"])
        let seen = try await client.nextServerRequest(method: AskRequest.method)
        #expect(seen.params == ["question": "why"])
        await client.close()
    }

    @Test func requestToAPeerThatNeverAnswersTimesOut() async throws {
        let server = TestServer()
        let client = try LocalClient(server: server)
        await #expect(throws: JSONRPCError.timedOut(waitingFor: "the response to test/slow", after: .milliseconds(100))) {
            try await client.connection.send(SlowRequest(), timeout: .milliseconds(100))
        }
        #expect(client.connection.inFlightCounts == (0, 0))
        // The server was told to cancel: its handler task ends and its entry goes.
        for _ in 0..<200 where client.serverConnection?.inFlightCounts.received != 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(client.serverConnection?.inFlightCounts.received == 0)
        await client.close()
    }

    @Test func serverToClientRequestThatTheClientRefuses() async throws {
        let client = try LocalClient(server: TestServer())
        await #expect(throws: ResponseError.methodNotFound(AskRequest.method)) {
            try await client.send(RoundTripRequest(question: "why"))
        }
        await client.close()
    }

    @Test func cancellingARunningRequest() async throws {
        let server = TestServer()
        let client = try LocalClient(server: server)
        let call = Task { try await client.send(SlowRequest()) }
        _ = try await client.nextNotification(StartedNotification.self)
        call.cancel()
        do {
            _ = try await call.value
            Issue.record("expected the request to be cancelled")
        } catch let error as ResponseError {
            #expect(error.code == .requestCancelled)
        }
        // The connection goes on serving.
        #expect(try await client.send(EchoRequest(text: "after")).text == "after")
        #expect(client.connection.inFlightCounts == (0, 0))
        let serverEnd = try #require(client.serverConnection)
        #expect(serverEnd.inFlightCounts == (0, 0))
        await client.close()
    }

    @Test func cancellingAQueuedRequestAnswersWithoutRunningIt() async throws {
        let server = TestServer()
        let peer = try RawPeer(handler: server)
        peer.write(#"{"jsonrpc":"2.0","method":"test/block"}"#)
        peer.write(#"{"jsonrpc":"2.0","id":5,"method":"test/slow"}"#)
        peer.write(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":5}}"#)
        try await Task.sleep(for: .milliseconds(50))
        server.gate.open()
        let replies = try await peer.waitFor(1)
        #expect(replies.first == ["jsonrpc": "2.0", "id": 5, "error": ["code": -32800, "message": "request cancelled"]])
        #expect(await server.slowCalls == 0)
        await peer.finish()
    }

    @Test func stringAndIntegerIdsAreEchoedExactly() async throws {
        let peer = try RawPeer(handler: TestServer())
        peer.write(#"{"jsonrpc":"2.0","id":"abc","method":"test/echo","params":{"text":"x"}}"#)
        _ = try await peer.waitFor(1)
        peer.write(#"{"jsonrpc":"2.0","id":9007199254740993,"method":"test/echo","params":{"text":"y"}}"#)
        let replies = try await peer.waitFor(2)
        #expect(replies == [["jsonrpc": "2.0", "id": "abc", "result": ["text": "x"]],
                            ["jsonrpc": "2.0", "id": 9007199254740993, "result": ["text": "y"]]])
        await peer.finish()
    }

    @Test func badInputIsAnsweredWithTheRightErrors() async throws {
        let peer = try RawPeer(handler: TestServer(), maximumMessageSize: 1000)
        func code(_ value: JSONValue) -> JSONValue? { value["error"]?["code"] }
        peer.write(#"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":"#)              // invalid JSON
        _ = try await peer.waitFor(1)
        peer.write(Array("Content-Length: 9\r\n\r\n".utf8) + [0x22, 0xff, 0x22] + Array("      ".utf8))  // bad UTF-8
        _ = try await peer.waitFor(2)
        peer.write(#"[{"jsonrpc":"2.0","id":2,"method":"test/echo","params":{"text":"x"}}]"#)  // batch
        _ = try await peer.waitFor(3)
        peer.write(#"{"jsonrpc":"2.0","id":3,"method":7}"#)                                  // bad method
        _ = try await peer.waitFor(4)
        peer.write(#"{"jsonrpc":"1.0","id":4,"method":"test/echo"}"#)                        // bad version
        _ = try await peer.waitFor(5)
        peer.write(#"{"jsonrpc":"2.0","id":null,"method":"test/echo"}"#)                     // null id
        _ = try await peer.waitFor(6)
        peer.write(Array("Content-Length: 5000\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: " "), count: 5000))
        _ = try await peer.waitFor(7)
        peer.write(Array("Content-Lenght: 2\r\n\r\n{}".utf8))                                  // missing length
        _ = try await peer.waitFor(8)
        peer.write(#"{"jsonrpc":"2.0","id":6,"method":"no/such"}"#)                          // unknown method
        _ = try await peer.waitFor(9)
        peer.write(#"{"jsonrpc":"2.0","method":"no/such"}"#)                                 // ignored
        peer.write(#"{"jsonrpc":"2.0","id":7,"result":1}"#)                                  // stray response: no reply
        peer.write(#"{"jsonrpc":"2.0","id":8,"method":"test/echo","params":{"text":"ok"}}"#)
        let replies = try await peer.waitFor(10)
        #expect(replies.count == 10)
        let expected: [(JSONValue, JSONValue)] = [(nil, -32700), (nil, -32700), (nil, -32600), (3, -32600),
                                                  (4, -32600), (nil, -32600), (nil, -32600), (nil, -32700),
                                                  (6, -32601)]
        for (reply, (id, errorCode)) in zip(replies, expected) {
            #expect(reply["id"] == id && code(reply) == errorCode, "\(reply)")
        }
        #expect(replies.last == ["jsonrpc": "2.0", "id": 8, "result": ["text": "ok"]])
        #expect(replies[0]["error"]?["message"]?.stringValue?.contains("at offset") == true)
        #expect(replies[1]["error"]?["message"] == "json: invalid utf-8 at offset 1 in the message body at stream offset 97")
        await peer.finish()
    }

    @Test func waitingForANotificationThatNeverComesTimesOut() async throws {
        let client = try LocalClient(server: TestServer())
        await #expect(throws: JSONRPCError.timedOut(waitingFor: "notification never", after: .milliseconds(100))) {
            try await client.nextNotification(method: "never", timeout: .milliseconds(100))
        }
        await client.close()
    }

    @Test func clientSeesTheServersReportOfBadInput() async throws {
        let client = try LocalClient(server: TestServer())
        client.send(rawBytes: frame("{bad"))
        let error = try await client.nextUnattributedError()
        #expect(error.code == .parseError)
        #expect(error.message == "json: unexpected 'b' at offset 1, expected a key string in the message body at stream offset 21")
        await client.close()
    }

    @Test func closingFailsPendingRequestsAndEndsBothSides() async throws {
        let client = try LocalClient(server: TestServer())
        let call = Task { try await client.send(SlowRequest()) }
        _ = try await client.nextNotification(StartedNotification.self)
        await client.close()
        await #expect(throws: JSONRPCError.connectionClosed) { try await call.value }
        #expect(client.serverConnection?.isClosed == true)
        await #expect(throws: JSONRPCError.connectionClosed) { try await client.send(EchoRequest(text: "late")) }
    }
}

@Suite struct StandardIOTests {
    /// What `standardIO()` does to file descriptor 1, done to a pipe standing in for it.
    @Test func strayOutputIsRedirectedAwayFromTheProtocolChannel() throws {
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        #expect(pipe(&stdoutPipe) == 0 && pipe(&stderrPipe) == 0)
        let protocolOutput = try Connection.takeOver(stdoutPipe[1], redirectingTo: stderrPipe[1])
        let frame = Array("Content-Length: 2\r\n\r\n{}".utf8)
        #expect(write(protocolOutput, frame, frame.count) == frame.count)
        let stray = Array("stray print\n".utf8)
        #expect(write(stdoutPipe[1], stray, stray.count) == stray.count)  // what `print` would do
        for fd in [protocolOutput, stdoutPipe[1], stderrPipe[1]] { close(fd) }
        func readAll(_ fd: Int32) -> [UInt8] {
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 256)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                out += chunk[0..<n]
            }
            close(fd)
            return out
        }
        #expect(readAll(stdoutPipe[0]) == frame)
        #expect(readAll(stderrPipe[0]) == stray)
    }
}

@Suite struct ProcessClientTests {
    /// `cat` as the "server": it echoes every frame, so the client's own request comes back to it
    /// as a request from the server, its answer comes back as the response to its request. That
    /// exercises launching, stdio framing both ways, and exit, without a server binary of ours.
    @Test func talksToALaunchedProcessOverStdio() async throws {
        let client = try LocalClient(launching: URL(fileURLWithPath: "/bin/cat"))
        client.respondToServerRequests { request in
            ["echoedBack": .string(try request.decode(EchoRequest.self).text)]
        }
        let answer = try await client.connection.sendRequest(method: EchoRequest.method, params: ["text": "ü"])
        #expect(answer == ["echoedBack": "ü"])
        try client.send(RecordNotification(n: 3))
        #expect(try await client.nextNotification(RecordNotification.self).n == 3)
        await client.close()
        #expect(await client.waitForExit() == 0)
    }
}
