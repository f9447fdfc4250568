extension MessageFramer {
    /// The bytes of one outgoing frame: `Content-Length: N\r\n\r\n` and the compact JSON body.
    ///
    /// No `Content-Type` is written: its only allowed value is LSP's default.
    public static func frame(_ message: Message) -> [UInt8] {
        frame(body: message.jsonValue.serialized())
    }

    /// The bytes of one outgoing frame around an already serialized body.
    public static func frame(body: [UInt8]) -> [UInt8] {
        var out = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        out.reserveCapacity(out.count + body.count)
        out.append(contentsOf: body)
        return out
    }
}
