import JSONRPC
import PromptFile
import VSynthesis

/// Loading the model: once per configuration, in the background, shared by every caller.
extension LanguageServer {
    /// Starts loading the configured model unless it is loaded or loading.
    func startLoadingEngine() {
        guard engineTask == nil || engineKey != configuration.modelKey else { return }
        let configuration = self.configuration
        let load = options.loadModel
        let cache = self.cache
        engineKey = configuration.modelKey
        engineFailure = nil
        status("loading", message: configuration.modelPath)
        let task = Task<Engine, any Error> {
            let model = BoundedModel(try await load(configuration), limit: LanguageServer.modelCallsInFlight)
            return Engine(model: model, scorer: VScorer(model: model, cache: cache),
                          synthesizer: Synthesizer(model: model, cache: cache))
        }
        engineTask = task
        Task { await self.engineFinishedLoading(task, key: configuration.modelKey) }
    }

    private func engineFinishedLoading(_ task: Task<Engine, any Error>, key: String) async {
        do {
            let loaded = try await task.value
            guard key == engineKey else { return }
            engine = loaded
            log("model ready: \(loaded.model.identity)")
            status("ready", message: "\(loaded.model.identity)")
            for uri in documents.keys { scheduleScoring(uri, debounce: false) }
        } catch {
            guard key == engineKey else { return }
            engineFailure = "\(error)"
            showMessage("cannot load the model: \(error); scores are off until the model setting changes", type: 1)
            status("error", message: "\(error)")
        }
    }

    /// The configuration a file is scored with: the user's, with the file's choice among the
    /// user's named backends and models.
    func configuration(for document: PromptDocument) -> ServerConfiguration {
        configuration.choosing(for: document.settings).configuration
    }

    /// The engine for a file, if it is loaded (for answers that must not wait for it).
    func readyEngine(for document: PromptDocument) -> Engine? {
        let key = configuration(for: document).modelKey
        return key == configuration.modelKey ? engine : alternates.ready[key]
    }

    /// The engine for a file, waiting for it to load if needed: the user's, or the named
    /// backend or model the file chose (at most `AlternateEngines.limit` of those stay loaded).
    func loadedEngine(for document: PromptDocument) async throws -> Engine {
        let chosen = configuration(for: document)
        guard chosen.modelKey != configuration.modelKey else { return try await loadedEngine() }
        let task = alternates.task(for: chosen.modelKey) {
            let load = options.loadModel
            let cache = self.cache
            return Task<Engine, any Error> {
                let model = BoundedModel(try await load(chosen), limit: LanguageServer.modelCallsInFlight)
                return Engine(model: model, scorer: VScorer(model: model, cache: cache),
                              synthesizer: Synthesizer(model: model, cache: cache))
            }
        }
        do {
            let loaded = try await task.value
            alternates.ready[chosen.modelKey] = loaded
            return loaded
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            alternates.forget(chosen.modelKey)
            throw LanguageServerError.model("\(error)")
        }
    }

    /// The engine, waiting for it to load if needed.
    func loadedEngine() async throws -> Engine {
        if let engine { return engine }
        startLoadingEngine()
        guard let task = engineTask else { throw LanguageServerError.model("no model configured") }
        do {
            return try await task.value
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as LanguageServerError {
            throw error
        } catch {
            throw LanguageServerError.model("\(error)")
        }
    }
}
