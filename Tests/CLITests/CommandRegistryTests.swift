import CLI
import Testing

/// `VSynthCLI.commands`: every command is reachable and documented.
struct CommandRegistryTests {
    @Test func pathsAreUniqueAndReachable() {
        let paths = VSynthCLI.commands.map { $0.spec.path }
        #expect(Set(paths).count == paths.count, "two commands share a path")
        for path in paths {
            #expect(!path.isEmpty)
            #expect(path.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.contains(" ") }, "\(path)")
            #expect(path.first != "help" && path.first != "version", "\(path) is shadowed by 'vsynth \(path[0])'")
        }
    }

    @Test func everyCommandSaysWhatItDoes() {
        for command in VSynthCLI.commands {
            let spec = command.spec
            #expect(!spec.summary.isEmpty, "\(spec.path): no summary")
            let names = spec.options.map(\.name)
            #expect(Set(names).count == names.count, "\(spec.path): duplicate option")
            #expect(!names.contains("help"), "\(spec.path): --help is implicit")
            let shorts = spec.options.compactMap(\.short)
            #expect(Set(shorts).count == shorts.count && !shorts.contains("h"), "\(spec.path): short options clash")
            #expect(spec.options.allSatisfy { !$0.help.isEmpty }, "\(spec.path): an option without help")
        }
    }
}
