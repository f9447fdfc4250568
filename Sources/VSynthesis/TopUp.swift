import LanguageModel
import PromptFile

/// One prompt file topped up: how many demonstrations it should hold and lacks, with which seed,
/// synthesized after the demonstrations it has, and the new version of the file written only if
/// the file still holds the bytes it was read from (`PromptFileWriter`). The one path behind
/// `vsynth synthesize`, its batch run (`BatchSynthesis`) and the language server's top-ups (which
/// deliver open files through the editor and write closed ones here).
public struct TopUp: Sendable {
    /// How many demonstrations a file should hold when it sets no `vsynth.count`: the CLI's
    /// target and the server's default `count` setting.
    public static let defaultCount = 4

    public let document: PromptDocument
    /// The file's task definition.
    public let task: String
    /// The demonstrations the synthesis starts from (scored, shown as references, never dropped):
    /// the file's own, or fewer (the server leaves out the one it replaces).
    public let references: [Demonstration]
    /// How many demonstrations the file should hold: its `vsynth.count`, else the default given.
    public let target: Int

    public init(document: PromptDocument, task: String, references: [Demonstration]? = nil,
                defaultCount: Int = TopUp.defaultCount) {
        self.document = document
        self.task = task
        self.references = references ?? document.demonstrationPairs
        self.target = Self.target(of: document, defaultCount: defaultCount)
    }

    /// How many demonstrations `document` should hold: its `vsynth.count`, else `defaultCount`.
    public static func target(of document: PromptDocument, defaultCount: Int = TopUp.defaultCount) -> Int {
        document.settings.count ?? defaultCount
    }

    /// How many the file holds.
    public var held: Int { document.demonstrations.count }

    /// How many it lacks to reach its target (0 when it has enough).
    public var lacking: Int { max(target - held, 0) }

    /// `base` set for this file: `count` demonstrations, seeded by `seed` when given, else by the
    /// file's `vsynth.seed`, else by `base.seed`.
    public func options(_ base: SynthesisOptions, count: Int, seed: UInt64? = nil) -> SynthesisOptions {
        var options = base
        options.count = count
        if let seed = seed ?? document.settings.seed.map({ UInt64(max($0, 0)) }) { options.seed = seed }
        return options
    }

    /// Runs the synthesis with `options` (from `options(_:count:seed:)`). Cancellable; throws
    /// `CancellationError` when cancelled, even if the model finished.
    public func synthesize(with synthesizer: Synthesizer, options: SynthesisOptions,
                           progress: (@Sendable (SynthesisProgress) -> Void)? = nil) async throws -> SynthesisResult {
        let result = try await synthesizer.synthesize(definition: task, format: document.demonstrationFormat,
                                                      existing: references, options: options, progress: progress)
        try Task.checkCancellation()
        return result
    }

    /// The file's new bytes: `added` after the file's own demonstrations, or instead of them when
    /// `replacing`.
    public func newBytes(adding added: [Demonstration], replacing: Bool = false) throws(PromptFileError) -> [UInt8] {
        let kept = replacing ? [] : document.demonstrationPairs
        return try TextEdit.apply(try document.edits(replacingDemonstrationsWith: kept + added), to: document.bytes)
    }

    /// Writes `newBytes` to `path` (the document's file, or the file a link to it resolves to) if it
    /// still holds the bytes the document was read from (`PromptFileWriter`).
    public func write(_ newBytes: [UInt8], to path: String, force: Bool = false) throws(VSynthesisError) {
        try PromptFileWriter.write(newBytes, to: path, expecting: document.bytes, force: force)
    }
}
