// swift-tools-version:6.0
// VSynth: few-shot demonstration synthesis and V-Score consistency for LLM prompt files.
// No package dependencies by design: only the Swift toolchain.
import PackageDescription

/// Modules whose inner loops decide VSynth's speed are always optimised, even in debug builds and
/// under `swift test`, so that tests against the real model run in seconds rather than minutes.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "VSynth",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vsynth", targets: ["vsynth"]),
    ],
    targets: [
        // What every module shares: the lock box, the async semaphore, the seeded generator
        // (SplitMix64), well-formed UTF-8.
        .target(name: "Support"),
        // Embedded inference: GGUF → tokenizer → Llama forward pass.
        .target(name: "GGUF", swiftSettings: optimised),
        .target(name: "Tokenizer", dependencies: ["GGUF"], swiftSettings: optimised),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Inference", dependencies: ["GGUF", "Tokenizer", "CKernels", "LanguageModel", "JSONSchema", "Support"],
                swiftSettings: optimised),
        // JSON schemas of prompt files' inputs and outputs: the model, grammar matching, validation.
        .target(name: "JSONSchema", swiftSettings: optimised),
        // The one protocol the method talks to; engines and backends conform to it.
        .target(name: "LanguageModel", dependencies: ["JSONSchema"]),
        // Prompt files: YAML frontmatter, demonstrations region, ranges, edits.
        .target(name: "PromptFile", dependencies: ["JSONSchema", "LanguageModel", "Support"], swiftSettings: optimised),
        // The method: V-Score, proportional sampling, iterative synthesis, evaluation.
        .target(name: "VSynthesis", dependencies: ["PromptFile", "LanguageModel", "JSONSchema", "Support"]),
        // Remote model servers (OpenAI-compatible, llama-server, Ollama).
        .target(name: "Backends", dependencies: ["LanguageModel", "JSONSchema", "Support"]),
        // JSON-RPC 2.0 with LSP framing, and the language server on top of it.
        .target(name: "JSONRPC", dependencies: ["Support"], swiftSettings: optimised),
        .target(name: "LanguageServer",
                dependencies: ["JSONRPC", "PromptFile", "VSynthesis", "LanguageModel", "Support"]),
        // The command line: argument parsing and every subcommand; `vsynth` only calls into it.
        // Optimised too: `vsynth model fetch` hashes the 100 MB model (SHA256.swift) in every build.
        .target(name: "CLI", dependencies: ["PromptFile", "GGUF", "Tokenizer", "Inference",
                                            "LanguageModel", "VSynthesis", "Backends", "LanguageServer"],
                swiftSettings: optimised),
        .executableTarget(name: "vsynth", dependencies: ["CLI"]),
        // What the test targets share (sourcekit-lsp's SKTestSupport is the model): the real test
        // model, `blocking {}`, temporary directories and fixture paths.
        .target(name: "TestSupport", dependencies: ["Inference", "LanguageModel", "Support"]),

        .testTarget(name: "SupportTests", dependencies: ["Support"]),

        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Inference", "Support", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "GGUF", "Inference", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "CKernels", "GGUF", "Tokenizer", "LanguageModel", "JSONSchema",
                                                          "Support", "TestSupport"],
                    swiftSettings: optimised),
        .testTarget(name: "PromptFileTests", dependencies: ["PromptFile", "JSONSchema", "Support", "TestSupport"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "Support"], swiftSettings: optimised),
        // LanguageServerTests: the in-process test client, position encodings, the daemon's behaviour.
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "JSONRPC", "PromptFile", "VSynthesis", "LanguageModel",
                                                               "Inference", "Support", "TestSupport"],
                    exclude: ["Fixtures"]),
        // BackendsTests: against a real llama-cpp-python server (scripts/llama-server.sh, VSYNTH_TEST_OPENAI_URL).
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "LanguageModel", "VSynthesis", "Inference", "PromptFile", "JSONSchema", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Support", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "VSynthesisTests", dependencies: ["VSynthesis", "LanguageModel", "PromptFile", "Inference", "JSONSchema", "Support", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
