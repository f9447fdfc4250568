import PromptFile

extension PromptDocument {
    /// The demonstration format VSynthesis uses for this file: the file's labels describe X and Y to
    /// the model, and the turns are the bare texts as they appear in the file.
    public var demonstrationFormat: DemonstrationFormat {
        DemonstrationFormat(inputLabel: settings.inputLabel, outputLabel: settings.outputLabel, labelledTurns: false,
                            outputSchema: jsonOutputSchema)
    }
}
