import Foundation
import Testing

@Suite("leaddeck command line, end to end", .serialized)
struct CommandLineTests {
    @Test func blockingASourceStopsItsSpendAndExclusiveRaisesCPL() throws {
        let store = Binary.tempStore()
        let first = try Binary.run(["simulate", "--store", store, "--hours", "24", "--seed", "1", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try #require(try Binary.row(first.stdout, "AUT01"))
        #expect((before["boughtShared"] as! Int) > 0)

        let block = try Binary.run(["block", "AUT01", "--store", store])
        #expect(block.status == 0)
        #expect(block.stdout.contains("blocked AUT01 (by "))
        let mode = try Binary.run(["mode", "--store", store, "--source", "HOM08", "exclusive"])
        #expect(mode.stdout.contains("mode of HOM08 inherit -> exclusive"), "\(mode.stdout)\(mode.stderr)")

        let second = try Binary.run(["simulate", "--store", store, "--hours", "24", "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let blocked = try #require(try Binary.row(second.stdout, "AUT01"))
        #expect(blocked["spendCents"] as? Int == 0)
        #expect((blocked["boughtShared"] as! Int) + (blocked["boughtExclusive"] as! Int) == 0)
        let rejected = blocked["rejected"] as! [String: Int]
        #expect(rejected["blocked"]! > 100 && rejected["blocked"] == blocked["offered"] as? Int)

        let cplShared = try #require(try Binary.row(first.stdout, "HOM08")?["cplCents"] as? Int)
        let cplExclusive = try #require(try Binary.row(second.stdout, "HOM08")?["cplCents"] as? Int)
        #expect(cplExclusive > cplShared * 3 / 2)

        let sources = try Binary.run(["sources", "--json", "--store", store])
        let list = try JSONSerialization.jsonObject(with: Data(sources.stdout.utf8)) as! [[String: Any]]
        #expect(list.first { $0["id"] as? String == "AUT01" }?["status"] as? String == "blocked")
        #expect(list.first { $0["id"] as? String == "HOM08" }?["modeInForce"] as? String == "exclusive")

        let check = try Binary.run(["check", "--store", store])
        #expect(check.status == 0 && check.stdout.contains("is clean"), "\(check.stdout)")
        let log = try Binary.run(["log", "--store", store, "--json"])
        #expect(log.stdout.contains("\"actor\""))
    }

    @Test func logPrintsTheLastRecordsForPipes() throws {
        let store = Binary.tempStore()
        try Binary.run(["simulate", "--store", store, "--hours", "3", "--seed", "8"])
        let all = try Binary.run(["log", "--json", "--store", store])
        let lines = all.stdout.split(separator: "\n")
        let last = try Binary.run(["log", "--json", "--last", "2", "--store", store])
        #expect(last.stdout.split(separator: "\n").map(String.init) == lines.suffix(2).map(String.init))
        let human = try Binary.run(["log", "--last", "1", "--store", store])
        #expect(human.stdout.hasPrefix("#\(lines.count)  "))
    }

    @Test func simulateInRealTimeWithSpeed() throws {
        let store = Binary.tempStore()
        let r = try Binary.run(["simulate", "--store", store, "--hours", "1", "--speed", "7200"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Simulated 1.0h of the exchange, 2026-11-02 00:00 to 2026-11-02 01:00 local"), "\(r.stdout.prefix(200))")
    }

    @Test func sameSeedSameReport() throws {
        let a = try Binary.run(["simulate", "--store", Binary.tempStore(), "--hours", "12", "--seed", "5", "--json"])
        let b = try Binary.run(["simulate", "--store", Binary.tempStore(), "--hours", "12", "--seed", "5", "--json"])
        #expect(a.status == 0 && a.stdout == b.stdout)
        let c = try Binary.run(["simulate", "--store", Binary.tempStore(), "--hours", "12", "--seed", "6", "--json"])
        #expect(c.stdout != a.stdout)
    }

    @Test func aTornLogLineIsReportedThenRepaired() throws {
        let store = Binary.tempStore()
        try Binary.run(["simulate", "--store", store, "--hours", "2", "--seed", "2"])
        let log = store + "/events.jsonl"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":99999,\"crc\":\"0000".utf8))
        try handle.close()
        let check = try Binary.run(["check", "--store", store])
        #expect(check.status == 1)
        #expect(check.stdout.contains("torn last record"))
        let report = try Binary.run(["report", "--store", store])
        #expect(report.status == 0)
        #expect(report.stderr.contains("ignoring a torn last record"))
        let repair = try Binary.run(["check", "--repair", "--store", store])
        #expect(repair.status == 0 && repair.stdout.contains("repaired"), "\(repair.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store + "/torn").count == 1)
        #expect(try Binary.run(["check", "--store", store]).status == 0)
    }

    /// An ISO 8601 time on a weekday at 10:00 US Eastern (open hours), a week or two ago: plausible to ingest.
    static func recentOpenHour(plusMinutes: Int = 0) -> String {
        var t = Date().addingTimeInterval(-8 * 86_400)
        while Calendar(identifier: .gregorian).component(.weekday, from: t) == 1 { t.addTimeInterval(86_400) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        var c = cal.dateComponents([.year, .month, .day], from: t)
        c.hour = 15
        c.minute = plusMinutes
        let f = ISO8601DateFormatter()
        return f.string(from: cal.date(from: c)!)
    }

    /// Every setting is a CLI command: logged with who, seen by `sources --json` and `policy --json`; a bad value
    /// is one line and changes nothing.
    @Test func settingsFromTheCommandLine() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["caps", "--store", store, "--source", "HOM08", "--daily", "40", "--hourly", "6"]).stdout
            .contains("caps of HOM08 daily none / hourly none -> daily 40 / hourly 6 (by "))
        #expect(try Binary.run(["hours", "9-20", "--store", store]).status == 0)
        #expect(try Binary.run(["maxprice", "auto", "--shared", "35.50", "--store", store]).status == 0)
        #expect(try Binary.run(["dedupe", "10", "--store", store]).status == 0)
        let sources = try Binary.run(["sources", "--json", "--store", store])
        let list = try JSONSerialization.jsonObject(with: Data(sources.stdout.utf8)) as! [[String: Any]]
        let hom08 = try #require(list.first { $0["id"] as? String == "HOM08" })
        #expect(hom08["dailyCap"] as? Int == 40 && hom08["hourlyCap"] as? Int == 6)
        let policy = try JSONSerialization.jsonObject(with: Data(try Binary.run(["policy", "--json", "--store", store]).stdout.utf8)) as! [String: Any]
        #expect((policy["hours"] as? [String: Int]) == ["open": 9, "close": 20])
        #expect(policy["dedupeWindowDays"] as? Int == 10)
        #expect(((policy["maxPrice"] as? [String: Any])?["auto"] as? [String: Any]).flatMap { ($0["shared"] as? [String: Any])?["cents"] as? Int } == 3550)
        let before = try Binary.run(["policy", "--json", "--store", store]).stdout
        for bad in [["caps", "--daily", "many"], ["hours", "25-2"], ["maxprice", "boats", "--shared", "3"], ["dedupe", "999"],
                    ["caps", "--source", "NOPE9", "--daily", "3"]] {
            let r = try Binary.run(bad + ["--store", store])
            #expect(r.status == 1, "\(bad)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("leaddeck: "), "\(bad): \(r.stderr)")
        }
        #expect(try Binary.run(["policy", "--json", "--store", store]).stdout == before, "nothing changed")
        let log = try Binary.run(["log", "--store", store])
        #expect(log.stdout.contains("hours 08-21 -> 09-20") && log.stdout.contains("dedupe window 30 -> 10 days"))
    }

    /// Issue 10's settings from the command line: each is logged with who, shown, refused in one line when bad
    /// (changing nothing), and obeyed by a running engine from its next decision on.
    @Test func buyingRuleCommandsAreLoggedShownAndRefusedWhenBad() throws {
        let store = Binary.tempStore()
        func ok(_ args: [String], _ said: String) throws {
            let r = try Binary.run(args + ["--store", store])
            #expect(r.status == 0 && r.stdout.contains(said), "\(args): \(r.stdout) \(r.stderr)")
        }
        try ok(["timezone", "America/Chicago"], "time zone UTC-05:00 -> America/Chicago (by ")
        try ok(["hours", "mon-fri 8-21, sat 10-16, sun closed"], "hours 08-21 -> Mon-Fri 08-21, Sat 10-16, Sun closed (by ")
        try ok(["hours", "--source", "AUT01", "mon-fri 9-17"], "hours of AUT01 global -> Mon-Fri 09-17, Sat-Sun closed (by ")
        try ok(["pacing", "even"], "pacing asap -> even (by ")
        try ok(["states", "--add", "NV", "--remove", "TX"], "-> AZ, CA, CO, FL, GA, IL, IN, MD, MI, MN, MO, NC, NJ, NV, OH, PA, TN, VA, WA (by ")
        try ok(["hourprice", "0-7", "60", "21-24", "80%"], "hour prices 100% all day -> 00-07 60%, 21-24 80% (by ")
        try ok(["hourprice"], "hour prices 00-07 60%, 21-24 80%")
        try ok(["timezone"], "time zone America/Chicago")
        try ok(["pacing"], "pacing even")
        try ok(["hours", "--source", "AUT01"], "hours of AUT01 Mon-Fri 09-17, Sat-Sun closed")
        try ok(["policy"], "time zone       America/Chicago")
        let policy = try JSONSerialization.jsonObject(with: Data(try Binary.run(["policy", "--json", "--store", store]).stdout.utf8)) as! [String: Any]
        #expect((policy["clock"] as? [String: Any])?["zone"] as? String == "America/Chicago")
        #expect(policy["pacing"] as? String == "even")
        #expect(((policy["hours"] as? [String: Any])?["week"] as? [String])?.last == "closed")
        #expect(((policy["states"] as? [String]) ?? []).contains("NV") && !((policy["states"] as? [String]) ?? []).contains("TX"))
        let before = try Binary.run(["policy", "--json", "--store", store]).stdout
        for bad in [["timezone", "Mars/Base"], ["timezone", "UTC+15:00"], ["pacing", "slow"], ["states", "ZZ"],
                    ["states", "CA", "--add", "NV"], ["hours", "mon 9-17, mon 1-2"], ["hours", "mon-fri 9-25"],
                    ["hours", "--source", "NOPE9", "9-17"], ["hours", "--source", "AUT01/b80", "9-17"],
                    ["hourprice", "0-7"], ["hourprice", "0-7", "150"]] {
            let r = try Binary.run(bad + ["--store", store])
            #expect(r.status == 1, "\(bad)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("leaddeck: "), "\(bad): \(r.stderr)")
        }
        #expect(try Binary.run(["policy", "--json", "--store", store]).stdout == before, "nothing changed")
        let log = try Binary.run(["log", "--store", store]).stdout
        for said in ["time zone UTC-05:00 -> America/Chicago", "pacing asap -> even", "hours of AUT01 global -> Mon-Fri 09-17"] {
            #expect(log.contains(said), "\(said)")
        }
    }

    /// A running engine obeys a change from the command line from its next decision on: every offer recorded
    /// after `states CA` that is not from CA is filtered.
    @Test func aRunningEngineObeysAStatesChangeAtOnce() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["simulate", "--hours", "2", "--store", store]).status == 0)
        let engine = Binary.process(["simulate", "--hours", "200", "--speed", "3600", "--store", store], environment: [:])
        engine.standardOutput = FileHandle.nullDevice
        try engine.run()
        defer { if engine.isRunning { engine.terminate() }; engine.waitUntilExit() }
        Thread.sleep(forTimeInterval: 1.5)
        let change = try Binary.run(["states", "CA", "--store", store])
        #expect(change.status == 0, "\(change.stderr)")
        Thread.sleep(forTimeInterval: 2.5)
        let stopAsked = Date()
        engine.terminate()
        engine.waitUntilExit()
        // The test runner's threads block SIGTERM, and a child inherits the mask: simulate unblocks it.
        #expect(Date().timeIntervalSince(stopAsked) < 30, "simulate --speed stops on SIGTERM")
        var changeSeq: Int?, after = 0, ca = 0
        for line in try Binary.run(["log", "--json", "--store", store]).stdout.split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let seq = record["seq"] as! Int, event = record["event"] as! [String: Any]
            if let p = event["policy"] as? [String: Any], ((p["change"] as? [String: Any])?["states"]) != nil { changeSeq = seq }
            guard let since = changeSeq, seq > since, let offer = event["offer"] as? [String: Any] else { continue }
            after += 1
            if offer["state"] as? String == "CA" { ca += 1; continue }
            let decision = event["decision"] as? String
            #expect(decision == "filtered" || decision == "blocked", "seq \(seq): \(offer["state"] ?? "?") \(decision ?? "?")")
        }
        #expect(changeSeq != nil)
        #expect(after > ca && ca >= 0, "offers were decided after the change: \(after)")
    }

    /// A retried file (an exchange resending after a timeout) is answered as before and recorded once.
    @Test func ingestingTheSameOffersTwiceRecordsThemOnce() throws {
        let store = Binary.tempStore()
        let t0 = Self.recentOpenHour(), t1 = Self.recentOpenHour(plusMinutes: 1)
        let lines = [
            #"{"lead_id":"RT1","source_id":"AUT01","sub_id":"b80","vertical":"auto","state":"CA","sale_type":"shared","max_sells":4,"price":14.50,"received_at":"\#(t0)","phone":"2025550111"}"#,
            #"{"lead_id":"RT2","source_id":"AUT01","sub_id":"b80","vertical":"auto","state":"NY","sale_type":"shared","max_sells":4,"price":14.50,"received_at":"\#(t1)","phone":"2025550112"}"#,
        ].joined(separator: "\n")
        let first = try Binary.run(["ingest", "-", "--store", store], stdin: lines)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("ingested 2 offers from stdin: 1 bought"), "\(first.stdout)")
        let again = try Binary.run(["ingest", "-", "--store", store], stdin: lines)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("ingested 0 offers") && again.stdout.contains("2 repeated lead ids answered as before"), "\(again.stdout)")
        let log = try Binary.run(["log", "--store", store, "--json"])
        #expect(log.stdout.components(separatedBy: "\"RT1\"").count == 2, "RT1 is recorded once")
        #expect(log.stdout.components(separatedBy: "\"RT2\"").count == 2, "RT2 is recorded once")
    }

    /// An exchange's new sub-ID is recorded under its source: the ingest summary says so, `sources --json`
    /// lists it, and it can be blocked from the command line.
    @Test func aNewSubIDIsRecordedShownAndBlockable() throws {
        let store = Binary.tempStore()
        let t0 = Self.recentOpenHour(), t1 = Self.recentOpenHour(plusMinutes: 1)
        let line1 = #"{"lead_id":"NS1","source_id":"AUT01","sub_id":"zz9","vertical":"auto","state":"CA","sale_type":"shared","max_sells":4,"price":14.50,"received_at":"\#(t0)","phone":"2025550131"}"#
        let first = try Binary.run(["ingest", "-", "--store", store], stdin: line1)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("new sub-IDs, not in sources.json, recorded under their source"), "\(first.stdout)")
        #expect(first.stdout.contains("AUT01/zz9"))
        let sources = try JSONSerialization.jsonObject(with: Data(try Binary.run(["sources", "--json", "--store", store]).stdout.utf8)) as! [[String: Any]]
        let aut01 = try #require(sources.first { $0["id"] as? String == "AUT01" })
        #expect((aut01["subIDs"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == "zz9" })
        let block = try Binary.run(["block", "AUT01/zz9", "--store", store])
        #expect(block.status == 0, "\(block.stderr)")
        let line2 = #"{"lead_id":"NS2","source_id":"AUT01","sub_id":"zz9","vertical":"auto","state":"CA","sale_type":"shared","max_sells":4,"price":14.50,"received_at":"\#(t1)","phone":"2025550132"}"#
        let second = try Binary.run(["ingest", "-", "--store", store], stdin: line2)
        #expect(second.stdout.contains("blocked 1"), "\(second.stdout)")
        #expect(!second.stdout.contains("new sub-IDs"), "known now")
        let unknown = try Binary.run(["block", "AUT01/never", "--store", store])
        #expect(unknown.status == 1)
    }

    @Test func ingestReportsBadLinesAndKeepsTheGoodOnes() throws {
        let store = Binary.tempStore()
        let t0 = Self.recentOpenHour(), t1 = Self.recentOpenHour(plusMinutes: 1)
        let lines = [
            #"{"lead_id":"EX1","source_id":"AUT01","sub_id":"b80","vertical":"auto","state":"CA","sale_type":"shared","max_sells":4,"price":14.50,"received_at":"\#(t0)","phone":"2025550101"}"#,
            #"{"lead_id":"EX2","source_id":"NOPE","vertical":"auto","state":"CA","sale_type":"shared","price":14.50}"#,
            #"{"lead_id":"EX3","source_id":"AUT01","vertical":"auto","state":"CA","sale_type":"shared","price":"abc"}"#,
            "not json at all",
            #"{"lead_id":"EX4","source_id":"AUT01","sub_id":"b80","vertical":"auto","state":"NY","sale_type":"shared","price":14.50,"received_at":"\#(t1)"}"#,
        ].joined(separator: "\n")
        let r = try Binary.run(["ingest", "-", "--store", store], stdin: lines)
        #expect(r.status == 1)
        #expect(r.stderr.contains("stdin line 2: unknown source id 'NOPE'"))
        #expect(r.stderr.contains("stdin line 3: price:"))
        #expect(r.stderr.contains("stdin line 4: not valid JSON"))
        #expect(r.stdout.contains("ingested 2 offers from stdin: 1 bought"), "\(r.stdout)")
        #expect(r.stdout.contains("filtered 1"))

        let outcomes = "lead_id,outcome,revenue,reason\nEX1,contacted,,\nEX1,converted,612.00,\nEX4,converted,10,\nZZZ,returned,,fake\n"
        let o = try Binary.run(["outcomes", "-", "--store", store], stdin: outcomes)
        #expect(o.status == 1)
        #expect(o.stderr.contains("stdin line 4: unknown lead id EX4"))
        #expect(o.stderr.contains("stdin line 5: unknown lead id ZZZ"))
        #expect(o.stdout.contains("applied 2 outcomes"))
        let report = try Binary.run(["report", "--store", store, "--format", "json"])
        let row = try #require(try Binary.row(report.stdout, "AUT01"))
        #expect(row["revenueCents"] as? Int == 61200 && row["spendCents"] as? Int == 1450 && row["converted"] as? Int == 1)
    }

    @Test func budgetCommand() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["budget", "--store", store]).stdout == "daily budget $45,000.00\n")
        let set = try Binary.run(["budget", "12,500.50", "--store", store])
        #expect(set.stdout.hasPrefix("daily budget $45,000.00 -> $12,500.50 (by "))
        #expect(try Binary.run(["budget", "--store", store]).stdout == "daily budget $12,500.50\n")
        let bad = try Binary.run(["budget", "12.345", "--store", store])
        #expect(bad.status != 0 && bad.stderr.contains("is not a dollar amount"))
    }

    @Test func clearOneLineErrors() throws {
        let store = Binary.tempStore()
        let unknown = try Binary.run(["block", "NOSUCH", "--store", store])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.hasPrefix("leaddeck: unknown source id 'NOSUCH'"))
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        let sub = try Binary.run(["block", "AUT01/zz", "--store", store])
        #expect(sub.stderr.contains("has no sub-ID 'zz'"))
        let prio = try Binary.run(["priority", "AUT01", "9", "--store", store])
        #expect(prio.status != 0 && prio.stderr.contains("priority must be 1-5"))
        let missing = try Binary.run(["ingest", "/nonexistent/offers.jsonl", "--store", store])
        #expect(missing.stderr.contains("/nonexistent/offers.jsonl: cannot read"))
        try "{ broken".write(toFile: store + "/policy.json", atomically: false, encoding: .utf8)
        let broken = try Binary.run(["report", "--store", store])
        #expect(broken.status != 0 && broken.stderr.contains("\(store)/policy.json: not valid JSON"))
    }

    @Test func concurrentAdminsAndAnEngineLoseNothing() throws {
        let store = Binary.tempStore()
        try Binary.run(["simulate", "--store", store, "--hours", "1", "--seed", "3"])
        let ids = ["AUT01", "AUT02", "AUT03", "HOM08", "LIF12", "MED20"]
        let group = DispatchGroup()
        let results = ResultsBox()
        for (i, id) in ids.enumerated() {
            group.enter()
            DispatchQueue.global().async {
                let r = try? Binary.run(["priority", id, "\(1 + i % 5)", "--store", store])
                results.add(r?.status ?? -1)
                group.leave()
            }
        }
        group.enter()
        DispatchQueue.global().async {
            let r = try? Binary.run(["simulate", "--store", store, "--hours", "6"])
            results.add(r?.status ?? -1)
            group.leave()
        }
        group.wait()
        #expect(results.all.allSatisfy { $0 == 0 })
        let sources = try Binary.run(["sources", "--json", "--store", store])
        let list = try JSONSerialization.jsonObject(with: Data(sources.stdout.utf8)) as! [[String: Any]]
        for (i, id) in ids.enumerated() {
            #expect(list.first { $0["id"] as? String == id }?["priority"] as? Int == 1 + i % 5)
        }
        #expect(try Binary.run(["check", "--store", store]).status == 0)
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ v: Int32) { lock.lock(); values.append(v); lock.unlock() }
    var all: [Int32] { lock.lock(); defer { lock.unlock() }; return values }
}
