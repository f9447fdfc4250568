/// Splits a byte stream in LSP framing (`Content-Length: N\r\n\r\n` + N bytes of JSON) into JSON
/// values, and reports every problem in the stream without ever giving up on it.
///
/// Feed bytes as they arrive, in chunks of any size (`append`), then take events (`next`) until it
/// returns `nil`. A chunk may hold part of a message or several messages.
///
/// Headers: `Content-Length` is required, `Content-Type` optional (its charset, if given, must be
/// UTF-8), other headers are ignored, names are case-insensitive, lines end in `\r\n`. Blank lines
/// between messages are tolerated.
///
/// Recovery: after any problem the framer *resynchronizes* on the next header signature, i.e.
/// `Content-Length:`, digits and `\r` (in any letter case), and goes on from there. That signature
/// can never occur inside a valid JSON body (inside a string the raw `\r` is illegal, outside one
/// the letters are), so finding it inside a declared body proves the declared length wrong. The
/// framer therefore scans a body while it waits for it: a length that lies by being too long is
/// reported as soon as the next header arrives, instead of swallowing the messages after it; one
/// that is too short leaves a body that is not valid JSON, and the rest is skipped up to the next
/// header. A message over `maximumMessageSize` is reported and its bytes dropped as they arrive
/// (they are never buffered), still watching them for a header that would prove the length wrong.
public struct MessageFramer {
    /// LSP's common limit; far beyond any document VSynth edits.
    public static let defaultMaximumMessageSize = 64 << 20
    /// The longest header block accepted without its terminating blank line.
    public static let maximumHeaderSize = 8192

    /// What the framer found in the stream.
    public enum Event: Hashable, Sendable {
        /// A well-framed body that is valid JSON.
        case message(JSONValue)
        /// A problem in the stream; the framer has resynchronized past it.
        case problem(JSONRPCError)
    }

    /// What the framer is doing; all positions are stream offsets (bytes since the first append).
    enum State {
        /// Reading the header lines of a frame that starts at `start`; `line` is the next line.
        case header(start: Int, line: Int, contentLength: Int?)
        /// Waiting for the body `[bodyStart, bodyStart + length)`; checked for headers up to `scanned`.
        case body(headerStart: Int, bodyStart: Int, length: Int, scanned: Int)
        /// Dropping an oversize body that ends at `end`; checked for headers up to `scanned`.
        case skipping(end: Int, declared: Int, headerStart: Int, scanned: Int)
        /// Looking for the next header signature from `scanned` on.
        case resyncing(scanned: Int)
    }

    /// Bodies longer than this are reported and skipped.
    public let maximumMessageSize: Int
    /// The nesting limit handed to `JSONParser`.
    public let maximumDepth: Int

    /// Unconsumed bytes; `buffer[0]` is at stream offset `bufferBase`.
    var buffer: [UInt8] = []
    var bufferBase = 0
    var state: State = .header(start: 0, line: 0, contentLength: nil)

    public init(maximumMessageSize: Int = defaultMaximumMessageSize,
                maximumDepth: Int = JSONParser.defaultMaximumDepth) {
        self.maximumMessageSize = maximumMessageSize
        self.maximumDepth = maximumDepth
    }

    /// The stream offset just past the last byte appended.
    var end: Int { bufferBase + buffer.count }

    /// How many bytes the framer holds; stays small while an oversize message is skipped.
    public var bufferedByteCount: Int { buffer.count }

    /// Adds bytes that arrived from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes that arrived from the stream.
    public mutating func append<S: Sequence<UInt8>>(contentsOf bytes: S) {
        buffer.append(contentsOf: bytes)
    }

    /// The next message or problem, or `nil` when more bytes are needed.
    public mutating func next() -> Event? {
        while true {
            let step: Step
            switch state {
            case .header(let start, let line, let contentLength):
                step = readHeaderLine(start: start, line: line, contentLength: contentLength)
            case .body(let headerStart, let bodyStart, let length, let scanned):
                step = readBody(headerStart: headerStart, bodyStart: bodyStart, length: length, scanned: scanned)
            case .skipping(let skipEnd, let declared, let headerStart, let scanned):
                step = skip(end: skipEnd, declared: declared, headerStart: headerStart, scanned: scanned)
            case .resyncing(let scanned):
                step = resync(from: scanned)
            }
            switch step {
            case .continue:
                continue
            case .event(let event):
                compact(force: false)
                return event
            case .needMoreBytes:
                compact(force: true)
                return nil
            }
        }
    }

    /// The outcome of one state's step.
    enum Step {
        case `continue`
        case event(Event)
        case needMoreBytes
    }

    // MARK: - Body

    private mutating func readBody(headerStart: Int, bodyStart: Int, length: Int, scanned: Int) -> Step {
        let bodyEnd = bodyStart + length
        if end < bodyEnd {
            // Incomplete: look for a header signature among the bytes that arrived.
            switch findSignature(from: scanned, before: end) {
            case .found(let at):
                state = .resyncing(scanned: at)
                return .event(.problem(.lengthMismatch(declared: length, nextHeaderAt: at, streamOffset: headerStart)))
            case .notFound(let resumeAt):
                state = .body(headerStart: headerStart, bodyStart: bodyStart, length: length, scanned: resumeAt)
                return .needMoreBytes
            }
        }
        let parsed: Result<JSONValue, JSONRPCError> = buffer.withUnsafeBufferPointer { all in
            let body = UnsafeBufferPointer(rebasing: all[(bodyStart - bufferBase)..<(bodyEnd - bufferBase)])
            do {
                return .success(try JSONParser.parse(body, maximumDepth: maximumDepth))
            } catch let error as JSONRPCError {
                return .failure(error)
            } catch {
                return .failure(.decodingFailed("\(error)"))
            }
        }
        switch parsed {
        case .success(let value):
            state = .header(start: bodyEnd, line: bodyEnd, contentLength: nil)
            return .event(.message(value))
        case .failure(let error):
            // A header inside the body means the length lied; resume at that header. The bytes
            // before `scanned` were searched while the body arrived.
            switch findSignature(from: scanned, before: bodyEnd) {
            case .found(let at):
                state = .resyncing(scanned: at)
                return .event(.problem(.lengthMismatch(declared: length, nextHeaderAt: at, streamOffset: headerStart)))
            case .notFound(let resumeAt):
                state = .resyncing(scanned: resumeAt)
                return .event(.problem(.invalidBody(underlying: error, streamOffset: bodyStart)))
            }
        }
    }

    /// Drops the bytes of an oversize body as they arrive, watching them for a header signature.
    private mutating func skip(end skipEnd: Int, declared: Int, headerStart: Int, scanned: Int) -> Step {
        switch findSignature(from: scanned, before: min(end, skipEnd)) {
        case .found(let at):
            state = .resyncing(scanned: at)
            return .event(.problem(.lengthMismatch(declared: declared, nextHeaderAt: at, streamOffset: headerStart)))
        case .notFound(let resumeAt):
            if end >= skipEnd && resumeAt >= skipEnd {
                state = .header(start: skipEnd, line: skipEnd, contentLength: nil)
                return .continue
            }
            // Either the body has not all arrived, or a signature may straddle its end and is
            // decided once more bytes arrive.
            state = .skipping(end: skipEnd, declared: declared, headerStart: headerStart, scanned: resumeAt)
            return .needMoreBytes
        }
    }

    /// Looks for the next header signature; everything before it is dropped.
    private mutating func resync(from scanned: Int) -> Step {
        switch findSignature(from: scanned, before: end) {
        case .found(let at):
            state = .header(start: at, line: at, contentLength: nil)
            return .continue
        case .notFound(let resumeAt):
            state = .resyncing(scanned: resumeAt)
            return .needMoreBytes
        }
    }

    /// Enters resynchronization after a problem in the header that started at `start`.
    mutating func fail(_ problem: JSONRPCError, headerStart start: Int) -> Step {
        state = .resyncing(scanned: start + 1)
        return .event(.problem(problem))
    }

    // MARK: - Buffer

    /// The stream offset before which no byte is needed any more.
    private var firstNeededOffset: Int {
        switch state {
        case .header(let start, _, _): return start
        case .body(let headerStart, _, _, _): return headerStart
        case .skipping(_, _, _, let scanned): return scanned
        case .resyncing(let scanned): return scanned
        }
    }

    /// Drops consumed bytes: always while skipping or resynchronizing (so that skipped bytes are
    /// never held), otherwise once they are a large part of the buffer.
    private mutating func compact(force: Bool) {
        let drop = min(firstNeededOffset, end) - bufferBase
        guard drop > 0 else { return }
        let skippingOrResyncing: Bool
        switch state {
        case .skipping, .resyncing: skippingOrResyncing = true
        default: skippingOrResyncing = false
        }
        if (force && skippingOrResyncing) || (drop >= 4096 && drop * 2 >= buffer.count) || drop == buffer.count {
            buffer.removeFirst(drop)
            bufferBase += drop
        }
    }

    /// The byte at stream offset `offset` (which must be buffered).
    @inline(__always)
    func byte(at offset: Int) -> UInt8 { buffer[offset - bufferBase] }
}
