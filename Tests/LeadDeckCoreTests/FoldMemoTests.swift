import Foundation
import Testing
@testable import LeadDeckCore

/// The fold's memos: strings and pairs found by their bits, a source's breakdowns and a state's tally found
/// through them, the local day remembered for a stretch of time. None may change what is counted.
@Suite("Fold memos: found by bits or remembered, never mistaken")
struct FoldMemoTests {
    @Test func recentStringsAndPairsAnswerForTheirOwnStringsOrNotAtAll() {
        var rng = SeededRandom(seed: 7)
        let keys: [String] = (0..<3_000).map { (n: Int) -> String in
            rng.next() % 3 == 0 ? "A-STRING-LONG-ENOUGH-FOR-A-BUFFER-\(n)" : "s\(n)"
        }
        var strings = RecentStrings<Int>(size: 256)
        var pairs = RecentPairs()
        for (n, k) in keys.enumerated() {
            strings.remember(k, n)
            pairs.insert(k, keys[(n + 1) % keys.count])
        }
        var hits = 0
        for (n, k) in keys.enumerated() {
            let copy = String(decoding: Array(k.utf8), as: UTF8.self)
            for key in [k, copy] {
                if let v = strings.value(of: key) {
                    #expect(v == n, "\(key) answered with \(v)")
                    hits += 1
                }
                if pairs.contains(key, keys[(n + 1) % keys.count]) { hits += 1 }
                #expect(!pairs.contains(key, keys[(n + 2) % keys.count]) || keys[(n + 1) % keys.count] == keys[(n + 2) % keys.count])
            }
        }
        #expect(hits > 100)
    }

    static func offer(_ n: Int, source: String, state: String, at t: Int64) -> Event {
        let o = Offer(leadID: "L\(n)", sourceID: source, subID: "b\(n % 7)", vertical: .autoInsurance, state: state,
                      postalCode: "75001", city: "Dallas", saleType: n % 2 == 0 ? .shared : .exclusive, maxSells: 3,
                      price: Money(cents: 1_000 + Int64(n % 50)), receivedAt: Timestamp(seconds: t), firstName: "",
                      lastName: "", phone: "", email: "")
        return .offer(OfferEvent(offer: o, decision: n % 3 == 0 ? .bought(o.saleType) : .rejected(.price), tier: 2))
    }

    /// Sources and states seen in any order, more states than are kept, lower-case ones and unknown ones: the
    /// breakdowns equal (and hash as) those counted in another order, and each state's tally is what a plain
    /// count gives.
    @Test(arguments: [30, 90])
    func breakdownsFoundThroughMemosCountAsAPlainTallyDoes(stateCount: Int) throws {
        var rng = SeededRandom(seed: 9)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let states: [String] = (0..<stateCount).map { (n: Int) -> String in
            n % 10 == 9 ? "x\(n)" : String([letters[n % 26], letters[n / 26]])
        }
        var events: [Event] = []
        for n in 0..<6_000 {
            let state = states[Int(rng.next() % UInt64(states.count))]
            events.append(Self.offer(n, source: "S\(rng.next() % 40)", state: n % 11 == 0 ? state.lowercased() : state, at: 1_800_000_000 + Int64(n) * 60))
        }
        var a = SourceBreakdowns(), b = SourceBreakdowns()
        var plain: [String: [String: Int64]] = [:]
        for e in events {
            guard case .offer(let o) = e else { continue }
            a.count(offer: o.offer, decision: o.decision, hour: 3)
            let key = SourceBreakdowns.stateKey(o.offer.state)
            var kept = plain[o.offer.sourceID, default: [:]]
            let slot = kept[key] != nil || kept.count < SourceBreakdowns.statesKept ? key : SourceBreakdowns.otherKey
            kept[slot, default: 0] += 1
            plain[o.offer.sourceID] = kept
        }
        // The same offers counted source by source: another order of sources and states.
        for e in events.sorted(by: { ($0.offerSource, $0.time.seconds) < ($1.offerSource, $1.time.seconds) }) {
            guard case .offer(let o) = e else { continue }
            b.count(offer: o.offer, decision: o.decision, hour: 3)
        }
        #expect(a.sources.mapValues { $0.states.mapValues(\.offered) } == plain)
        if stateCount > SourceBreakdowns.statesKept {
            #expect(a.sources.values.contains { $0.states.count == SourceBreakdowns.statesKept + 1 })
        } else {
            // Counted in another order, the same breakdowns: equal, and hashing alike.
            #expect(a == b && a.hashValue == b.hashValue)
        }
        let decoded = try JSONDecoder().decode(SourceBreakdowns.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
    }

    /// The day span `LocalClock.daySpan(at:)` gives holds one local day and one offset: every moment in it has that
    /// day and hour on the clock, in zones with daylight saving, half-hour and 45-minute offsets and a skipped day.
    @Test func aDaySpanHoldsOneLocalDayInEveryZone() throws {
        var rng = SeededRandom(seed: 4)
        for zone in ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "Europe/London"] {
            let clock = try #require(LocalClock(zone: zone))
            var t: Int64 = 1_293_840_000  // 2011-01-01 (Apia skipped 2011-12-30)
            while t < 1_356_998_400 {
                let span = clock.daySpan(at: Timestamp(seconds: t))
                #expect(span.holds(Timestamp(seconds: t)) && span.day == clock.day(Timestamp(seconds: t)))
                for probe in [t, span.until - 1, t + Int64(rng.next() % UInt64(max(1, span.until - t)))] {
                    let p = Timestamp(seconds: probe)
                    #expect(clock.day(p) == span.day && clock.hourOfDay(p) == span.hourOfDay(p), "\(zone) at \(probe)")
                }
                // The moment after the span is another day or under another offset.
                let next = Timestamp(seconds: span.until)
                #expect(clock.day(next) != span.day || clock.offsetSeconds(at: next) != span.offset, "\(zone) at \(span.until)")
                t = span.until + Int64(rng.next() % 40_000)
            }
        }
    }

    /// A book folding offers across daylight-saving changes and midnights counts as a book whose memo is emptied
    /// before every offer (a clock set again forgets it).
    @Test func aBookWithItsDayMemoCountsAsOneAskingTheClockEveryTime() throws {
        let clock = try #require(LocalClock(zone: "America/New_York"))
        var memo = MetricsBook(clock: clock), asking = MetricsBook(clock: clock)
        var t: Int64 = 1_772_900_000  // days before 2026-03-08, when clocks moved forward
        for n in 0..<4_000 {
            t += 97 + Int64(n % 13) * 41
            let e = Self.offer(n, source: "S\(n % 5)", state: "TX", at: t)
            memo.apply(e)
            asking.clock = clock
            asking.apply(e)
        }
        #expect(memo == asking)
        #expect(memo.breakdowns.sources == asking.breakdowns.sources)
    }
}

private extension Event {
    var offerSource: String {
        if case .offer(let o) = self { return o.offer.sourceID }
        return ""
    }
}
