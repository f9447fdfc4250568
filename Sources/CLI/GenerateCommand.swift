import Foundation
import Inference
import LanguageModel
import PromptFile

/// `vsynth generate "PROMPT"`: text from the embedded model, streamed to stdout as it is produced.
enum GenerateCommand: Command {
    struct Options: OptionGroup {
        let maxTokens: Option<Int> = .integer("max-tokens", short: "n", value: "N", bound: Limits.generationMaxTokens, default: 128,
                                              help: "Most tokens to generate.")
        let temperature: Option<Double> = .number("temperature", short: "t", value: "T", bound: Limits.temperature,
                                                  default: GenerationOptions().temperature, help: "Sampling temperature; 0 is greedy.")
        let seed: Option<Int> = .integer("seed", short: "s", value: "S", bound: Limits.seed, default: Int(GenerationOptions().seed),
                                         help: "Seed of the sampler.")
        let topK: Option<Int> = .integer("top-k", value: "K", bound: Limits.topK, default: GenerationOptions().topK,
                                         help: "Keep the K most likely tokens; 0 is off.")
        let topP: Option<Double> = .number("top-p", value: "P", bound: Limits.probability, default: GenerationOptions().topP,
                                           help: "Keep the smallest set with probability mass P; 1 is off.")
        let minP: Option<Double> = .number("min-p", value: "P", bound: Limits.probability, default: GenerationOptions().minP,
                                           help: "Drop tokens below P × the top probability; 0 is off.")
        let stop: Option<[String]> = .repeated("stop", value: "TEXT", help: "Stop before TEXT (repeatable).")
        let chat: Option<Bool> = .flag("chat", help: "Wrap PROMPT as a user turn of the model's chat template.")
        let threads = EvalCommand.threads
        let context = GenerateCommand.context
        let model = EvalCommand.model
    }

    /// The engine's KV cache length (also `bench engine`'s).
    static let context: Option<Int> = .integer("context", value: "N", bound: Limits.context,
                                               default: EmbeddedLanguageModel.defaultContextLength, help: "KV cache positions.")

    static let spec = CommandSpec(
        path: ["generate"], summary: "Generate text with the embedded model.",
        usage: "PROMPT [--max-tokens N] [--temperature T] [--seed S] [--top-k K] [--top-p P] [--min-p P] [--chat]",
        options: Options(),
        positionals: 1...1,
        discussion: "The generated text goes to stdout; a summary line (tokens, speed, why it stopped) to stderr.")

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        var options = GenerationOptions(maxTokens: try arguments[\.maxTokens])
        options.temperature = try arguments[\.temperature]
        options.seed = UInt64(try arguments[\.seed])
        options.topK = try arguments[\.topK]
        options.topP = try arguments[\.topP]
        options.minP = try arguments[\.minP]
        options.stop = try arguments[\.stop]
        let model = try ModelFactory.embedded(path: try arguments[\.model], threads: try arguments[\.threads] ?? 0,
                                              contextLength: try arguments[\.context])
        var prompt = arguments.positionals[0]
        if try arguments[\.chat] {
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
