import Foundation
import Testing

/// SIGKILL at random moments while an engine writes and admins change the policy; after every kill the store
/// must open, `check` must be clean, sequence numbers contiguous, everything acknowledged before the kill
/// present, and the reported metrics equal a fresh replay of the log.
///
/// The suite runs 20 kills. The soak runs as many as `LEADDECK_SOAK_KILLS` says:
///
///     LEADDECK_SOAK_KILLS=1000 swift test --filter KillHarness
@Suite("Kill harness", .serialized)
struct KillHarnessTests {
    static var kills: Int { Int(ProcessInfo.processInfo.environment["LEADDECK_SOAK_KILLS"] ?? "") ?? 20 }

    /// The complete lines of the log (each with its newline), as bytes.
    /// Newlines found with `memchr`: a generic search over `Data` took seconds per pass on a long log in a debug
    /// build under AddressSanitizer.
    func completeLines(_ path: String) -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var ends: [Int] = []
        data.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            guard let base = b.baseAddress else { return }
            var start = 0
            while start < b.count, let hit = memchr(base + start, 10, b.count - start) {
                let nl = base.distance(to: UnsafeRawPointer(hit))
                ends.append(nl)
                start = nl + 1
            }
        }
        var lines: [Data] = []
        lines.reserveCapacity(ends.count)
        var start = data.startIndex
        for nl in ends {
            lines.append(data[start...(data.startIndex + nl)])
            start = data.startIndex + nl + 1
        }
        return lines
    }

    @Test func killsAtRandomMomentsLoseNothingAcknowledged() throws {
        let store = Binary.tempStore()
        #expect(try Binary.run(["simulate", "--store", store, "--hours", "1", "--seed", "1"]).status == 0)
        var rng = SystemRandomNumberGenerator()
        var acknowledged: [Int] = []  // budgets (cents) whose change exited 0
        var budget = 4_000_000
        var totalKills = 0
        var tornRounds = 0
        for round in 0..<Self.kills {
            let engine = try Binary.start(["simulate", "--store", store, "--hours", "200", "--seed", "\(round + 2)"])
            let deadline = Date().addingTimeInterval(Double.random(in: 0.05...0.6, using: &rng))
            var killedAdmin = false
            while Date() < deadline {
                budget += 1
                let admin = try Binary.start(["budget", String(format: "%d.%02d", budget / 100, budget % 100), "--store", store])
                // Sometimes the admin's command is killed in flight too.
                if Bool.random(using: &rng) && Int.random(in: 0..<4, using: &rng) == 0 {
                    usleep(useconds_t.random(in: 1_000...30_000, using: &rng))
                    kill(admin.processIdentifier, SIGKILL)
                    admin.waitUntilExit()
                    killedAdmin = true
                } else {
                    admin.waitUntilExit()
                    if admin.terminationStatus == 0 { acknowledged.append(budget) }
                }
            }
            // Stopped first, so the engine writes nothing while the log is read (it ran on meanwhile, and a longer
            // log took longer to read: the log grew faster every round), then killed where it stopped.
            kill(engine.processIdentifier, SIGSTOP)
            let seen = completeLines(store + "/events.jsonl")
            kill(engine.processIdentifier, SIGKILL)
            engine.waitUntilExit()
            totalKills += killedAdmin ? 2 : 1

            // Everything written before the kill is still there, byte for byte.
            let after = completeLines(store + "/events.jsonl")
            #expect(after.count >= seen.count, "round \(round)")
            #expect(Array(after.prefix(seen.count)) == seen, "round \(round): a record seen before the kill changed")

            var check = try Binary.run(["check", "--store", store])
            // A kill during a batch's write() can leave an unfinished last line: the kernel stops a write of
            // several pages at a page boundary on SIGKILL. That batch was never acknowledged (it had not been
            // fsynced), and the store's answer is the designed one: `check` names the torn record, the next
            // writer keeps a copy in torn/ and cuts it. Anything else is a problem.
            let problems = check.stdout.split(separator: "\n").filter { $0.contains("PROBLEM") }
            if problems.count == 1, problems[0].contains("torn last record") {
                tornRounds += 1
                let writer = try Binary.run(["simulate", "--store", store, "--hours", "1", "--seed", "\(round + 100)"])
                #expect(writer.status == 0, "round \(round): \(writer.stdout)\(writer.stderr)")
                #expect(!((try? FileManager.default.contentsOfDirectory(atPath: store + "/torn")) ?? []).isEmpty, "round \(round): no copy of the torn record kept")
                check = try Binary.run(["check", "--store", store])
            }
            #expect(check.status == 0, "round \(round): \(check.stdout)\(check.stderr)")
            #expect(!check.stdout.contains("PROBLEM"), "round \(round): \(check.stdout)")
            try verify(store, acknowledged: acknowledged, round: round)
        }
        #expect(acknowledged.count > Self.kills / 2)
        print("kill harness: \(totalKills) kills (\(tornRounds) leaving a torn last record, cut by the next writer), \(acknowledged.count) acknowledged policy changes, \(completeLines(store + "/events.jsonl").count - 1) records, 0 lost")
    }

    /// Contiguous sequence numbers, every acknowledged change in the log, and the figures from checkpoint and
    /// tail equal to a fresh replay of the whole log.
    func verify(_ store: String, acknowledged: [Int], round: Int) throws {
        var expected = 1
        var policyText = ""
        for line in completeLines(store + "/events.jsonl").dropFirst() {
            let o = try JSONSerialization.jsonObject(with: line) as! [String: Any]
            #expect(o["seq"] as? Int == expected, "round \(round)")
            expected += 1
            if let e = o["e"] as? [String: Any], e["type"] as? String == "policy" {
                policyText += String(decoding: line, as: UTF8.self)
            }
        }
        // Budgets start at $40,000.01 and are unique, so each one's cents appear only in its own change.
        let missing = acknowledged.filter { !policyText.contains("\"cents\":\($0),") }
        #expect(missing.isEmpty, "round \(round): acknowledged budget changes missing from the log: \(missing)")

        let withCheckpoint = try Binary.run(["report", "--format", "json", "--window", "all", "--store", store])
        let copy = Binary.tempStore()
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in ["store.json", "sources.json", "policy.json", "events.jsonl"] {
            try FileManager.default.copyItem(atPath: store + "/" + name, toPath: copy + "/" + name)
        }
        let replayed = try Binary.run(["report", "--format", "json", "--window", "all", "--store", copy])
        #expect(withCheckpoint.status == 0 && replayed.status == 0, "round \(round)")
        #expect(withCheckpoint.stdout == replayed.stdout, "round \(round): checkpointed figures differ from a replay")
        try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent)
    }
}
