import Backends
import Inference
import LanguageModel
import LanguageServer

/// The one way a model is opened, by every command and by the daemon (`LSPCommand` passes
/// `model(_:)` to the server as its `loadModel`): a spec in, a `LanguageModel` out.
///
/// The spec is a `ServerConfiguration`'s `backend` (`embedded`, a configured backend's name,
/// `[KIND+]URL[?model=…]`, or `generate=… score=…`; docs/backends.md), `modelPath` (the GGUF file of
/// the embedded engine, or the model name of a single remote backend whose spec names none; either
/// may be a name the user configured, `NamedModels`, or a catalog name) and `threads`. The GGUF file
/// is found by `ModelStore.modelFile` (a catalog name is its installed file; a path goes through
/// `ModelLocator`, which alone expands `~` and falls back to `$VSYNTH_MODEL` and the default model).
public enum ModelFactory {
    /// The model `configuration` names: the embedded engine, a remote backend, or one of each in
    /// the generator and scorer roles. `maxBatch`: the embedded engine's most generations decoded
    /// together (1: one at a time).
    public static func model(_ configuration: ServerConfiguration,
                             maxBatch: Int = EmbeddedLanguageModel.defaultMaxBatch) async throws -> any LanguageModel {
        var roles = try ModelRoles(spec: configuration.backend.isEmpty ? "embedded" : configuration.backendSpec)
        let singleRemote = roles.generator != nil && roles.generator == roles.scorer
        let model = configuration.modelPath.map { configuration.namedModels.model(named: $0) ?? $0 }
        if singleRemote, roles.generator?.model == nil, let model {
            roles.generator?.model = model
            roles.scorer?.model = model
        }
        let gguf = singleRemote ? nil : model
        let threads = configuration.threads
        return try await roles.resolve(embedded: { try embedded(path: gguf, threads: threads, maxBatch: maxBatch) })
    }

    /// The embedded engine on the GGUF file at `path` (nil: `$VSYNTH_MODEL` or the default model),
    /// for commands that need the engine itself (its tokenizer, template or sessions).
    /// `requiresTokenizer: false` opens a model whose tokenizer VSynth does not read, for token ids only.
    public static func embedded(path: String?, threads: Int, contextLength: Int = EmbeddedLanguageModel.defaultContextLength,
                                requiresTokenizer: Bool = true,
                                maxBatch: Int = EmbeddedLanguageModel.defaultMaxBatch) throws -> EmbeddedLanguageModel {
        try EmbeddedLanguageModel(path: try ModelStore().modelFile(path), threads: threads,
                                  contextLength: contextLength, requiresTokenizer: requiresTokenizer, maxBatch: maxBatch)
    }
}
