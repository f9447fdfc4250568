import JSONRPC

/// A document as `didOpen` hands it over: its URI, language, version and full text.
public struct TextDocumentItem: MessageType, Hashable {
    public var uri: String
    public var languageId: String
    public var version: Int
    public var text: String

    public init(uri: String, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.text = text
    }
}
