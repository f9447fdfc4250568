import Foundation
import TestSupport
import Testing

/// `vsynth logprobs --context-ids/--continuation-ids`: the token-id path (what
/// scripts/compare-with-llamacpp.py uses for any architecture) gives the text path's numbers for the
/// same tokens, and malformed ids are a usage error naming the option.
struct LogprobsByIDsTests {
    struct Output: Decodable {
        var context_ids: [Int]
        var continuation_ids: [Int]
        var logprobs: [Double]
    }

    @Test func tokenIDsScoreAsTheTextTheyCameFrom() async throws {
        let byText = try await VSynthBinary.run(["logprobs", "--json", "--threads", "2", "--context", "<|im_start|>system\nName the animal's sound.<|im_end|>\n",
                                                 "--continuation", "<|im_start|>user\nAnimal: cat<|im_end|>\n"])
        try #require(byText.status == 0, "\(byText.stderr)")
        let text = try JSONDecoder().decode(Output.self, from: Data(byText.stdout.utf8))
        let ids = { (tokens: [Int]) in tokens.map(String.init).joined(separator: ",") }
        let byIDs = try await VSynthBinary.run(["logprobs", "--json", "--threads", "2", "--context-ids", ids(text.context_ids),
                                                "--continuation-ids", ids(text.continuation_ids)])
        try #require(byIDs.status == 0, "\(byIDs.stderr)")
        let numbers = try JSONDecoder().decode(Output.self, from: Data(byIDs.stdout.utf8))
        #expect(numbers.context_ids == text.context_ids && numbers.continuation_ids == text.continuation_ids)
        #expect(numbers.logprobs == text.logprobs)
    }

    @Test func malformedIDsAreAUsageError() async throws {
        let result = try await VSynthBinary.run(["logprobs", "--context-ids", "1,x,3", "--continuation-ids", "4"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'--context-ids' takes token ids separated by commas"))
        let missing = try await VSynthBinary.run(["logprobs", "--context-ids", "1,2"])
        #expect(missing.status == 2 && missing.stderr.contains("missing option '--continuation-ids'"))
    }
}
