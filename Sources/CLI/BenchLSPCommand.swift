import Foundation
import JSONRPC
import LanguageServer
import PromptFile

/// `vsynth bench lsp`: the daemon's latency figures against issue 5's targets, with the configured
/// model, through a real connection (an in-process server over pipes, as the editor's daemon runs):
/// `initialize` to ready (model loaded) ≤ 300 ms; `didOpen` of a file with 8 demonstrations to
/// scored diagnostics ≤ 1 s; a one-word edit to updated diagnostics ≤ 400 ms after the debounce;
/// hover and code actions for another file ≤ 50 ms while a synthesis runs.
enum BenchLSPCommand: Command {
    struct Options: OptionGroup {
        let model: Option<String?> = .text("model", value: "PATH", help: "The GGUF model (default: the fetched default model).")
        let threads: Option<Int?> = .integer("threads", value: "N", bound: Limits.threads, help: "Engine threads (0 = all cores).")
        let runs: Option<Int> = .integer("runs", value: "N", bound: Limits.benchRuns, default: 5,
                                         help: "Edits to time; the median is reported.")
    }

    static let spec = CommandSpec(
        path: ["bench", "lsp"],
        summary: "Measure the language server's latencies (ready, first scores, rescoring an edit).",
        usage: "[--model PATH] [--threads N] [--runs N]",
        options: Options())

    static let debounce = 300

    /// A bench that cannot run (the model does not load, the file does not parse).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        var configuration = ServerConfiguration()
        configuration.modelPath = try arguments[\.model]
        configuration.threads = try arguments[\.threads] ?? 0
        configuration.debounceMilliseconds = debounce
        configuration.statusNotifications = true
        let runs = try arguments[\.runs]
        let server = LanguageServer(options: .init(configuration: configuration,
                                                   loadModel: { configuration in try await ModelFactory.model(configuration) }))
        let client = try LocalClient(server: server)
        defer { Task { await client.close() } }
        let clock = ContinuousClock()

        // 1. initialize → ready.
        var cpu: [Double] = [Self.cpuSeconds()]
        let started = clock.now
        _ = try await client.send(InitializeRequest(capabilities: ClientCapabilities(general: .init(positionEncodings: ["utf-8"]))))
        try client.send(InitializedNotification())
        while true {
            let status = try await client.nextNotification(StatusNotification.self, timeout: .seconds(120))
            if status.state == "ready" { break }
            if status.state == "error" { throw Failure(description: status.message ?? "the model did not load") }
        }
        let ready = clock.now - started
        cpu.append(Self.cpuSeconds())

        // 2. didOpen of 8 demonstrations → scored diagnostics.
        let uri = "file:///bench/eight.prompt"
        let text = benchFile()
        let opened = clock.now
        try client.send(DidOpenTextDocumentNotification(textDocument: .init(uri: uri, languageId: "prompt", version: 1, text: text)))
        _ = try await scoredDiagnostics(client, uri: uri, version: 1)
        let firstScores = clock.now - opened
        cpu.append(Self.cpuSeconds())

        // 3. One-word edits in one demonstration → updated diagnostics, minus the debounce.
        let lines = text.components(separatedBy: "\n")
        guard let line = lines.firstIndex(where: { $0.hasPrefix("The delivery was") }) else { return 1 }
        var edits: [Duration] = []
        var previousLength = 0
        for run in 0..<runs {
            // Never the original word ("late"), or the cache would answer at once.
            let word = ["slow", "quick", "early", "fine", "awful", "great", "prompt"][run % 7]
            let start = "The delivery was ".utf8.count
            let old = lines[line].utf8.count - start
            let changed = clock.now
            try client.send(DidChangeTextDocumentNotification(
                textDocument: .init(uri: uri, version: 2 + run),
                contentChanges: [TextDocumentContentChangeEvent(
                    range: LSPRange(start: Position(line: line, character: start), end: Position(line: line, character: start + (run == 0 ? old : previousLength))),
                    text: word + ".")]))
            previousLength = word.utf8.count + 1
            _ = try await scoredDiagnostics(client, uri: uri, version: 2 + run)
            edits.append(clock.now - changed - .milliseconds(debounce))
        }
        let edit = edits.sorted()[edits.count / 2]
        cpu.append(Self.cpuSeconds())

        // 4. Hover and code actions on the bench file while a synthesis of another file runs (its
        //    edit is declined, so nothing changes).
        client.respondToServerRequests { request in
            request.method == "workspace/applyEdit" ? .object(["applied": .bool(false)]) : .null
        }
        let busy = "file:///bench/busy.prompt"
        try client.send(DidOpenTextDocumentNotification(textDocument: .init(uri: busy, languageId: "prompt", version: 1, text: text)))
        _ = try await scoredDiagnostics(client, uri: busy, version: 1)
        _ = try await client.send(ExecuteCommandRequest(command: "vsynth.synthesize", arguments: [["uri": .string(busy), "n": 4]]))
        var answers: [Duration] = []
        for _ in 0..<200 where await server.isSynthesizing(busy) {
            let hovered = clock.now
            _ = try await client.send(HoverRequest(textDocument: .init(uri: uri), position: .init(line: line, character: 2)))
            let hover = clock.now - hovered
            let asked = clock.now
            _ = try await client.send(CodeActionRequest(textDocument: .init(uri: uri),
                                                        range: LSPRange(start: .init(line: line, character: 0), end: .init(line: line, character: 0))))
            let action = clock.now - asked
            if await server.isSynthesizing(busy) { answers += [hover, action] }
            try await Task.sleep(for: .milliseconds(50))
        }
        let answered = answers.sorted()
        let whileBusy = answered.isEmpty ? Duration.zero : answered[answered.count / 2]
        let slowest = answered.last ?? .zero

        func row(_ name: String, _ value: Duration, _ target: Duration, _ note: String) -> String {
            String(format: "%-50@ %8.1f ms   target ≤ %5.0f ms   %-4@   (%@)", name as NSString, Self.milliseconds(value),
                   Self.milliseconds(target), (value <= target ? "ok" : "OVER") as NSString, note as NSString)
        }
        func cpuNote(_ seconds: Double) -> String { String(format: "process CPU %.0f ms", seconds * 1000) }
        Console.out(row("initialize → ready (model loaded)", ready, .milliseconds(300), cpuNote(cpu[1] - cpu[0])))
        Console.out(row("didOpen (8 demonstrations) → scored diagnostics", firstScores, .seconds(1), cpuNote(cpu[2] - cpu[1])))
        Console.out(row("one-word edit → diagnostics, after debounce", edit, .milliseconds(400),
                        cpuNote((cpu[3] - cpu[2]) / Double(runs))))
        if answered.isEmpty {
            Console.out("hover / code action while synthesizing: the synthesis ended before any request")
        } else {
            Console.out(row("hover / code action while synthesizing, median", whileBusy, .milliseconds(50),
                            String(format: "%d answers, slowest %.1f ms", answered.count, Self.milliseconds(slowest))))
        }
        Console.out("(the wall times include waiting for the CPU: load average \(Self.loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        _ = try await client.send(ShutdownRequest())
        return ready <= .milliseconds(300) && firstScores <= .seconds(1) && edit <= .milliseconds(400)
            && whileBusy <= .milliseconds(50) ? 0 : 1
    }

    static func milliseconds(_ value: Duration) -> Double {
        Double(value.components.seconds) * 1000 + Double(value.components.attoseconds) / 1e15
    }

    /// Waits for the diagnostics of `version` that score all 8 demonstrations.
    static func scoredDiagnostics(_ client: LocalClient, uri: String, version: Int) async throws -> PublishDiagnosticsNotification {
        while true {
            let next = try await client.nextNotification(PublishDiagnosticsNotification.self, timeout: .seconds(60))
            if next.uri == uri, next.version == version,
               next.diagnostics.filter({ $0.serverCode?.carriesScore == true }).count == 8 { return next }
            if next.diagnostics.contains(where: { $0.severity == .error }) {
                throw LanguageServerError.documentNotReady(uri: uri, reason: "the bench file does not parse")
            }
        }
    }

    /// A review-sentiment prompt file with 8 demonstrations.
    static func benchFile() -> String {
        let demonstrations = [
            ("The kettle boils in a minute, love it.", "positive"),
            ("Broke after two days.", "negative"),
            ("The delivery was late.", "negative"),
            ("It does what it says, nothing more.", "neutral"),
            ("Best headphones I have owned.", "positive"),
            ("The zip tore on the first trip.", "negative"),
            ("Arrived on time, works as described.", "neutral"),
            ("My kids love this lamp.", "positive"),
        ]
        let body = demonstrations.map { "{{role \"user\"}}\n\($0.0)\n{{role \"model\"}}\n\($0.1)\n" }.joined(separator: "\n")
        return """
        ---
        description: Classify the sentiment of the product review as positive, negative or neutral.
        vsynth:
          count: 8
          input_label: Review
          output_label: Sentiment
        ---
        {{!-- vsynth:demos --}}
        \(body){{!-- /vsynth:demos --}}
        {{role "user"}}
        {{review}}

        """
    }

    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The 1-minute load average (Linux), or "?".
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return String(text.split(separator: " ").first ?? "?")
    }
}
