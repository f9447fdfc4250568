import Testing
@testable import JSONRPC

/// Frame bytes for tests: `Content-Length` from the body unless `length` overrides it.
func frame(_ body: String, length: Int? = nil, extraHeaders: String = "") -> [UInt8] {
    let bytes = Array(body.utf8)
    return Array("\(extraHeaders)Content-Length: \(length ?? bytes.count)\r\n\r\n".utf8) + bytes
}

/// Feeds `chunks` one by one and collects every event.
func events(_ chunks: [[UInt8]], framer: MessageFramer = MessageFramer()) -> [MessageFramer.Event] {
    var framer = framer
    var out: [MessageFramer.Event] = []
    for chunk in chunks {
        framer.append(contentsOf: chunk)
        while let event = framer.next() { out.append(event) }
    }
    return out
}

func messages(_ events: [MessageFramer.Event]) -> [JSONValue] {
    events.compactMap { if case .message(let m) = $0 { return m } else { return nil } }
}

func problems(_ events: [MessageFramer.Event]) -> [JSONRPCError] {
    events.compactMap { if case .problem(let p) = $0 { return p } else { return nil } }
}

@Suite struct MessageFramerTests {
    static let first = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"x":"é😀"}}"#
    static let second = #"{"jsonrpc":"2.0","method":"initialized","params":{}}"#
    static let third = #"{"jsonrpc":"2.0","id":"a","result":[1,2,3]}"#
    static let expected = try! [first, second, third].map { try JSONParser.parse($0) }

    static let stream: [UInt8] = frame(first)
        + frame(second, extraHeaders: "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
        + Array("\r\n".utf8)
        + frame(third, extraHeaders: "X-Unknown: whatever\r\n").map { $0 }

    @Test func everySplitPointOfAMultiMessageStream() {
        let bytes = Self.stream
        for split in 0...bytes.count {
            let got = events([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(got == Self.expected.map { .message($0) }, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPoints() {
        let bytes = Self.stream
        for a in stride(from: 0, through: bytes.count, by: 3) {
            for b in a...bytes.count {
                let got = events([Array(bytes[..<a]), Array(bytes[a..<b]), Array(bytes[b...])])
                if got != Self.expected.map({ .message($0) }) {
                    Issue.record("splits at \(a), \(b): \(got)")
                    return
                }
            }
        }
    }

    @Test func byteByByte() {
        #expect(events(Self.stream.map { [$0] }) == Self.expected.map { .message($0) })
    }

    @Test func headerNamesAreCaseInsensitive() {
        let got = events([Array("content-LENGTH:   2  \r\nCONTENT-TYPE: application/json\r\n\r\n{}".utf8)])
        #expect(got == [.message(.object([:]))])
    }

    /// After each bad frame, the good one that follows is still read.
    private func expectRecovery(_ bad: [UInt8], problem expected: JSONRPCError, onlyProblem: Bool = true,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let good = frame(Self.second)
        for got in [events([bad + good]), events((bad + good).map { [$0] })] {
            #expect(problems(got).first == expected, sourceLocation: sourceLocation)
            #expect(problems(got).count == (onlyProblem ? 1 : 2), sourceLocation: sourceLocation)
            #expect(messages(got) == [Self.expected[1]], sourceLocation: sourceLocation)
        }
    }

    @Test func badHeaders() {
        expectRecovery(Array("Content-Type: application/json\r\n\r\n{}".utf8),
                       problem: .missingContentLength(streamOffset: 0))
        expectRecovery(Array("Garbage\r\n\r\n".utf8), problem: .malformedHeader(line: "Garbage", streamOffset: 0))
        expectRecovery(Array("Content-Length: 2\n\n{}".utf8),
                       problem: .malformedHeader(line: "Content-Length: 2", streamOffset: 0))
        expectRecovery(Array("Bad Name: 1\r\n\r\n".utf8), problem: .malformedHeader(line: "Bad Name: 1", streamOffset: 0))
        expectRecovery(Array("Content-Length: -1\r\n\r\n".utf8), problem: .invalidContentLength("-1", streamOffset: 0))
        expectRecovery(Array("Content-Length: abc\r\n\r\n".utf8), problem: .invalidContentLength("abc", streamOffset: 0))
        expectRecovery(Array("Content-Length: \r\n\r\n".utf8), problem: .invalidContentLength("", streamOffset: 0))
        expectRecovery(Array("Content-Length: 99999999999999999999\r\n\r\n".utf8),
                       problem: .invalidContentLength("99999999999999999999", streamOffset: 0))
        expectRecovery(Array("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}".utf8),
                       problem: .invalidContentLength("3", streamOffset: 19), onlyProblem: false)
        expectRecovery(Array("Content-Length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}".utf8),
                       problem: .unsupportedContentType("text/plain; charset=latin1", streamOffset: 19))
        expectRecovery(Array(repeating: UInt8(ascii: "x"), count: 9000),
                       problem: .headerTooLong(limit: MessageFramer.maximumHeaderSize, streamOffset: 0))
    }

    @Test func garbageBeforeAHeaderOnTheSameLine() {
        expectRecovery(Array("}}}".utf8), problem: .malformedHeader(line: "}}}Content-Length: 52", streamOffset: 0))
        expectRecovery(Array("xyz".utf8), problem: .malformedHeader(line: "xyzContent-Length: 52", streamOffset: 0))
    }

    @Test func lengthThatIsTooShort() {
        // The body is cut after 10 bytes; the rest is garbage up to the next header.
        let bad = frame(Self.first, length: 10)
        let got = events([bad + frame(Self.second)])
        #expect(problems(got) == [.invalidBody(underlying: .unexpectedEnd(expected: "':'", offset: 10),
                                               streamOffset: 22)])
        #expect(messages(got) == [Self.expected[1]])
    }

    @Test func lengthThatIsTooLongIsCaughtWithoutWaiting() {
        // Declares 500 bytes; only the next message follows, and nothing more ever arrives.
        let bad = frame(Self.first, length: 500)
        let next = bad.count
        let got = events([bad + frame(Self.second)])
        #expect(problems(got) == [.lengthMismatch(declared: 500, nextHeaderAt: next, streamOffset: 0)])
        #expect(messages(got) == [Self.expected[1]])
        #expect(events((bad + frame(Self.second)).map { [$0] }) == got)
    }

    @Test func invalidJSONBody() {
        let bad = frame(#"{"jsonrpc": 2.0.1}"#)
        expectRecovery(bad, problem: .invalidBody(underlying: .unexpectedByte(UInt8(ascii: "."), expected: "',' or '}'",
                                                                              offset: 15), streamOffset: 22))
        expectRecovery(frame(""), problem: .invalidBody(underlying: .unexpectedEnd(expected: "a value", offset: 0),
                                                        streamOffset: 21))
    }

    @Test func invalidUTF8Body() {
        let body: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let bad = Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        expectRecovery(bad, problem: .invalidBody(underlying: .invalidUTF8(offset: 6), streamOffset: 22))
    }

    @Test func oversizeMessageIsSkippedWithoutBuffering() {
        var framer = MessageFramer(maximumMessageSize: 1000)
        let huge = #"{"x":""# + String(repeating: "a", count: 50_000) + #""}"#
        let bytes = frame(huge) + frame(Self.second)
        var got: [MessageFramer.Event] = []
        var largestBuffer = 0
        for start in stride(from: 0, to: bytes.count, by: 700) {
            framer.append(contentsOf: bytes[start..<min(start + 700, bytes.count)])
            while let event = framer.next() { got.append(event) }
            largestBuffer = max(largestBuffer, framer.bufferedByteCount)
        }
        #expect(problems(got) == [.messageTooLarge(length: huge.utf8.count, limit: 1000, streamOffset: 0)])
        #expect(messages(got) == [Self.expected[1]])
        #expect(largestBuffer < 800, "the skipped body must not be buffered")
    }

    @Test func oversizeLengthThatLies() {
        let bad = Array("Content-Length: 900000000000\r\n\r\n{}".utf8)
        let got = events([bad + frame(Self.second)], framer: MessageFramer(maximumMessageSize: 1000))
        #expect(problems(got) == [.messageTooLarge(length: 900000000000, limit: 1000, streamOffset: 0),
                                  .lengthMismatch(declared: 900000000000, nextHeaderAt: bad.count, streamOffset: 0)])
        #expect(messages(got) == [Self.expected[1]])
    }

    @Test func writerFramesWhatTheReaderReads() {
        let message = Message.request(RequestMessage(id: .string("x"), method: "m", params: ["é": [1, nil]]))
        let bytes = MessageFramer.frame(message)
        #expect(bytes.starts(with: Array("Content-Length: ".utf8)))
        #expect(events([bytes]) == [.message(message.jsonValue)])
    }
}
