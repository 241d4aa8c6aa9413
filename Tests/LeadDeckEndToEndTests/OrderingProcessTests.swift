import Foundation
import Testing

/// Issue 11, across real processes: a `leaddeck block` run while `simulate` runs the engine lands between two
/// of its batches, and every offer logged after it is decided under it.
@Suite("Ordering across processes", .serialized)
struct OrderingProcessTests {
    @Test func aBlockFromAnotherProcessAppliesToEveryOfferLoggedAfterIt() throws {
        let store = Binary.tempStore()
        // Monday 08:00 local on, so the market is open and AUT01's offers are bought until the block.
        let engine = try Binary.start(["simulate", "--store", store, "--hours", "6", "--speed", "3600", "--seed", "2",
                                       "--start", "2026-11-02T13:00:00Z"])
        // Block once some AUT01 offers are logged (however slow the start: a loaded machine, a sanitizer build).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let log = String(decoding: FileManager.default.contents(atPath: store + "/events.jsonl") ?? Data(), as: UTF8.self)
            if log.contains("\"source_id\":\"AUT01\"") { break }
            usleep(50_000)
        }
        let block = try Binary.run(["block", "AUT01", "--store", store])
        #expect(block.status == 0, "\(block.stderr)")
        engine.waitUntilExit()
        #expect(engine.terminationStatus == 0)
        let log = try Binary.run(["log", "--json", "--store", store])
        var seenBlock = false
        var offersBefore = 0, offersAfter = 0
        for line in log.stdout.split(separator: "\n") {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = record["event"] as? [String: Any] else { continue }
            if event["type"] as? String == "policy" { seenBlock = true; continue }
            guard event["type"] as? String == "offer", let offer = event["offer"] as? [String: Any],
                  offer["source_id"] as? String == "AUT01" else { continue }
            if seenBlock {
                offersAfter += 1
                #expect(event["decision"] as? String == "blocked", "seq \(record["seq"] ?? 0) was decided under the old policy")
            } else {
                offersBefore += 1
            }
        }
        #expect(seenBlock && offersBefore > 0 && offersAfter > 0, "before \(offersBefore), after \(offersAfter)")
    }
}
