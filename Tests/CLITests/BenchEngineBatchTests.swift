import Foundation
import TestSupport
import Testing
@testable import CLI

/// `vsynth bench engine --batch`: the size list is checked, and the real binary prints one row per
/// size with llama.cpp's batched anchor (scripts/llamacpp_batched_anchor.py) in the same run.
struct BenchEngineBatchTests {
    @Test func batchListsAreCheckedWithTheirRange() throws {
        func sizes(_ list: String) throws(UsageError) -> [Int]? {
            let spec = BenchEngineCommand.spec
            return try CommandArguments<BenchEngineCommand.Options>(try spec.parse(["--batch", list]), command: spec.path)[\.batch]
        }
        #expect(try sizes("1,2, 8,16") == [1, 2, 8, 16])
        for bad in ["", "0", "65", "1,,2", "1,x", "-1"] {
            #expect(throws: UsageError.self, "--batch '\(bad)'") { _ = try sizes(bad) }
        }
        #expect(throws: UsageError(command: ["bench", "engine"], message: "option '--batch': '65' is not a batch size in 1...64")) {
            _ = try sizes("8,65")
        }
    }

    /// Each run gives its own ratio to B = 1, and the median of those is the speedup reported: a run
    /// on a slower minute lowers both sizes alike, so it does not move the ratio.
    @Test func speedupsAreRatiosWithinARunAndTheirMedian() {
        let rates: [[Double]] = [[100, 300], [200, 620], [150, 420]]   // [run][size], sizes 1 and 8
        let speedups = BenchEngineCommand.speedups([1, 8], rates: rates)
        #expect(speedups == [[1, 1, 1], [3, 3.1, 2.8]])
        #expect(BenchEngineCommand.median(speedups?[1] ?? []) == 3)
        #expect(BenchEngineCommand.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchEngineCommand.speedups([2, 8], rates: [[1, 2]]) == nil, "no B = 1, no speedup")
    }

    @Test func batchTableWithTheAnchorInTheSameRun() async throws {
        let anchor = TestFiles.repositoryRoot.appendingPathComponent("scripts/llamacpp_batched_anchor.py").path
        let result = try await VSynthBinary.run(["bench", "engine", "--batch", "1,3", "--decode-tokens", "2", "--runs", "2", "--threads", "2",
                                                 "--anchor", anchor, "--json"])
        try #require(result.status == 0, "exit \(result.status): \(result.stderr)")
        let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = try #require(output?["batches"] as? [[String: Any]])
        #expect(rows.map { $0["batch"] as? Int } == [1, 3])
        for row in rows {
            #expect((row["decode_tok_s"] as? Double ?? 0) > 0)
            #expect((row["anchor_decode_tok_s"] as? Double ?? 0) > 0, "llama.cpp's figure for batch \(row["batch"] ?? "?")")
        }
        #expect(rows[0]["vs_batch_1"] as? Double == 1)
        #expect(output?["runs"] as? Int == 2)
        #expect(rows.map { ($0["run_vs_batch_1"] as? [Double])?.count } == [2, 2], "one ratio per run")
        #expect(rows.map { ($0["run_decode_tok_s"] as? [Double])?.count } == [2, 2])
        #expect((output?["peak_rss_mb"] as? Double ?? 0) > 0)
    }
}
