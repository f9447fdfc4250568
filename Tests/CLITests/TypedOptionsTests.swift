import TestSupport
import Testing
@testable import CLI

/// Typed options: each command declares its options once (`Options`), its spec lists exactly those,
/// and values are read through key paths into them (`CommandArguments`), so reading an undeclared
/// option does not compile.
struct TypedOptionsTests {
    /// The names a command's `Options` declare, in order.
    static func declared<C: Command>(_ command: C.Type) -> [String] {
        C.Options().declarations.map(\.name)
    }

    @Test func everyCommandsSpecListsExactlyItsDeclaredOptions() {
        for command in VSynthCLI.commands {
            #expect(command.spec.options.map(\.name) == Self.declared(command), "\(command.spec.path)")
        }
    }

    struct Demo: OptionGroup {
        let json: Option<Bool> = .flag("json", short: "j", help: "Print JSON.")
        let runs: Option<Int> = .integer("runs", value: "N", bound: 1...10, default: 5, help: "Runs.")
        let seed: Option<Int?> = .integer("seed", value: "K", bound: 0...99, shownDefault: "0", help: "Seed")
        let method: Option<Pick> = .choice("method", value: "M", choices: [.topk, .naive], default: .naive,
                                                                 help: "topk or naive.")
        let task: Option<[String]> = .repeated("task", value: "ID", help: "Only this task (repeatable).")
        let synthesis = SynthesisOptionGroup()
    }

    enum Pick: String, Sendable {
        case topk, naive
    }

    static let spec = CommandSpec(path: ["demo"], summary: "Demo.", usage: "", options: Demo(), positionals: 0...1)

    func arguments(_ words: [String]) throws(UsageError) -> CommandArguments<Demo> {
        CommandArguments(try Self.spec.parse(words), command: Self.spec.path)
    }

    @Test func valuesComeTypedWithTheirDefaults() throws {
        let none = try arguments([])
        #expect(try none[\.json] == false && none[\.runs] == 5 && none[\.seed] == nil && none[\.method] == .naive)
        #expect(try none[\.task] == [] && none[\.synthesis.scale] == SynthesisOptionGroup().defaults.scale)
        let some = try arguments(["-j", "--runs=7", "--seed", "3", "--method", "topk", "--task", "a", "--task", "b", "x"])
        #expect(try some[\.json] && some[\.runs] == 7 && some[\.seed] == 3 && some[\.method] == .topk)
        #expect(try some[\.task] == ["a", "b"] && some.positionals == ["x"])
        #expect(some.given(\.runs) && !none.given(\.runs) && !some.given(\.synthesis.count))
        #expect(some.firstGiven([\.synthesis.count, \.seed, \.json]) == "seed")
        #expect(none.firstGiven([\.json, \.runs]) == nil)
    }

    @Test func aWordOutsideTheChoicesIsAUsageErrorListingThem() throws {
        let bad = try arguments(["--method", "best"])
        #expect(throws: UsageError(command: ["demo"], message: "option '--method' needs topk or naive, got 'best'")) { try bad[\.method] }
        let labels = try arguments(["--labels", "x"])
        #expect(throws: UsageError(command: ["demo"], message: "option '--labels' needs calibrated, vinfo, agreed, classify, argmax, score or target, got 'x'")) {
            try labels[\.synthesis.labels]
        }
    }

    @Test func helpShowsEachDeclaredDefault() {
        let help = Self.spec.help
        #expect(help.contains("Runs (default 5). Range 1...10.\n"))
        #expect(help.contains("Seed (default 0) Range 0...99.\n"))
        #expect(help.contains("topk or naive (default naive).\n"))
        // The evaluations synthesize with a smaller pool, and say so.
        let evalHelp = EvalSynthesisCommand.spec.help
        #expect(evalHelp.contains("Synthesized pool size N before the final choice (default \(EvalSynthesisCommand.defaults.scale))."))
        #expect(SynthesizeCommand.spec.help.contains("(default \(SynthesisOptionGroup().defaults.scale))."))
    }

    /// Comma-separated lists (`--seeds`, `--methods`, `--strategies`, `--types`, `--batch`): typed
    /// items with their default, and an item that does not read is named with what an item is.
    @Test func listsAreReadItemByItem() throws {
        func icl(_ words: [String]) throws(UsageError) -> CommandArguments<EvalICLCommand.Options> {
            CommandArguments(try EvalICLCommand.spec.parse(words + ["data.json"]), command: EvalICLCommand.spec.path)
        }
        let none = try icl([])
        #expect(try none[\.seeds] == [1, 2, 3] && none[\.methods] == [.vsynthesis, .topk, .naive])
        let some = try icl(["--seeds", "4, 5", "--methods", "naive,vsynthesis"])
        #expect(try some[\.seeds] == [4, 5] && some[\.methods] == [.naive, .vsynthesis])
        #expect(throws: UsageError(command: ["eval", "icl"], message: "option '--seeds': 'x' is not an integer in 0...9223372036854775807")) {
            try icl(["--seeds", "1,x"])[\.seeds]
        }
        #expect(throws: UsageError(command: ["eval", "icl"], message: "option '--seeds': '' is not an integer in 0...9223372036854775807")) {
            try icl(["--seeds", "1,,2"])[\.seeds]
        }
        #expect(throws: UsageError(command: ["eval", "icl"], message: "option '--methods': 'best' is not one of vsynthesis, topk, naive")) {
            try icl(["--methods", "topk,best"])[\.methods]
        }
        let labels = try CommandArguments<EvalLabelsCommand.Options>(
            try EvalLabelsCommand.spec.parse(["--strategies", "score", "d.json"]), command: EvalLabelsCommand.spec.path)
        #expect(throws: UsageError(command: ["eval", "labels"],
                                   message: "option '--strategies': 'score' is not one of argmax, classify, vinfo, calibrated, agreed")) {
            try labels[\.strategies]
        }
        let kernels = try CommandArguments<BenchKernelsCommand.Options>(
            try BenchKernelsCommand.spec.parse(["--types", "q4_1,Q8_0"]), command: BenchKernelsCommand.spec.path)
        #expect(try kernels[\.types].map(\.name) == ["Q4_1", "Q8_0"])
    }

    /// The evaluations run lists of methods and seeds: they do not declare the single-run
    /// `--method` and `--seed` they would ignore, so their help leaves them out and giving one is a
    /// usage error that names the list, before any model is opened.
    @Test func evaluationsLeaveOutTheSingleRunOptionsTheyReplace() async throws {
        for (command, option, list) in [("icl", ["--seed", "5"], "seeds"), ("icl", ["--method", "topk"], "methods"),
                                        ("synthesis", ["--method", "naive"], "methods")] {
            let result = try await VSynthBinary.run(["eval", command, "data.json"] + option)
            #expect(result.status == 2, "\(command) \(option): \(result.stderr)")
            #expect(result.stderr.contains("unknown option '\(option[0])'; did you mean '--\(list)'?"), "\(result.stderr)")
            let help = try await VSynthBinary.run(["eval", command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("--\(list) ") && !help.stdout.contains("\(option[0]) "),
                    "\(command) --help: \(help.stdout)")
        }
        for command in [["synthesize"], ["eval", "synthesis"]] {
            let help = try await VSynthBinary.run(command + ["--help"])
            #expect(help.stdout.contains("--seed K"), "\(command) --help: \(help.stdout)")
        }
        #expect(try await VSynthBinary.run(["synthesize", "--help"]).stdout.contains("--method M"))
        // eval synthesis runs one seed: --seed is its own.
        let seeded = try await VSynthBinary.run(["eval", "synthesis", "/nonexistent.json", "--seed", "5"])
        #expect(!seeded.stderr.contains("unknown option"), "\(seeded.stderr)")
    }
}
