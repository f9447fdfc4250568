/// Module VSynthesis: see DESIGN.md for its place in the data flow.
enum VSynthesisModule {}
