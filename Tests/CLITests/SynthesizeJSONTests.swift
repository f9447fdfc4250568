import Foundation
import TestSupport
import Testing

/// `vsynth synthesize FILE --json` on a labelled file, on the real model: the chosen demonstrations'
/// label histogram, the synthesized pool's, and the labels the chosen ones miss agree with each other.
struct SynthesizeJSONTests {
    static let text = """
    ---
    vsynth:
      task: Say whether the animal can fly. Answer yes or no.
      count: 2
      seed: 5
      input_label: Animal
      output_label: Flies
      labels: [yes, no]
    ---
    {{!-- vsynth:demos --}}
    {{!-- /vsynth:demos --}}
    {{role "user"}}
    {{animal}}

    """

    @Test func labelHistogramsAndMissingLabelsAgree() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Self.text, to: "flies.prompt")
        let run = try await VSynthBinary.run(["synthesize", path, "--json", "--model", model, "--scale", "4",
                                              "--max-tokens", "24", "--orderings", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        func histogram(_ key: String) throws -> [String: Int] {
            let entries = try #require(json[key] as? [[String: Any]], "\(key) in \(run.stdout)")
            return Dictionary(uniqueKeysWithValues: entries.map { ($0["label"] as? String ?? "", $0["count"] as? Int ?? -1) })
        }
        let chosen = try histogram("labels"), pool = try histogram("poolLabels")
        #expect(Set(chosen.keys) == ["yes", "no"] && Set(pool.keys) == ["yes", "no"])
        let demonstrations = try #require(json["demonstrations"] as? [[String: Any]])
        #expect(chosen.values.reduce(0, +) == demonstrations.count)
        for label in ["yes", "no"] { #expect(chosen[label, default: 0] <= pool[label, default: 0], "chosen from the pool") }
        let missing = try #require(json["missingLabels"] as? [String])
        let expected = demonstrations.count >= 2 ? ["yes", "no"].filter { chosen[$0] == 0 } : []
        #expect(missing == expected)
        #expect(run.stderr.contains("warning: no demonstration is labelled") == !missing.isEmpty, "\(run.stderr)")
    }

    /// Every drop is listed with its reason, in the JSON (`dropped`) and with `--show-drops` on
    /// stderr: as many as the drop counts give, reason by reason.
    @Test func droppedCandidatesAreListedWithTheirReasons() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Self.text, to: "flies.prompt")
        let arguments = ["synthesize", path, "--model", model, "--scale", "4", "--max-tokens", "24", "--orderings", "2"]
        let run = try await VSynthBinary.run(arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let drops = try #require(json["drops"] as? [String: Int])
        let dropped = try #require(json["dropped"] as? [[String: String]])
        let shown = drops.values.reduce(0, +)
        #expect(shown > 0, "seed 5 drops candidates: \(drops)")
        #expect(dropped.count == shown, "\(dropped)")
        for (reason, count) in drops {
            #expect(dropped.filter { $0["reason"] == reason }.count == count, "\(reason)")
        }
        // Unparseable (and ambiguous) entries say why; the filter's reasons say it themselves.
        #expect(dropped.allSatisfy { ($0["detail"] != nil) == ["unparseable", "ambiguous"].contains($0["reason"]!) }, "\(dropped)")
        let text = try await VSynthBinary.run(arguments + ["--show-drops"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr.components(separatedBy: "\ndropped (").count - 1 == shown, "\(text.stderr)")
        for entry in dropped where !entry["input"]!.contains("\n") {
            let why = entry["reason"]! + (entry["detail"].map { ": \($0)" } ?? "")
            let output = entry["output"]!.isEmpty ? "" : "\n  Flies: \(entry["output"]!)"
            #expect(text.stderr.contains("dropped (\(why)):\n  Animal: \(entry["input"]!)\(output)"), "\(text.stderr)")
        }
    }

    /// A tweet-polarity file where the real model reads every candidate of seed 6 as `negative`
    /// (found by running seeds 1–6): the four chosen would show one label, so none is kept; the
    /// JSON lists them under `withheld`, the warning says which label was read and which never.
    static let polarity = """
    ---
    vsynth:
      task: Is the tweet about the phone positive or negative? Answer positive or negative.
      count: 4
      input_label: Tweet
      output_label: Polarity
      labels: [positive, negative]
    ---
    {{!-- vsynth:demos --}}
    {{!-- /vsynth:demos --}}
    {{role "user"}}
    {{tweet}}

    """

    @Test func demonstrationsOfOneLabelAreWithheldAndListed() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Self.polarity, to: "tweet.prompt")
        let run = try await VSynthBinary.run(["synthesize", path, "--json", "--model", model, "--scale", "6", "--seed", "6"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((json["demonstrations"] as? [Any])?.isEmpty == true, "\(run.stdout)")
        let withheld = try #require(json["withheld"] as? [[String: Any]], "\(run.stdout)")
        #expect(withheld.count == 4 && withheld.allSatisfy { $0["output"] as? String == "negative" }, "\(withheld)")
        #expect(json["missingLabels"] as? [String] == ["positive"])
        #expect(run.stderr.contains("0 new of "), "\(run.stderr)")
        #expect(run.stderr.contains("warning: kept none of the 4 demonstrations chosen: the model read every one as 'negative' "
                                    + "and no candidate as 'positive' (pool: positive 0, negative "), "\(run.stderr)")
    }
}
