import CLI
import Testing

/// `CommandSpec.parse`: every accepted spelling, and a usage error naming the argument for every
/// command line that does not fit.
struct ArgumentsTests {
    static let spec = CommandSpec(
        path: ["demo", "run"], summary: "A demo command.", usage: "FILE... [--json]",
        options: [
            .init("json", short: "j", help: "Print JSON."),
            .init("quiet", short: "q", help: "Say less."),
            .init("count", short: "n", value: "N", help: "How many."),
            .init("temperature", short: "t", value: "T", help: "Sampling temperature."),
            .init("model", value: "PATH", help: "A model file."),
        ],
        positionals: 1...2,
        discussion: "Some closing words.")

    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        try Self.spec.parse(arguments)
    }

    func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try parse(arguments)
            return nil
        } catch {
            #expect(error.command == ["demo", "run"])
            return error.message
        }
    }

    @Test("option values in every spelling", arguments: [
        ["--count", "3", "a"], ["--count=3", "a"], ["-n", "3", "a"], ["-n3", "a"], ["-n=3", "a"],
        ["a", "--count", "3"], ["-jn3", "a"], ["-qjn", "3", "a"],
    ])
    func valueSpellings(arguments: [String]) throws {
        let parsed = try parse(arguments)
        #expect(parsed.value("count") == "3")
        #expect(parsed.positionals == ["a"])
    }

    @Test func flagsAndBundles() throws {
        #expect(try parse(["a", "--json"]).flags == ["json"])
        #expect(try parse(["-j", "a"]).flags == ["json"])
        #expect(try parse(["-jq", "a"]).flags == ["json", "quiet"])
        #expect(try parse(["-qj", "a", "-q"]).flags == ["json", "quiet"])
        let parsed = try parse(["a"])
        #expect(parsed.flags.isEmpty && parsed.values.isEmpty)
        #expect(!parsed.flag("json"))
        #expect(parsed.value("count") == nil)
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try parse(["--json", "--", "--count", "-n3"])
        #expect(parsed.positionals == ["--count", "-n3"])
        #expect(parsed.flags == ["json"] && parsed.values.isEmpty)
    }

    @Test func dashAndNegativeNumbersArePositionals() throws {
        #expect(try parse(["-"]).positionals == ["-"])
        #expect(try parse(["-3", "-0.5"]).positionals == ["-3", "-0.5"])
        #expect(try parse(["a", "--temperature", "-0.5"]).value("temperature") == "-0.5")
        #expect(try parse(["a", "-t", "-2"]).value("temperature") == "-2")
    }

    @Test func valuesMayContainEqualsAndBeEmpty() throws {
        #expect(try parse(["a", "--model=x=y.gguf"]).value("model") == "x=y.gguf")
        #expect(try parse(["a", "--model="]).value("model") == "")
        #expect(try parse(["a", "--model=--json"]).value("model") == "--json")
    }

    @Test func laterValueWinsAndAllAreKept() throws {
        let parsed = try parse(["a", "--model", "one", "--model=two"])
        #expect(parsed.value("model") == "two")
        #expect(parsed.allValues("model") == ["one", "two"])
        #expect(parsed.allValues("count") == [])
    }

    @Test func unknownOptions() {
        #expect(usageError(["a", "--bogus"]) == "unknown option '--bogus'")
        #expect(usageError(["a", "--bogus=1"]) == "unknown option '--bogus'")
        #expect(usageError(["a", "--jsn"]) == "unknown option '--jsn'; did you mean '--json'?")
        #expect(usageError(["a", "--temp"]) == "unknown option '--temp'; did you mean '--temperature'?")
        #expect(usageError(["a", "-x"]) == "unknown option '-x'")
        #expect(usageError(["a", "-jx"]) == "unknown option '-x' in '-jx'")
        #expect(usageError(["a", "--"]) == nil)
        #expect(usageError(["a", "--="]) == "unknown option '--'")
    }

    @Test func missingValues() {
        #expect(usageError(["a", "--count"]) == "option '--count' needs a value (N)")
        #expect(usageError(["a", "-n"]) == "option '-n' needs a value (N)")
        #expect(usageError(["a", "-jn"]) == "option '-n' needs a value (N)")
        #expect(usageError(["a", "--count", "--json"]) == "option '--count' needs a value (N)")
    }

    @Test func flagsTakeNoValue() {
        #expect(usageError(["a", "--json=yes"]) == "option '--json' takes no value")
        #expect(usageError(["a", "-j=1"]) == "option '-j' (--json) takes no value")
    }

    @Test func positionalCounts() {
        #expect(usageError([]) == "missing argument FILE...")
        #expect(usageError(["--json"]) == "missing argument FILE...")
        #expect(usageError(["a", "b"]) == nil)
        #expect(usageError(["a", "b", "c"]) == "unexpected argument 'c'")
        let none = CommandSpec(path: ["x"], summary: "", usage: "")
        #expect(throws: UsageError(command: ["x"], message: "unexpected argument 'y'")) { try none.parse(["y"]) }
        let two = CommandSpec(path: ["x"], summary: "", usage: "[--json] A B", positionals: 2...2)
        #expect(throws: UsageError(command: ["x"], message: "expected at least 2 arguments, got 1")) { try two.parse(["a"]) }
    }

    @Test("--help needs no positionals and stops no other check", arguments: [["--help"], ["-h"], ["-jh"], ["a", "b", "c", "--help"]])
    func helpSkipsPositionalChecks(arguments: [String]) throws {
        #expect(try parse(arguments).flag("help"))
    }

    @Test func helpWithUnknownOptionIsStillAnError() {
        #expect(usageError(["--help", "--bogus"]) == "unknown option '--bogus'")
    }

    @Test func integers() throws {
        let command = ["demo", "run"]
        #expect(try parse(["a", "-n", "42"]).int("count", command: command) == 42)
        #expect(try parse(["a", "-n", "-7"]).int("count", command: command) == -7)
        #expect(try parse(["a"]).int("count", command: command) == nil)
        #expect(try parse(["a", "-n", "5"]).int("count", in: 1...5, command: command) == 5)
        for bad in ["abc", "3.5", "", " 3", "99999999999999999999"] {
            #expect(throws: UsageError(command: command, message: "option '--count' needs an integer in 1...10, got '\(bad)'")) {
                _ = try parse(["a", "--count=\(bad)"]).int("count", in: 1...10, command: command)
            }
        }
        #expect(throws: UsageError.self) { _ = try parse(["a", "-n", "11"]).int("count", in: 1...10, command: command) }
    }

    @Test func doubles() throws {
        let command = ["demo", "run"]
        #expect(try parse(["a", "-t", "0.7"]).double("temperature", command: command) == 0.7)
        #expect(try parse(["a", "-t", "2"]).double("temperature", in: 0...2, command: command) == 2)
        #expect(try parse(["a"]).double("temperature", command: command) == nil)
        for bad in ["warm", "nan", "inf", "1e400", "", "2.5"] {
            #expect(throws: UsageError.self, "'\(bad)'") {
                _ = try parse(["a", "--temperature=\(bad)"]).double("temperature", in: 0...2, command: command)
            }
        }
        #expect(throws: UsageError(command: command, message: "option '--temperature' needs a number in 0.0...2.0, got 'warm'")) {
            _ = try parse(["a", "-t", "warm"]).double("temperature", in: 0...2, command: command)
        }
    }

    @Test func usageErrorDescriptionNamesCommandAndHelp() {
        let error = UsageError(command: ["model", "fetch"], message: "unknown option '--x'")
        #expect(error.description == "vsynth model fetch: unknown option '--x'\nRun 'vsynth model fetch --help' for usage.")
    }

    @Test func helpText() {
        let help = Self.spec.help
        #expect(help.hasPrefix("A demo command.\n\nUsage: vsynth demo run FILE... [--json]\n\nOptions:\n"))
        let optionLines = help.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(optionLines.count == 6)
        for label in ["-j, --json", "-q, --quiet", "-n, --count N", "-t, --temperature T", "    --model PATH", "-h, --help"] {
            #expect(optionLines.contains { $0.hasPrefix("  " + label + " ") }, "\(label)")
        }
        // Descriptions start in one column.
        let descriptions = ["Print JSON.", "Say less.", "How many.", "Sampling temperature.", "A model file.", "Show this help."]
        let columns = Set(zip(optionLines, descriptions).compactMap { line, text in
            line.range(of: text).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
        })
        #expect(columns == [23])
        #expect(help.hasSuffix("\nSome closing words.\n"))
        #expect(CommandSpec(path: ["x", "y"], summary: "S.", usage: "").help.hasPrefix("S.\n\nUsage: vsynth x y\n"))
    }
}
