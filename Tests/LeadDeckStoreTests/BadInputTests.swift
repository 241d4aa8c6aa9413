import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

@Suite("Bad input: a clear error and no change")
struct BadInputTests {
    /// Writes `content` over `file` in a fresh store, then expects opening/loading to fail with a message
    /// naming the file and containing `expected`, and no file to change.
    func expectRefusal(_ file: String, _ content: String, mentions expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try StoreFixture.newStore()
        var state = try store.loadState()
        try store.append([StoreFixture.note(1)], at: &state.position)
        let session = try EngineSession(store: store, seed: 1, start: nil)
        try session.checkpoint()
        session.close()
        let path = store.directory + "/" + file
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        let before = StoreFixture.snapshot(store.directory)
        var message = ""
        do {
            let s = try Store.open(store.directory, seedDirectory: StoreFixture.seed)
            _ = try s.loadState()
        } catch {
            message = error.description
        }
        #expect(message.contains(path), "message: \(message)", sourceLocation: sourceLocation)
        #expect(message.contains(expected), "message: \(message)", sourceLocation: sourceLocation)
        #expect(!message.contains("\n"), sourceLocation: sourceLocation)
        #expect(StoreFixture.snapshot(store.directory) == before, sourceLocation: sourceLocation)
    }

    func seedText(_ name: String) throws -> String { try String(contentsOfFile: StoreFixture.seed + "/" + name, encoding: .utf8) }

    @Test func malformedJSON() throws {
        try expectRefusal("policy.json", "{\"schemaVersion\": 1, \"policy\": {", mentions: "not valid JSON")
        try expectRefusal("sources.json", "{\"schemaVersion\": 1,, }", mentions: "not valid JSON")
        try expectRefusal("store.json", "", mentions: "empty")
    }

    @Test func halfWrittenFile() throws {
        let text = try seedText("policy.json")
        try expectRefusal("policy.json", String(text.prefix(text.count / 2)), mentions: "not valid JSON")
    }

    @Test func unknownField() throws {
        let text = try seedText("policy.json").replacingOccurrences(of: "\"dedupeWindowDays\"", with: "\"dedupeWindowDayz\": 3, \"dedupeWindowDays\"")
        try expectRefusal("policy.json", text, mentions: "unknown field \"policy.dedupeWindowDayz\"")
        let src = try seedText("sources.json").replacingOccurrences(of: "\"closeRate\"", with: "\"closeRat\": 1, \"closeRate\"")
        try expectRefusal("sources.json", src, mentions: "unknown field \"sources[0].market.closeRat\"")
    }

    @Test func wrongTypes() throws {
        let text = try seedText("policy.json").replacingOccurrences(of: "\"dedupeWindowDays\": 30", with: "\"dedupeWindowDays\": \"thirty\"")
        try expectRefusal("policy.json", text, mentions: "policy.dedupeWindowDays: wrong type, expected an integer")
        let bad = try seedText("policy.json").replacingOccurrences(of: "\"priority\": 1", with: "\"priority\": 9")
        try expectRefusal("policy.json", bad, mentions: "priority must be 1-5, got 9")
    }

    @Test func newerSchemaVersion() throws {
        for file in ["policy.json", "sources.json", "store.json"] {
            let text = try String(contentsOfFile: StoreFixture.seed + "/" + (file == "store.json" ? "policy.json" : file), encoding: .utf8)
            let newer = file == "store.json" ? "{\"schemaVersion\": 7, \"currency\": \"USD\", \"createdAt\": 0}"
                : text.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 7")
            try expectRefusal(file, newer, mentions: "schemaVersion 7 is newer than this leaddeck understands (1)")
        }
    }

    @Test func missingFiles() throws {
        for file in ["policy.json", "sources.json", "events.jsonl"] {
            let store = try StoreFixture.newStore()
            try FileManager.default.removeItem(atPath: store.directory + "/" + file)
            let before = StoreFixture.snapshot(store.directory)
            #expect {
                _ = try Store.open(store.directory, seedDirectory: StoreFixture.seed).loadState()
            } throws: { "\($0)".contains(store.directory + "/" + file) && "\($0)".contains("missing") }
            #expect(StoreFixture.snapshot(store.directory) == before)
        }
    }

    @Test func aFolderThatIsNotAStoreIsLeftAlone() throws {
        let dir = StoreFixture.tempDir()
        try "keep me".write(toFile: dir + "/notes.txt", atomically: false, encoding: .utf8)
        #expect { _ = try Store.open(dir, seedDirectory: StoreFixture.seed) } throws: { "\($0)".contains("not a LeadDeck store") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["notes.txt"])
    }

    @Test func aBadSeedCreatesNothing() throws {
        let seed = StoreFixture.tempDir("seed")
        try "{\"schemaVersion\":1,\"buyer\":{\"speed\":1,\"brand\":1},\"sources\":[{}]}".write(toFile: seed + "/sources.json", atomically: false, encoding: .utf8)
        let dir = StoreFixture.tempDir()
        #expect { _ = try Store.open(dir, seedDirectory: seed) } throws: { "\($0)".contains("sources.json: missing field \"id\" in sources[0]") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        components(separatedBy: a).joined(separator: b)
    }
}
