import LeadDeckTestSupport
import Foundation
import Testing

/// `leaddeck log --json` (stored event bytes passed through, checked in place) against the plain path
/// (`--last`, which decodes each event and encodes it again): the same bytes; damage an error naming where;
/// an unfinished last line left alone; `--follow` printing what is appended.
@Suite("leaddeck log --json, end to end", .serialized)
struct LogJSONProcessTests {
    static func simulated() throws -> String {
        let store = Binary.tempStore()
        let r = try Binary.run(["simulate", "--store", store, "--hours", "3", "--seed", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        return store
    }

    @Test func theWholeLogIsWhatDecodingAndEncodingPrints() throws {
        let store = try Self.simulated()
        let all = try Binary.run(["log", "--json", "--store", store])
        let plain = try Binary.run(["log", "--json", "--last", "100000000", "--store", store])
        #expect(all.status == 0 && plain.status == 0)
        #expect(all.stdout.count > 10_000)
        #expect(all.stdout == plain.stdout)
    }

    @Test func aDamagedRecordIsAnErrorSayingWhere() throws {
        let store = try Self.simulated()
        let path = store + "/events.jsonl"
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        let at = bytes.count / 2 + 60
        bytes[at] = bytes[at] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try Binary.run(["log", "--json", "--store", store])
        #expect(r.status != 0)
        let message = r.stderr.trimmingCharacters(in: .newlines)
        #expect(!message.contains("\n"), "\(r.stderr)")
        #expect(message.contains("events.jsonl line ") && message.contains("(byte ") && message.contains("checksum mismatch"), "\(r.stderr)")
    }

    @Test func anUnfinishedLastLineIsLeftAlone() throws {
        let store = try Self.simulated()
        let before = try Binary.run(["log", "--json", "--store", store])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store + "/events.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"seq\":999999,\"crc\":\"00".utf8))
        try handle.close()
        let after = try Binary.run(["log", "--json", "--store", store])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == before.stdout)
    }

    @Test func followPrintsWhatIsAppended() throws {
        let store = try Self.simulated()
        let out = TestFolder.path("follow") + ".jsonl"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Binary.process(["log", "--json", "--follow", "--store", store], environment: [:])
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = FileHandle.nullDevice
        try p.run()
        var ended = false
        defer { if !ended { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        #expect(try Binary.run(["simulate", "--store", store, "--hours", "1"]).status == 0)
        let expected = try Binary.run(["log", "--json", "--store", store]).stdout
        var seen = ""
        for _ in 0..<100 where seen != expected {
            usleep(100_000)
            seen = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        }
        #expect(seen == expected)
        // A following `log` ends on SIGTERM, even started by a parent that blocks it (this test runner does).
        kill(p.processIdentifier, SIGTERM)
        for _ in 0..<100 where p.isRunning { usleep(50_000) }
        #expect(!p.isRunning, "log --follow ignored SIGTERM")
        if !p.isRunning { ended = true; p.waitUntilExit() }
    }
}
