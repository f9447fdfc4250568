import Foundation
import LanguageModel
import TestSupport
import Testing
@testable import VSynthesis
import PromptFile

/// Bookkeeping of the evaluations on the recording model; the real model runs them in the parity tests.
@Suite struct EvaluationBookkeepingTests {
    @Test func consistencyScoresEveryCandidateUnderEveryTask() async throws {
        let dataset = try TaskDataset.load(path: TaskDatasetTests.devPath)
        let model = RecordingModel()
        let report = try await ConsistencyEvaluation(model: model).run(dataset)
        #expect(report.rows.count == 10 * 60)
        #expect(report.auroc["vscore"]?.count == 10)
        #expect(report.auroc["bm25"]?.count == 10)
        // One null-context batch for all tasks, one batch per task context.
        #expect(model.scoreCalls.count == 11)
        #expect(model.scoreCalls.filter { $0.context == "<|im_start|>system\n<|im_end|>\n" }.count == 1)
        let row = try #require(report.rows.first { $0.task == "roman" && $0.candidateTask == "sql" })
        #expect(abs(row.vscore - (row.logpTask - row.logpNull)) < 1e-12)
    }

    @Test func iclPicksTheLabelWithHighestLikelihood() async throws {
        let model = RecordingModel()
        let demos = [Demonstration(input: "Q: c", output: "A: yesyesyes")]
        let prefix = "<|im_start|>system\nAnswer.<|im_end|>\n<|im_start|>user\nQ: c<|im_end|>\n<|im_start|>assistant\nA: yesyesyes<|im_end|>\n"
        // The winner computed by hand from the model's scores, per item.
        func winner(_ input: String) async throws -> String {
            let scores = try await model.score(context: prefix, continuations: ["yes", "no"].map {
                "<|im_start|>user\nQ: \(input)<|im_end|>\n<|im_start|>assistant\nA: \($0)<|im_end|>\n" })
            return scores[0].total >= scores[1].total ? "yes" : "no"
        }
        let a = try await winner("a"), b = try await winner("bb")
        let right = TaskDataset.Task(id: "t", definition: "Answer.", inputLabel: "Q", outputLabel: "A", demos: [],
                                     test: [.init(input: "a", output: a), .init(input: "bb", output: b)], labels: ["yes", "no"])
        let wrong = TaskDataset.Task(id: "t", definition: "Answer.", inputLabel: "Q", outputLabel: "A", demos: [],
                                     test: [.init(input: "a", output: a == "yes" ? "no" : "yes"), .init(input: "bb", output: b)],
                                     labels: ["yes", "no"])
        let evaluation = ICLEvaluation(model: model, options: SynthesisOptions())
        #expect(try await evaluation.accuracy(task: right, demonstrations: demos) == 1)
        #expect(try await evaluation.accuracy(task: wrong, demonstrations: demos) == 0.5)
    }

    /// `--frame` on `eval icl` and `eval synthesis`: the accuracy prompts are written in the frame
    /// given, not the model's template, and both reports name it.
    @Test func evaluationsWriteTheirPromptsInTheFrameGiven() async throws {
        let task = TaskDataset.Task(id: "t", definition: "Answer.", inputLabel: "Q", outputLabel: "A", demos: [],
                                    test: [.init(input: "a", output: "yes")], labels: ["yes", "no"])
        let model = RecordingModel()
        let report = try await ICLEvaluation(model: model, options: SynthesisOptions(), methods: [], seeds: [1], frame: .gemma)
            .run(TaskDataset(tasks: [task]))
        #expect(report.frame == "gemma-v1")
        #expect(model.scoreCalls.map(\.context) == ["<start_of_turn>user\nAnswer.\n\n"])
        let mine = try await ICLEvaluation(model: RecordingModel(), options: SynthesisOptions(), methods: [], seeds: [1])
            .run(TaskDataset(tasks: [task]))
        #expect(mine.frame == "chatml-system-v1")
        let synthesis = try await SynthesisEvaluation(model: RecordingModel(), options: SynthesisOptions(), methods: [],
                                                      frame: .llama3).run(TaskDataset(tasks: [task]))
        #expect(synthesis.frame == "llama3-v1")
    }

    /// `eval synthesis` over a task whose chosen demonstrations are kept and one whose are withheld
    /// (all of one label): the withheld run has no mean V-Score (not 0, which would pull the method's
    /// mean towards it), counts what it withheld, and the summary's mean is the kept run's.
    @Test func synthesisMeansLeaveOutRunsThatChoseNothing() async throws {
        let kept = TaskDataset.Task(id: "kept", definition: "Name the emotion of the text.", inputLabel: "Text",
                                    outputLabel: "Emotion", demos: [], test: nil, labels: ["joy", "sadness"])
        var withheld = kept
        withheld.id = "withheld"
        withheld.labels = ["anger", "sadness"]
        var options = SynthesisOptions()
        options.count = 2
        options.scale = 4
        options.candidatesPerRound = 2
        options.labelStrategy = .argmax
        options.orderings = 1
        let report = try await SynthesisEvaluation(model: TaskMinded(cues: LabelCoverageTests.CueModel(obliging: ["joy"])), options: options,
                                                   methods: [.vsynthesis]).run(TaskDataset(tasks: [kept, withheld]))
        let runs = Dictionary(uniqueKeysWithValues: report.runs.map { ($0.task, $0) })
        let keptRun = try #require(runs["kept"]), withheldRun = try #require(runs["withheld"])
        #expect(keptRun.selected.count == 2 && keptRun.withheld == 0)
        let keptMean = try #require(keptRun.meanVScore)
        #expect(keptMean == 1, "every demonstration's V-Score is 1")
        #expect(withheldRun.selected.isEmpty && withheldRun.withheld == 2)
        #expect(withheldRun.meanVScore == nil && withheldRun.meanVScorePerToken == nil)
        #expect(report.summaries.first?.meanVScore == keptMean)
        #expect(report.summaries.first?.withheld == 2)
    }

    /// The cue model, with every continuation 1 nat likelier under a context that defines the task: a
    /// V-Score of 1 for every demonstration, where the cue model alone gives 0.
    struct TaskMinded: LanguageModel {
        let cues: LabelCoverageTests.CueModel
        var identity: ModelIdentity { cues.identity }
        var template: ChatTemplate { cues.template }
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            try await cues.generate(prompt: prompt, options: options)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            try await cues.score(context: context, continuations: continuations).map { score in
                ContinuationScore(tokenLogprobs: score.tokenLogprobs.enumerated().map { $0 == 0 && context.contains("emotion") ? $1 + 1 : $1 },
                                  tokenTexts: score.tokenTexts)
            }
        }
    }

    /// A task with demonstrations of its own gets one `hand-written` cell (no seed), computed with
    /// those demonstrations in the task's format, and its summary row follows zero-shot.
    @Test func iclReportsTheDataSetsOwnDemonstrations() async throws {
        let demos: [TaskDataset.Item] = [.init(input: "b", output: "no"), .init(input: "a", output: "yes")]
        let task = TaskDataset.Task(id: "t", definition: "Answer.", inputLabel: "Q", outputLabel: "A", demos: demos,
                                    test: [.init(input: "a", output: "yes"), .init(input: "bb", output: "no")],
                                    labels: ["yes", "no"])
        let model = RecordingModel()
        let report = try await ICLEvaluation(model: model, options: SynthesisOptions(), methods: [], seeds: [1, 2])
            .run(TaskDataset(tasks: [task]))
        let cells = report.cells.filter { $0.condition == ICLEvaluation.handWritten }
        #expect(cells.count == 1)
        #expect(cells.first?.seed == nil)
        #expect(cells.first?.demonstrations == 2)
        let expected = try await ICLEvaluation(model: model, options: SynthesisOptions())
            .accuracy(task: task, demonstrations: [Demonstration(input: "Q: b", output: "A: no"),
                                                   Demonstration(input: "Q: a", output: "A: yes")])
        #expect(cells.first?.accuracy == expected)
        // The cell shows the demonstrations as given (input and label, in order) and one answer per
        // test item, the accuracy being the share of answers that match.
        #expect(cells.first?.shown == demos)
        let answers = try #require(cells.first?.answers)
        #expect(answers.count == 2 && answers.allSatisfy(["yes", "no"].contains))
        #expect(Double(zip(task.test!, answers).filter { $0.output == $1 }.count) / 2 == expected)
        #expect(report.cells.first { $0.condition == "zero-shot" }?.shown == [])
        #expect(report.summaries.map(\.condition) == ["zero-shot", "hand-written"])
        #expect(report.summaries.last?.spread == 0)
        // Without demonstrations of its own, no such row.
        var bare = task
        bare.demos = []
        let none = try await ICLEvaluation(model: RecordingModel(), options: SynthesisOptions(), methods: [], seeds: [1])
            .run(TaskDataset(tasks: [bare]))
        #expect(none.summaries.map(\.condition) == ["zero-shot"])
    }

    @Test(arguments: ["icl.json", "icl-fresh.json", "icl-holdout.json"])
    func iclDataIsValid(file: String) throws {
        let path = TestFiles.repositoryRoot.appendingPathComponent("data/\(file)").path
        let dataset = try TaskDataset.load(path: path)
        #expect(dataset.tasks.count >= 4)
        for task in dataset.tasks {
            let test = task.test ?? []
            #expect(test.count >= 24, "\(task.id)")
            #expect(task.answerSet.count >= 2)
            // Every item's answer is one of the labels, and the demonstrations are on-task.
            #expect(test.allSatisfy { task.answerSet.contains($0.output) }, "\(task.id)")
            #expect(task.demos.allSatisfy { task.answerSet.contains($0.output) }, "\(task.id)")
            #expect(Set(test.map(\.input)).count == test.count, "\(task.id): repeated test input")
        }
    }

    /// Paired comparisons, checked by hand: each method against zero-shot (one value, the same for
    /// every seed), then against every later method, seed by seed.
    @Test func iclComparisonsAreSeedBySeedDifferences() {
        func summary(_ condition: String, _ perSeed: [Double]) -> ICLEvaluation.Summary {
            ICLEvaluation.Summary(condition: condition, meanAccuracy: ICLEvaluation.mean(perSeed), spread: 0,
                                  perTask: [:], perSeed: perSeed)
        }
        let report = ICLEvaluation.Report(model: "m", frame: "f", seeds: [1, 2, 3], cells: [], summaries: [
            summary("zero-shot", [0.5]), summary(ICLEvaluation.handWritten, [0.9]),
            summary("vsynthesis", [0.75, 0.5, 0.25]), summary("topk", [0.5, 0.75, 0.25]), summary("naive", [0.25, 0.25, 0.25]),
        ])
        let comparisons = report.comparisons
        #expect(comparisons.map { "\($0.condition)-\($0.baseline)" } == [
            "vsynthesis-zero-shot", "topk-zero-shot", "naive-zero-shot", "vsynthesis-topk", "vsynthesis-naive", "topk-naive",
        ])
        #expect(comparisons[0].perSeed == [0.25, 0, -0.25])
        #expect((comparisons[0].ahead, comparisons[0].behind, comparisons[0].meanDifference) == (1, 1, 0))
        #expect(comparisons[3].perSeed == [0.25, -0.25, 0])
        #expect(comparisons[4].perSeed == [0.5, 0.25, 0])
        #expect((comparisons[4].ahead, comparisons[4].behind, comparisons[4].meanDifference) == (2, 0, 0.25))
        // Without zero-shot (no method ran), nothing to compare.
        #expect(ICLEvaluation.Report(model: "m", frame: "f", seeds: [], cells: [], summaries: []).comparisons.isEmpty)
    }
}
