import Foundation
import GGUF
import Inference
import LanguageModel

/// `vsynth model info FILE|NAME`: what the engine sees in a GGUF file, and whether it runs it.
enum ModelInfoCommand: Command {
    struct Options: OptionGroup {
        let tensors: Option<Bool> = .flag("tensors", help: "List every tensor with its shape and type (default: a count per type).")
    }

    static let spec = CommandSpec(
        path: ["model", "info"],
        summary: "Show a GGUF file's architecture, shapes, weight types, tokenizer and frame, and whether the engine runs it.",
        usage: "FILE|NAME [--tensors]",
        options: Options(),
        positionals: 1...1,
        discussion: """
        Reads the file's header and tensor table. The frame is the one V-Scores use, chosen from the
        file's tokenizer.chat_template. Whether the engine runs it is the engine's own answer, found by
        opening the model (memory-mapped, nothing evaluated), with the reason when it cannot; the exit
        status is then 1.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let path = try ModelStore().modelFile(arguments.positionals[0])
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw InferenceError.unusableModelFile(path: path, reason: "\(error)")
        }
        let metadata = file.metadata
        let architecture = metadata.string("general.architecture") ?? "(none)"
        func value(_ key: String) -> String { metadata.int(key).map(String.init) ?? "-" }
        var lines = [
            "file:         \(path) (\(String(format: "%.1f", Double(file.fileSize) / 1_048_576)) MiB, GGUF v\(file.version))",
            "name:         \(metadata.string("general.name") ?? "-")",
            "architecture: \(architecture)",
            "shape:        \(value("\(architecture).block_count")) layers, width \(value("\(architecture).embedding_length")), "
                + "\(value("\(architecture).attention.head_count")) heads / \(value("\(architecture).attention.head_count_kv")) KV heads, "
                + "FFN \(value("\(architecture).feed_forward_length")), context \(value("\(architecture).context_length"))",
            "tokenizer:    \(metadata.string("tokenizer.ggml.model") ?? "-") (pre-tokenizer \(metadata.string("tokenizer.ggml.pre") ?? "-")), "
                + "\(metadata.array("tokenizer.ggml.tokens")?.count ?? 0) tokens, BOS \(value("tokenizer.ggml.bos_token_id")) "
                + "(added: \(metadata.bool("tokenizer.ggml.add_bos_token") == true ? "yes" : "no")), EOS \(value("tokenizer.ggml.eos_token_id"))",
            "frame:        \(ChatTemplate.Kind(chatTemplate: metadata.string("tokenizer.chat_template")).rawValue)"
                + (metadata.string("tokenizer.chat_template") == nil ? " (no chat template)" : " (from tokenizer.chat_template)"),
        ]
        var counts: [String: Int] = [:]
        for tensor in file.tensors { counts[tensor.type.name, default: 0] += 1 }
        lines.append("weights:      \(file.tensors.count) tensors: "
            + counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if try arguments[\.tensors] {
            for tensor in file.tensors {
                lines.append("  \(tensor.name)  [\(tensor.dimensions.map(String.init).joined(separator: ", "))]  \(tensor.type.name)")
            }
        }
        var runs = true
        do {
            _ = try TransformerModel(path: path)
            lines.append("engine:       runs it")
        } catch {
            runs = false
            lines.append("engine:       cannot run it: \(error)")
        }
        Console.out(lines.joined(separator: "\n"))
        return runs ? 0 : 1
    }
}
