import JSONRPC

/// The value of a work-done `$/progress` notification: begin, report or end.
public struct WorkDoneProgress: MessageType, Hashable {
    /// `begin`, `report` or `end`.
    public var kind: String
    /// Only in `begin`.
    public var title: String?
    /// Whether the client may show a cancel button (sending `window/workDoneProgress/cancel`).
    public var cancellable: Bool?
    public var message: String?
    /// 0...100.
    public var percentage: Int?

    public static func begin(title: String, message: String? = nil, percentage: Int? = 0) -> WorkDoneProgress {
        WorkDoneProgress(kind: "begin", title: title, cancellable: true, message: message, percentage: percentage)
    }

    public static func report(message: String?, percentage: Int?) -> WorkDoneProgress {
        WorkDoneProgress(kind: "report", title: nil, cancellable: true, message: message, percentage: percentage)
    }

    public static func end(message: String?) -> WorkDoneProgress {
        WorkDoneProgress(kind: "end", title: nil, cancellable: nil, message: message, percentage: nil)
    }
}
