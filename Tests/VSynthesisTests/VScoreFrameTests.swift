import LanguageModel
import PromptFile
import Testing
@testable import VSynthesis

/// The frame table (README, "Frames"), string for string as `shared/reference/vscore_reference.py`
/// builds it; the parity tests check the numbers.
@Suite struct VScoreFrameTests {
    let demonstration = Demonstration(input: "Tweet: so great", output: "Label: sarcastic")

    func strings(_ kind: ChatTemplate.Kind) -> (context: String, null: String, text: String) {
        let frame = VScoreFrame(template: ChatTemplate(kind))
        return (frame.context(task: "Decide sarcasm."), frame.nullContext, frame.text(of: demonstration))
    }

    @Test func chatML() {
        let (context, null, text) = strings(.chatml)
        #expect(context == "<|im_start|>system\nDecide sarcasm.<|im_end|>\n")
        #expect(null == "<|im_start|>system\n<|im_end|>\n")
        #expect(text == "<|im_start|>user\nTweet: so great<|im_end|>\n<|im_start|>assistant\nLabel: sarcastic<|im_end|>\n")
        #expect(VScoreFrame(template: .chatML).name == "chatml-system-v1")
    }

    @Test func llama3() {
        let (context, null, text) = strings(.llama3)
        #expect(context == "<|start_header_id|>system<|end_header_id|>\n\nDecide sarcasm.<|eot_id|>")
        #expect(null == "<|start_header_id|>system<|end_header_id|>\n\n<|eot_id|>")
        #expect(text == "<|start_header_id|>user<|end_header_id|>\n\nTweet: so great<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nLabel: sarcastic<|eot_id|>")
        #expect(VScoreFrame(template: ChatTemplate(.llama3)).name == "llama3-v1")
    }

    /// No system role: the task heads the first user turn, and D goes on inside it.
    @Test func gemma() {
        let (context, null, text) = strings(.gemma)
        #expect(context == "<start_of_turn>user\nDecide sarcasm.\n\n")
        #expect(null == "<start_of_turn>user\n")
        #expect(text == "Tweet: so great<end_of_turn>\n<start_of_turn>model\nLabel: sarcastic<end_of_turn>\n")
        let template = ChatTemplate(.gemma)
        #expect(template.prompt(system: "S", user: "U") == "<start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\n")
        #expect(template.prompt(user: "U") == "<start_of_turn>user\nU<end_of_turn>\n<start_of_turn>model\n")
    }

    @Test func plainLabelsBareTurns() {
        let (context, null, text) = strings(.plain)
        #expect(context == "Decide sarcasm.\n\n")
        #expect(null == "\n\n")
        #expect(text == "Tweet: so great\nLabel: sarcastic\n\n")
        let plain = VScoreFrame(template: ChatTemplate(.plain))
        let file = DemonstrationFormat(inputLabel: "Question", outputLabel: "Answer", labelledTurns: false)
        let labelled = plain.labelling(file)
        #expect(labelled.text(of: Demonstration(input: "2+2?", output: "4")) == "Question: 2+2?\nAnswer: 4\n\n")
        #expect(labelled.name == plain.name && labelled.cacheName != plain.cacheName)
        // Data sets' turns carry their labels already; chat frames never add any.
        #expect(plain.labelling(DemonstrationFormat(inputLabel: "Q", outputLabel: "A")).cacheName == plain.cacheName)
        #expect(VScoreFrame(template: .chatML).labelling(file).text(of: demonstration) == strings(.chatml).text)
    }

    @Test func kindIsChosenFromTheChatTemplate() {
        let smolLM2 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        #expect(ChatTemplate.Kind(chatTemplate: smolLM2) == .chatml)
        #expect(ChatTemplate.Kind(chatTemplate: "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}") == .llama3)
        #expect(ChatTemplate.Kind(chatTemplate: "{{ '<start_of_turn>' + role + '\\n' }}") == .gemma)
        #expect(ChatTemplate.Kind(chatTemplate: nil) == .plain)
        #expect(ChatTemplate.Kind(chatTemplate: "{{ messages }}") == .plain)
        #expect(ChatTemplate.chatML.kind == .chatml)
    }

    /// `--frame` and `vsynth.frame`: the scorer builds the other frame's contexts, and its scores
    /// are cached apart from the model's own frame.
    @Test func framingChangesContextsAndCacheKeys() async throws {
        let model = RecordingModel()
        let scorer = VScorer(model: model)
        let llama3 = scorer.framing(.llama3)
        let own = try await scorer.score(task: "Decide sarcasm.", demonstration: demonstration)
        let other = try await llama3.score(task: "Decide sarcasm.", demonstration: demonstration)
        #expect(own != other)
        #expect(model.scoreCalls.map(\.context) == [
            "<|im_start|>system\nDecide sarcasm.<|im_end|>\n", "<|im_start|>system\n<|im_end|>\n",
            "<|start_header_id|>system<|end_header_id|>\n\nDecide sarcasm.<|eot_id|>", "<|start_header_id|>system<|end_header_id|>\n\n<|eot_id|>",
        ])
        #expect(scorer.cache.count == 2)
        #expect(llama3.cachedScore(task: "Decide sarcasm.", demonstration: demonstration) == other)
        #expect(scorer.cachedScore(task: "Decide sarcasm.", demonstration: demonstration) == own)
        #expect(VScorer(model: model, frame: .llama3).frame == llama3.frame)
    }
}
