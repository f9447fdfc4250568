import Testing
@testable import PromptFile

@Suite struct YAMLCollectionTests {
    @Test func nestedBlockMappings() throws {
        let node = try #require(try YAML.parse("""
        a:
          b:
            c: 1
          d: two
        e: 3
        """))
        #expect(node["a"]?["b"]?["c"]?.value == .int(1))
        #expect(node["a"]?["d"]?.value == .string("two"))
        #expect(node["e"]?.value == .int(3))
        #expect(node.entries?.map(\.key) == ["a", "e"])
    }

    @Test func blockSequences() throws {
        let node = try #require(try YAML.parse("""
        list:
          - one
          - 2
          -
            three
          - - nested
            - again
        flat:
        - x
        - y
        after: z
        """))
        guard case .sequence(let items) = node["list"]?.value else { Issue.record("not a sequence"); return }
        #expect(items.map(\.value).prefix(3) == [.string("one"), .int(2), .string("three")])
        guard case .sequence(let nested) = items[3].value else { Issue.record("not nested"); return }
        #expect(nested.map(\.value) == [.string("nested"), .string("again")])
        guard case .sequence(let flat) = node["flat"]?.value else { Issue.record("not a sequence"); return }
        #expect(flat.map(\.value) == [.string("x"), .string("y")])
        #expect(node["after"]?.value == .string("z"))
    }

    @Test func sequenceOfMappings() throws {
        let node = try #require(try YAML.parse("""
        people:
          - name: Ada
            born: 1815
          - name: Alan
            born: 1912
        """))
        guard case .sequence(let people) = node["people"]?.value else { Issue.record("not a sequence"); return }
        #expect(people.count == 2)
        #expect(people[1]["name"]?.value == .string("Alan"))
        #expect(people[0]["born"]?.value == .int(1815))
    }

    @Test func flowCollections() throws {
        let node = try #require(try YAML.parse("""
        a: [1, two, "three", 'four', [5, 6], {k: v}]
        b: {x: 1, "y z": [true, null], empty: , bare}
        c: []
        d: {}
        e: [a, b,]
        f: [
          multi, line # comment
          , list
        ]
        g: [k: v]
        """))
        guard case .sequence(let a) = node["a"]?.value else { Issue.record("a"); return }
        #expect(a.count == 6)
        #expect(a[0].value == .int(1))
        #expect(a[3].value == .string("four"))
        #expect(a[5]["k"]?.value == .string("v"))
        #expect(node["b"]?["y z"]?.value == .sequence([
            YAMLNode(.bool(true), range: node["b"]!["y z"]!.entriesOrItems[0].range),
            YAMLNode(.null, range: node["b"]!["y z"]!.entriesOrItems[1].range)]))
        #expect(node["b"]?["empty"]?.value == .null)
        #expect(node["b"]?["bare"]?.value == .null)
        #expect(node["c"]?.value == .sequence([]))
        #expect(node["d"]?.value == .mapping([]))
        guard case .sequence(let e) = node["e"]?.value else { Issue.record("e"); return }
        #expect(e.count == 2)
        guard case .sequence(let f) = node["f"]?.value else { Issue.record("f"); return }
        #expect(f.map(\.value) == [.string("multi"), .string("line"), .string("list")])
        #expect(node["g"]?.entriesOrItems.first?["k"]?.value == .string("v"))
    }

    @Test func quotedKeys() throws {
        let node = try #require(try YAML.parse("\"a: b\": 1\n'c''d': 2\n"))
        #expect(node["a: b"]?.value == .int(1))
        #expect(node["c'd"]?.value == .int(2))
    }

    @Test func dottedKeysStayWhole() throws {
        let node = try #require(try YAML.parse("vsynth.count: 3\n"))
        #expect(node["vsynth.count"]?.value == .int(3))
    }
}

extension YAMLNode {
    /// The items of a sequence (for tests).
    var entriesOrItems: [YAMLNode] {
        if case .sequence(let items) = value { return items }
        return []
    }
}
