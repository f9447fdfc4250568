import Foundation
import JSONRPC
import LanguageModel
@testable import LanguageServer
import PromptFile
import Testing

/// The daemon's `frame` setting, and a file's `vsynth.frame` over it.
@Suite struct FrameSettingTests {
    @Test func theSettingIsReadCheckedAndAFileChoosesItsOwn() throws {
        var configuration = ServerConfiguration()
        #expect(configuration.frame == nil)
        try configuration.update(from: ["vsynth": .object(["frame": .string("llama3")])])
        #expect(configuration.frame == .llama3)
        #expect(throws: LanguageServerError.invalidSetting(key: "frame", reason: "expected chatml, llama3, gemma, plain, got mistral")) {
            try configuration.update(from: ["frame": .string("mistral")])
        }
        #expect(configuration.frame == .llama3)
        #expect(configuration.choosing(for: Settings(frame: .gemma)).configuration.frame == .gemma)
        #expect(configuration.choosing(for: Settings()).configuration.frame == .llama3)
    }

    @Test func diagnosticCodesKeepTheirWireNames() {
        #expect(DiagnosticCode.allCases.map(\.rawValue) == ["vscore", "low-vscore", "output-schema", "empty-region", "no-region"])
        #expect(DiagnosticCode.allCases.filter(\.carriesScore) == [.vscore, .lowVScore])
    }
}
