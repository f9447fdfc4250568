import JSONRPC

/// Names a text document by its URI.
public struct TextDocumentIdentifier: MessageType, Hashable {
    public var uri: String
    public init(uri: String) { self.uri = uri }
}

/// Names a text document at one version (what `didChange` carries).
public struct VersionedTextDocumentIdentifier: MessageType, Hashable {
    public var uri: String
    public var version: Int
    public init(uri: String, version: Int) {
        self.uri = uri
        self.version = version
    }
}

/// Names a text document at a version, or at whatever version is on disk (`version: null`): the
/// target of a `TextDocumentEdit`. The version is always written, `null` included, as LSP asks.
public struct OptionalVersionedTextDocumentIdentifier: MessageType, Hashable {
    public var uri: String
    public var version: Int?
    public init(uri: String, version: Int?) {
        self.uri = uri
        self.version = version
    }

    enum CodingKeys: String, CodingKey { case uri, version }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uri, forKey: .uri)
        if let version { try container.encode(version, forKey: .version) } else { try container.encodeNil(forKey: .version) }
    }
}
