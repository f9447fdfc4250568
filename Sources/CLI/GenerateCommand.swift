import Foundation
import Inference
import LanguageModel
import PromptFile

/// `vsynth generate "PROMPT"`: text from the embedded model, streamed to stdout as it is produced.
enum GenerateCommand: Command {
    static let spec = CommandSpec(
        path: ["generate"], summary: "Generate text with the embedded model.",
        usage: "PROMPT [--max-tokens N] [--temperature T] [--seed S] [--top-k K] [--top-p P] [--min-p P] [--chat]",
        options: [
            .init("max-tokens", short: "n", value: "N", bound: .integer(Limits.generationMaxTokens), help: "Most tokens to generate (default 128)."),
            .init("temperature", short: "t", value: "T", bound: .number(Limits.temperature), help: "Sampling temperature; 0 is greedy (default 0)."),
            .init("seed", short: "s", value: "S", bound: .integer(Limits.seed), help: "Seed of the sampler (default 0)."),
            .init("top-k", value: "K", bound: .integer(Limits.topK), help: "Keep the K most likely tokens (0 = off)."),
            .init("top-p", value: "P", bound: .number(Limits.probability), help: "Keep the smallest set with probability mass P (1 = off)."),
            .init("min-p", value: "P", bound: .number(Limits.probability), help: "Drop tokens below P × the top probability (0 = off)."),
            .init("stop", value: "TEXT", help: "Stop before TEXT (repeatable)."),
            .init("chat", help: "Wrap PROMPT as a user turn of the model's chat template."),
            .init("threads", value: "N", bound: .integer(Limits.threads), help: "Compute threads (default: all cores)."),
            .init("context", value: "N", bound: .integer(Limits.context), help: "KV cache positions (default 2048)."),
            EvalCommand.modelOption,
        ],
        positionals: 1...1,
        discussion: "The generated text goes to stdout; a summary line (tokens, speed, why it stopped) to stderr.")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let command = spec.path
        var options = GenerationOptions(maxTokens: 128)
        options.maxTokens = try arguments.int("max-tokens", command: command) ?? 128
        options.temperature = try arguments.double("temperature", command: command) ?? 0
        if let seed = try EvalCommand.seed(arguments, command: command) { options.seed = seed }
        options.topK = try arguments.int("top-k", command: command) ?? 0
        options.topP = try arguments.double("top-p", command: command) ?? 1
        options.minP = try arguments.double("min-p", command: command) ?? 0
        options.stop = arguments.allValues("stop")
        let threads = try arguments.int("threads", command: command) ?? 0
        let context = try arguments.int("context", command: command) ?? 2048
        let path = try ModelStore().modelFile(arguments.value("model"))
        let model = try EmbeddedLanguageModel(path: path, threads: threads, contextLength: context)
        var prompt = arguments.positionals[0]
        if arguments.flag("chat") {
            prompt = model.template.prompt(user: prompt)
        }
        let started = Date()
        let generation = try await model.generate(prompt: prompt, options: options) { text in
            Console.out(text, terminator: "")
        }
        Console.out("")
        let seconds = Date().timeIntervalSince(started)
        Console.err(String(format: "[%d tokens, %.1f tok/s, stopped: %@]", generation.tokenCount,
                           Double(generation.tokenCount) / max(seconds, 1e-9), generation.finishReason.rawValue))
        return 0
    }
}
