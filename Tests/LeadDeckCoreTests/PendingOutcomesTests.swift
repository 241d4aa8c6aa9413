import Foundation
import Testing
@testable import LeadDeckCore

/// The simulated market's pending outcomes in buckets of due time (`PendingOutcomes`) against the plain way: one
/// list kept sorted by (time, order), which is the order a binary heap gave them in.
@Suite("Pending outcomes")
struct PendingOutcomesTests {
    static let lead = LeadRef(sourceID: "S", subID: "a", vertical: .mortgage, mode: .shared, boughtAt: Timestamp(seconds: 0), price: .dollars(50))

    static func outcome(_ time: Int64, order: Int64) -> PendingOutcome {
        PendingOutcome(order: order, event: OutcomeEvent(time: Timestamp(seconds: time), leadID: "L\(order)", kind: .contacted, lead: lead))
    }

    /// Inserts and takes in random turns, with times across bucket edges, within one bucket, equal times (the order
    /// breaks the tie), negative times and times weeks ahead: every outcome comes out when the sorted list says.
    @Test func outcomesComeOutInTheOrderASortedListGives() {
        var rng = SeededRandom(seed: 11)
        var pending = PendingOutcomes()
        var plain: [PendingOutcome] = []
        var order: Int64 = 0
        var now: Int64 = -5_000
        for step in 0..<6_000 {
            if rng.chance(0.55) || plain.isEmpty {
                let ahead: Int64 = switch rng.int(0...3) {
                case 0: Int64(rng.int(0...4_095))  // within about a bucket
                case 1: Int64(rng.int(0...3)) * 4_096 - 1 + Int64(rng.int(0...2))  // at bucket edges
                case 2: 0  // the same second as others
                default: Int64(rng.int(0...(14 * 86_400)))
                }
                let o = Self.outcome(now + ahead, order: order)
                order += 1
                pending.insert(o)
                plain.insert(o, at: plain.firstIndex { o < $0 } ?? plain.count)
            } else {
                #expect(pending.firstTime == plain[0].event.time)
                let next = pending.removeFirst()
                #expect(next == plain.removeFirst(), "step \(step)")
                now = next.event.time.seconds
            }
            #expect(pending.count == plain.count)
            if step % 500 == 0 { #expect(pending.inOrder == plain) }
        }
        while !plain.isEmpty { #expect(pending.removeFirst() == plain.removeFirst()) }
        #expect(pending.isEmpty && pending.firstTime == nil && pending == PendingOutcomes())
    }

    /// The same outcomes make equal values however they came (inserted in any order, or read from a list in any
    /// order, as a checkpoint holds them), and the `Codable` form is the plain list, soonest first.
    @Test func theSameOutcomesAreEqualAndEncodeAsTheirList() throws {
        var rng = SeededRandom(seed: 4)
        let all = (0..<800).map { Self.outcome(Int64(rng.int(-10_000...2_000_000)), order: Int64($0)) }
        var shuffled = all
        for i in shuffled.indices.reversed() { shuffled.swapAt(i, rng.int(0...i)) }
        var inserted = PendingOutcomes()
        for o in shuffled { inserted.insert(o) }
        let read = PendingOutcomes(all)
        #expect(inserted == read && inserted.hashValue == read.hashValue)
        #expect(read.inOrder == all.sorted())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(read)
        #expect(json == (try encoder.encode(all.sorted())))
        #expect(try JSONDecoder().decode(PendingOutcomes.self, from: json) == read)
        var one = read
        _ = one.removeFirst()
        #expect(one != read)
    }

    /// A run works on its own copy: the simulator it started from (the one the engine goes back to when a batch is
    /// not written) still holds every outcome it held, and running from it again gives the same events.
    @Test func aRunLeavesTheSimulatorItStartedFromAsItWas() {
        let catalog = Fixture.catalog()
        var policy = Fixture.policy(budget: .dollars(1_000_000), mode: .shared)
        policy.states = []
        policy.hours = nil
        var desk = Desk(catalog: catalog, policy: policy)
        var sim = MarketSimulator(seed: 8, start: Timestamp(iso8601: "2026-11-02T05:00:00Z")!)
        sim.advance(to: sim.now + 86_400, catalog: catalog, desk: &desk) { _ in }
        let before = sim
        let listed = before.parts.pending
        #expect(listed.count > 50)

        func play(_ from: MarketSimulator, _ desk: Desk) -> ([Event], MarketSimulator) {
            var d = desk
            var events: [Event] = []
            var run = from.run(to: from.now + 6 * 3600, catalog: catalog)
            Engine.play(&run, on: &d) { events.append($0) }
            return (events, run.finished())
        }
        let (first, after) = play(sim, desk)
        #expect(first.contains { if case .outcome = $0 { true } else { false } })
        #expect(after.parts.pending != listed)
        #expect(sim == before && sim.parts.pending == listed)
        let (again, afterAgain) = play(sim, desk)
        #expect(again == first && afterAgain == after)
    }
}
