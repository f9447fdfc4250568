import Foundation
import PromptFile
import TestSupport
import Testing
@testable import CLI

/// Issue 11, findings 1 and 5 from the command line: every numeric option of every command is
/// bounded by `Limits` and refuses its extremes with a usage error naming it and its range; a prompt
/// file with an enormous count is a located error (it used to trap: exit 132); a damaged model file
/// is reported by name (it used to print `nan`, exit 0); `--json` never dies on a non-finite number.
struct NumericBoundsTests {
    /// Options that take a value that is not a number.
    static let textOptions: Set<String> = ["model", "backend", "method", "weighting", "stop", "anchor", "path", "types",
                                           "shape", "log", "api-key-env", "rows", "seeds", "task", "methods", "continuation", "labels",
                                           "context-ids", "continuation-ids", "frame", "batch", "strategies"]

    /// Every option that takes a value, with its command.
    static var valueOptions: [(path: [String], option: CommandSpec.Option)] {
        VSynthCLI.commands.flatMap { command in command.spec.options.filter(\.takesValue).map { (command.spec.path, $0) } }
    }

    static let extremes = ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-1", "0", "1e400",
                           "-1e400", "1e308", "nan", "NaN", "inf", "-inf", "infinity", "0x10", "1.5", "", "ten"]

    @Test func everyNumericOptionIsBounded() {
        for (path, option) in Self.valueOptions where !Self.textOptions.contains(option.name) {
            // `logprobs --context` is text; `generate --context` is a number.
            if option.name == "context", option.valueName == "TEXT" { continue }
            #expect(option.bound != nil, "vsynth \(path.joined(separator: " ")) --\(option.name) has no bound")
        }
    }

    /// In process, every extreme against every bounded option: accepted exactly when the range says so.
    @Test func everyBoundedOptionRefusesItsExtremes() {
        for (path, option) in Self.valueOptions {
            guard let bound = option.bound, let spec = VSynthCLI.commands.first(where: { $0.spec.path == path })?.spec else { continue }
            for value in Self.extremes {
                let inRange: Bool = switch bound {
                case .integer(let range): Int(value).map(range.contains) ?? false
                case .number(let range): Double(value).map { $0.isFinite && range.contains($0) } ?? false
                }
                do {
                    _ = try spec.parse(["--\(option.name)=\(value)"])
                    #expect(inRange, "\(path) --\(option.name)=\(value) was accepted")
                } catch {
                    if inRange, error.message.hasPrefix("missing argument") || error.message.hasPrefix("expected") { continue }
                    #expect(!inRange, "\(path) --\(option.name)=\(value): \(error.message)")
                    #expect(error.message == "option '--\(option.name)' needs \(bound.kindText) in \(bound.text), got '\(value)'")
                }
            }
        }
    }

    /// Black box: each bounded option of each command once, with an extreme out of its range.
    @Test func theBinaryRefusesOutOfRangeOptionsWithExitCode2() async throws {
        var index = 0
        for (path, option) in Self.valueOptions {
            guard let bound = option.bound else { continue }
            let outside = Self.extremes.filter { !bound.accepts($0) }
            let value = outside[index % outside.count]
            index += 1
            let result = try await VSynthBinary.run(path + ["--\(option.name)=\(value)"])
            #expect(result.status == 2, "\(path) --\(option.name)=\(value): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("'--\(option.name)'") && result.stderr.contains(bound.text), "\(result.stderr)")
        }
        // Short spellings go through the same check.
        let short = try await VSynthBinary.run(["synthesize", "x.prompt", "-n", "9223372036854775807"])
        #expect(short.status == 2 && short.stderr.contains("option '-n' needs an integer in 1...1000"), "\(short.stderr)")
    }

    /// The reproduction of finding 1: `vsynth synthesize` on a file with count 2^63−1 exited 132 (SIGILL).
    @Test func synthesizeOnAHugeCountIsALocatedErrorNotATrap() async throws {
        _ = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("""
        ---
        vsynth:
          task: Classify the sentiment of a movie review as positive or negative.
          count: 9223372036854775807
          refresh: on-save
        ---
        {{!-- vsynth:demos --}}
        {{!-- /vsynth:demos --}}

        """, to: "huge.prompt")
        for arguments in [["synthesize", path], ["synthesize", path, "--jobs", "1"], ["score", path], ["parse", path]] {
            let result = try await VSynthBinary.run(arguments + ["--threads", "2"].filter { _ in arguments[0] != "parse" })
            #expect(result.status == 1, "\(arguments): exit \(result.status)\n\(result.stderr)")
            #expect(result.stderr.contains("huge.prompt:4:10: error: setting 'vsynth.count' must be in 0...1000, found 9223372036854775807"),
                    "\(arguments): \(result.stderr)")
        }
    }

    /// Finding 5: a model whose tensor data is damaged (0xFF bytes: NaN weights and block scales).
    @Test func scoringWithADamagedModelFileNamesItAndPrintsNoNaN() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let damaged = directory.path + "/damaged.gguf"
        try FileManager.default.copyItem(atPath: model, toPath: damaged)
        let size = try FileManager.default.attributesOfItem(atPath: damaged)[.size] as? Int ?? 0
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: damaged))
        // The last quarter of the file is tensor data (the header, metadata and vocabulary are a few MB at the start).
        try handle.seek(toOffset: UInt64(size - size / 4))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: size / 4))
        try handle.close()
        let prompt = try directory.write("""
        ---
        vsynth.task: Give the opposite of the word.
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        hot
        {{role "model"}}
        cold
        {{!-- /vsynth:demos --}}

        """, to: "p.prompt")
        for json in [false, true] {
            let result = try await VSynthBinary.run(["score", prompt, "--model", damaged, "--threads", "2"] + (json ? ["--json"] : []))
            #expect(result.status == 1, "exit \(result.status): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains(damaged) && result.stderr.contains("damaged model file"), "\(result.stderr)")
            #expect(!result.stdout.lowercased().contains("nan") && !result.stderr.contains("EncodingError"))
        }
    }

    /// `--json` output: a non-finite number is a clean error naming the field, never a raw `EncodingError`.
    @Test func jsonOutputRefusesNonFiniteNumbersCleanly() throws {
        struct Item: Encodable { var vscore: Double }
        struct Output: Encodable { var demonstrations: [Item] }
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: CLIError.nonFiniteOutput(field: "demonstrations.1.vscore", value: "\(value)")) {
                _ = try EvalCommand.json(Output(demonstrations: [Item(vscore: 1), Item(vscore: value)]))
            }
        }
        #expect(try EvalCommand.json(Output(demonstrations: [Item(vscore: -1.5)])).contains("-1.5"))
        #expect(CLIError.nonFiniteOutput(field: "x", value: "nan").description.contains("\nhint: "))
    }
}

extension OptionBound {
    /// "an integer" or "a number", as the usage message says.
    var kindText: String {
        switch self {
        case .integer: "an integer"
        case .number: "a number"
        }
    }
}
