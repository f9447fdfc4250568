import Foundation
import TestSupport
import Testing
@testable import CLI

/// `vsynth bench engine --batch`: the size list is checked, and the real binary prints one row per
/// size with llama.cpp's batched anchor (scripts/llamacpp_batched_anchor.py) in the same run.
struct BenchEngineBatchTests {
    @Test func batchListsAreCheckedWithTheirRange() throws {
        #expect(try BenchEngineCommand.batchSizes("1,2, 8,16") == [1, 2, 8, 16])
        for bad in ["", "0", "65", "1,,2", "1,x", "-1"] {
            #expect(throws: UsageError.self, "--batch '\(bad)'") { _ = try BenchEngineCommand.batchSizes(bad) }
        }
    }

    @Test func batchTableWithTheAnchorInTheSameRun() async throws {
        let anchor = TestFiles.repositoryRoot.appendingPathComponent("scripts/llamacpp_batched_anchor.py").path
        let result = try await VSynthBinary.run(["bench", "engine", "--batch", "1,3", "--decode-tokens", "2", "--threads", "2",
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
        #expect((output?["peak_rss_mb"] as? Double ?? 0) > 0)
    }
}
