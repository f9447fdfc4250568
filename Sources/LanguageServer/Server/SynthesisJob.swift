import PromptFile
import Support

/// One synthesis running for a document: what it was asked, on which text, and how to stop it.
struct SynthesisJob: Sendable {
    enum Kind: String, Sendable {
        /// Insert n new demonstrations after the file's own.
        case synthesize
        /// Insert as many as the file's `count` needs.
        case topUp
        /// Replace the lowest-scoring demonstration by a new one.
        case replaceWeakest
    }

    var id: Int
    var kind: Kind
    var uri: String
    /// The `$/progress` token, when the client supports progress.
    var token: ProgressToken?
    /// How many demonstrations to make.
    var count: Int
    /// The demonstration to replace (`replaceWeakest`).
    var replacing: Demonstration?
    var task: Task<Void, Never>?
    /// How far it is and what it does, as `$/progress` and `vsynth/status` report it: written by
    /// the synthesis's progress callback (off the server actor), read by every later status.
    let progress = Locked(SynthesisJob.Progress(percentage: 0, message: nil))

    struct Progress: Sendable {
        /// 0 to 100; never goes back.
        var percentage: Int
        var message: String?
    }
}

/// Demonstrations the client said it inserted, to be seen in a later `didChange`.
struct EditExpectation: Sendable {
    var inserted: [Demonstration]
    /// Set once the client answered `applied: true`.
    var confirmedByClient: Bool
    var jobID: Int
}
