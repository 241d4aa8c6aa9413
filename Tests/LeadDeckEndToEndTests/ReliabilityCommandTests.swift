import LeadDeckTestSupport
import Foundation
import Testing

/// Issue 6's defects as an operator meets them, through the real binary.
@Suite("Reliability, end to end", .serialized)
struct ReliabilityCommandTests {
    /// A few bought lead ids of a store that have no outcome yet, with their prices, read from the log.
    func boughtLeads(_ store: String, count: Int) throws -> [(id: String, cents: Int)] {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: store + "/events.jsonl")), as: UTF8.self)
        var bought: [(String, Int)] = []
        var withOutcome = Set<String>()
        for line in text.split(separator: "\n").dropFirst() {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let e = o["e"] as? [String: Any] else { continue }
            if let outcome = e["outcome"] as? [String: Any], let id = outcome["lead_id"] as? String { withOutcome.insert(id) }
            guard let d = e["decision"] as? String, d == "shared" || d == "exclusive",
                  let offer = e["offer"] as? [String: Any], let id = offer["lead_id"] as? String,
                  let price = offer["price"] as? [String: Any], let cents = price["cents"] as? Int else { continue }
            bought.append((id, cents))
        }
        return Array(bought.filter { !withOutcome.contains($0.0) }.prefix(count))
    }

    @Test func crlfOutcomesAreAppliedAndAFileWithNothingAppliedFails() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["simulate", "--store", store, "--hours", "12", "--seed", "3"]).status == 0)
        let leads = try boughtLeads(store, count: 3)
        try #require(leads.count == 3)
        let csv = "\u{FEFF}lead_id,outcome,revenue,reason\r\n\(leads[0].id),contacted,,\r\n\(leads[1].id),returned,,wrong number\r\n"
        let applied = try Binary.run(["outcomes", "--store", store, "-"], stdin: csv)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("applied 2 outcomes"), "\(applied.stdout)")
        // Nothing applicable: never a success.
        let nothing = try Binary.run(["outcomes", "--store", store, "-"], stdin: "lead_id,outcome\r\n")
        #expect(nothing.status == 1 && nothing.stderr.contains("no outcomes applied"), "\(nothing.stderr)")
        let empty = try Binary.run(["ingest", "--store", store, "-"], stdin: "\r\n")
        #expect(empty.status == 1 && empty.stderr.contains("no offers recorded"), "\(empty.stderr)")
        // A refund above the price is a bad line.
        let refund = Double(leads[2].cents) / 100 + 1
        let big = try Binary.run(["outcomes", "--store", store, "-"],
                                 stdin: "{\"lead_id\":\"\(leads[2].id)\",\"outcome\":\"returned\",\"reason\":\"fake\",\"refund\":\(refund)}\r\n")
        #expect(big.status == 1 && big.stderr.contains("more than the lead's price"), "\(big.stderr)")
    }

    @Test func crlfOffersAreIngested() throws {
        let store = Binary.tempStore()
        let now = ISO8601DateFormatter().string(from: Date())
        let line = { (id: String) in "{\"lead_id\":\"\(id)\",\"source_id\":\"AUT01\",\"vertical\":\"auto\",\"state\":\"CA\",\"sale_type\":\"shared\",\"price\":12.5,\"received_at\":\"\(now)\"}" }
        let r = try Binary.run(["ingest", "--store", store, "-"], stdin: "\u{FEFF}" + line("C1") + "\r\n" + line("C2") + "\r\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ingested 2 offers"), "\(r.stdout)")
    }

    @Test func argumentErrorsNeverEchoRawEscapes() throws {
        let r = try Binary.run(["report", "--by", "\u{1B}]0;pwned\u{07}\u{1B}[2J"])
        #expect(r.status != 0)
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\u{07}"), "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains("␛"))
        let unknown = try Binary.run(["\u{1B}[31mred"])
        #expect(!unknown.stderr.contains("\u{1B}"), "\(unknown.stderr.debugDescription)")
    }

    @Test func aCheckpointThatCannotBeSavedIsAWarningAndRepairFixesIt() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["simulate", "--store", store, "--hours", "2", "--seed", "1"]).status == 0)
        let before = try Binary.run(["log", "--last", "1", "--json", "--store", store]).stdout
        // The checkpoint cannot be replaced: a folder sits where it goes, and rename cannot replace a folder.
        try FileManager.default.removeItem(atPath: store + "/checkpoint.json")
        try FileManager.default.createDirectory(atPath: store + "/checkpoint.json", withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: store + "/checkpoint.json/keep", contents: Data())
        let r = try Binary.run(["simulate", "--store", store, "--hours", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("durable") && r.stderr.contains("only the checkpoint was not saved"), "\(r.stderr)")
        #expect(!r.stderr.contains(".tmp-"), "\(r.stderr)")
        let after = try Binary.run(["log", "--last", "1", "--json", "--store", store]).stdout
        #expect(after != before)
        try FileManager.default.removeItem(atPath: store + "/checkpoint.json")
        let repair = try Binary.run(["check", "--repair", "--store", store])
        #expect(repair.status == 0, "\(repair.stdout)")
        #expect(repair.stdout.contains("store \(store) is clean\n"), "\(repair.stdout)")
    }

    @Test func killedStoreCreationNeverLeavesAHalfMadeStore() throws {
        // A kill at a random moment of creating a store, many times: each time the folder is either no
        // store at all or a whole one, and the next command works.
        for i in 0..<12 {
            let store = Binary.tempStore()
            let p = try Binary.start(["priority", "AUT01", "2", "--store", store])
            usleep(useconds_t(2_000 + (i * 4_000) % 40_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let check = try Binary.run(["check", "--store", store])
            #expect(check.status == 0, "kill \(i): \(check.stdout)\(check.stderr)")
        }
    }
}

@Suite("Command-line messages", .serialized)
struct CommandLineMessageTests {
    @Test func aNegativeSpeedSaysWhatIsWrong() throws {
        let r = try Binary.run(["simulate", "--store", Binary.tempStore(), "--hours", "1", "--speed", "-5"])
        #expect(r.status != 0 && r.stderr.contains("--speed must be above 0"), "\(r.stderr)")
    }

    @Test func aNewStoreHasNoTodayYet() throws {
        let r = try Binary.run(["sources", "--store", Binary.tempStore()])
        #expect(r.status == 0 && r.stdout.contains("No leads yet.") && !r.stdout.contains("1969"), "\(r.stdout.prefix(200))")
    }

    @Test func aStorePathThatIsAFileSaysSo() throws {
        let file = TestFolder.path("file")
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let r = try Binary.run(["report", "--store", file])
        #expect(r.status != 0 && r.stderr.contains("is a file, not a store folder"), "\(r.stderr)")
    }
}
