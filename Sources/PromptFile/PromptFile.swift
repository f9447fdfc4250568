/// Module PromptFile: see DESIGN.md for its place in the data flow.
enum PromptFileModule {}
