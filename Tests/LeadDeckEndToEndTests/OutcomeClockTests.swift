import Foundation
import Testing

/// `outcomes` on a simulated store: an outcome without a time takes the store's clock, so the report's "today"
/// stays on the simulated day instead of jumping to the wall clock's.
@Suite("leaddeck outcomes keeps a simulated store's clock, end to end")
struct OutcomeClockTests {
    /// The `today` report of a store as JSON.
    static func today(_ store: String) throws -> [String: Any] {
        let r = try Binary.run(["report", "--store", store, "--window", "today", "--format", "json"])
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    @Test func anOutcomeWithoutATimeDoesNotMoveASimulatedStoresToday() throws {
        let store = Binary.tempStore()
        let sim = try Binary.run(["simulate", "--store", store, "--hours", "20", "--seed", "3", "--start", "2021-03-01T05:00:00Z"])
        #expect(sim.status == 0, "\(sim.stderr)")
        let before = try Self.today(store)
        let offeredToday = (before["total"] as! [String: Any])["offered"] as! Int
        #expect(offeredToday > 0)

        // A bought lead with no outcome yet, from the event log.
        var bought: [String] = [], withOutcome = Set<String>()
        for line in try Binary.run(["log", "--json", "--store", store]).stdout.split(separator: "\n") {
            let event = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["event"] as! [String: Any]
            if let outcome = event["outcome"] as? [String: Any] { withOutcome.insert(outcome["lead_id"] as! String) }
            if let offer = event["offer"] as? [String: Any], ["shared", "exclusive"].contains(event["decision"] as? String) {
                bought.append(offer["lead_id"] as! String)
            }
        }
        let lead = try #require(bought.last { !withOutcome.contains($0) })

        let o = try Binary.run(["outcomes", "-", "--store", store], stdin: "lead_id,outcome\n\(lead),contacted\n")
        #expect(o.status == 0 && o.stdout.contains("applied 1 outcomes"), "\(o.stdout)\(o.stderr)")
        let after = try Self.today(store)
        #expect(after["asOf"] as? String == before["asOf"] as? String)
        #expect((after["total"] as! [String: Any])["offered"] as? Int == offeredToday)
        #expect((after["total"] as! [String: Any])["contacted"] as! Int == (before["total"] as! [String: Any])["contacted"] as! Int + 1)

        // A time far in the future is refused, naming the field and the value, and changes nothing.
        let future = try Binary.run(["outcomes", "-", "--store", store], stdin: "lead_id,outcome,revenue,time\n\(lead),converted,100,2099-01-01T00:00:00Z\n")
        #expect(future.status != 0)
        #expect(future.stderr.contains("stdin line 2: time: 2099-01-01T00:00:00Z is in the future (more than a day after "), "\(future.stderr)")
        #expect(try Self.today(store)["asOf"] as? String == before["asOf"] as? String)
    }
}
