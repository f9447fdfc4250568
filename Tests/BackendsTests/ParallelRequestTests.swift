import Foundation
import LanguageModel
import TestSupport
import Testing
import VSynthesis
@testable import Backends

/// The per-server cap on parallel requests (`BackendConfiguration.concurrency`) against the real
/// llama-cpp-python server, counted by a loopback proxy in front of it: concurrent calls go out
/// together, never more than the cap, also when several backends reach the same server.
@Suite(.serialized) struct ParallelRequestTests {
    /// A configuration through a fresh proxy to the test server, with `cap` requests in flight.
    func proxied(_ url: URL, cap: Int) throws -> (CountingProxy, BackendConfiguration) {
        let proxy = try CountingProxy(targetPort: try #require(url.port))
        var configuration = TestServer.configuration(proxy.url)
        configuration.concurrency = cap
        return (proxy, configuration)
    }

    func generations(_ model: any LanguageModel, count: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let options = GenerationOptions(maxTokens: 24, temperature: 0.8, seed: UInt64(index))
                    _ = try await model.generate(prompt: "<|im_start|>user\nName a fruit.<|im_end|>\n<|im_start|>assistant\n",
                                                 options: options)
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func concurrentGenerationsStayWithinTheCap() async throws {
        guard let url = TestServer.url() else { return }
        let (proxy, configuration) = try proxied(url, cap: 2)
        let backend = try await Backend.connect(configuration)
        try await generations(backend, count: 6)
        let counts = proxy.counts
        #expect(counts.mostOpen == 2, "\(counts)")
        #expect(counts.open == 0)
    }

    /// Two backends on one server with the same cap (split roles, the daemon's alternates) share it.
    @Test func backendsOfOneServerShareTheCap() async throws {
        guard let url = TestServer.url() else { return }
        let (proxy, configuration) = try proxied(url, cap: 3)
        let first = try await Backend.connect(configuration)
        let second = try await Backend.connect(configuration)
        async let a: Void = generations(first, count: 4)
        async let b: Void = generations(second, count: 4)
        _ = try await (a, b)
        #expect(proxy.counts.mostOpen == 3, "\(proxy.counts)")
    }

    /// A synthesis round's generations go to the server together, up to the cap (`naive`: no
    /// scoring decides anything, so the test stays short on the one-thread server).
    @Test func aSynthesisRoundGoesOutInParallelWithinTheCap() async throws {
        guard let url = TestServer.url() else { return }
        let (proxy, configuration) = try proxied(url, cap: 3)
        let backend = try await Backend.connect(configuration)
        var options = SynthesisOptions()
        options.method = .naive
        options.count = 1
        options.parallelism = 8
        options.maxTokens = 24
        let format = DemonstrationFormat(inputLabel: "Question", outputLabel: "SQL")
        let opened = proxy.counts.total
        let result = try await Synthesizer(model: backend).synthesize(
            definition: "Write one SQLite query that answers the question about the table customers(id, name, city).",
            format: format, options: options)
        #expect(result.generations >= 1)
        let counts = proxy.counts
        #expect(counts.total - opened >= SynthesisOptions().candidatesPerRound, "\(counts)")
        #expect(counts.mostOpen >= 2 && counts.mostOpen <= 3, "\(counts)")
    }
}
