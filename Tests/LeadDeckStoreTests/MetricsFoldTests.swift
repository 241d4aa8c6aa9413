import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// The metrics fold reaches each event's slices by remembered positions (`MetricsBook` routes) and prunes old
/// buckets key by key. These check it against books that had to find every slice afresh.
@Suite struct MetricsFoldTests {
    static func events(hours: Int64) throws -> [Event] {
        let store = try FastPathTests.simulatedStore(hours: hours)
        var events: [Event] = []
        try store.forEachRecord(after: .afterHeader) { events.append($0.event) }
        return events
    }

    @Test func aBookRebuiltOftenFoldsToTheSameFigures() throws {
        let events = try Self.events(hours: 50)
        #expect(events.count > 5_000)
        let clock = LocalClock(utcOffsetMinutes: -300)
        var continuous = MetricsBook(clock: clock)
        var rebuilt = MetricsBook(clock: clock)
        for (i, e) in events.enumerated() {
            continuous.apply(e)
            rebuilt.apply(e)
            if i % 997 == 0 {
                // A fresh book from the same series, in another order: no remembered positions, other positions.
                let reversed = Dictionary(uniqueKeysWithValues: rebuilt.series.dictionary.sorted { $0.key > $1.key })
                rebuilt = MetricsBook(clock: rebuilt.clock, latest: rebuilt.latest, series: reversed,
                                      saleLags: rebuilt.saleLags, breakdowns: rebuilt.breakdowns)
            }
        }
        // (Compared outside #expect, which would print both books whole when they differ.)
        let sameBooks = continuous == rebuilt
        let sameSeries = continuous.series.dictionary == rebuilt.series.dictionary
        #expect(sameBooks && sameSeries)
        // Every offer counts once in the total, once under its source and once under its vertical.
        let total = try #require(continuous.series[.total]).allTime.offered
        let bySource = continuous.series.filter { $0.key.dimension == .source }.reduce(0) { $0 + $1.value.allTime.offered }
        let byVertical = continuous.series.filter { $0.key.dimension == .vertical }.reduce(0) { $0 + $1.value.allTime.offered }
        #expect(total > 0 && total == bySource && total == byVertical)
    }

    @Test func oldBucketsGoWhenTimeMovesOnOrJumps() throws {
        let events = try Self.events(hours: 30)
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 0))
        for e in events { book.apply(e) }
        func check(_ when: String) {
            let firstDay = book.clock.day(book.latest) - MetricsBook.daysKept + 1
            let firstSlot = Int64((Double(book.latest.seconds) / Double(MetricsBook.slotSeconds)).rounded(.down)) - MetricsBook.slotsKept + 1
            for (key, s) in book.series {
                #expect(s.days.keys.allSatisfy { $0 >= firstDay } && s.slots.keys.allSatisfy { $0 >= firstSlot }, "\(when): \(key)")
                #expect(s.days.count <= Int(MetricsBook.daysKept) && s.slots.count <= Int(MetricsBook.slotsKept), "\(when): \(key)")
            }
        }
        check("after 30 hours")
        #expect(book.series[.total]!.slots.count == Int(MetricsBook.slotsKept))
        // One offer 40 days on: every earlier day and slot is dropped (a jump, found by a scan).
        guard case .offer(let last)? = events.last(where: { if case .offer = $0 { true } else { false } }) else {
            Issue.record("no offer")
            return
        }
        var later = last
        later.offer.leadID += "-later"
        later.offer.receivedAt = book.latest + 40 * 86_400
        book.apply(.offer(later))
        check("after a 40-day jump")
        #expect(book.series[.total]!.days.count == 1 && book.series[.total]!.slots.count == 1)
    }

    @Test func anAllTimeTallyCountsWhatTheFullBookCountsAllTime() throws {
        let events = try Self.events(hours: 30)
        let clock = LocalClock(utcOffsetMinutes: -300)
        var full = MetricsBook(clock: clock)
        var tally = MetricsBook.allTimeTally(clock: clock)
        for e in events {
            full.apply(e)
            tally.apply(e)
        }
        #expect(!tally.keepsHistory && tally.latest == full.latest && tally.series.count == full.series.count)
        var differing: [MetricKey] = []
        for (key, s) in full.series {
            let t = tally.series[key]
            if t?.allTime != s.allTime || t?.days.isEmpty != true || t?.slots.isEmpty != true { differing.append(key) }
        }
        #expect(differing.isEmpty, "\(differing)")
        for d in Dimension.allCases {
            #expect(tally.table(d, window: .all) == full.table(d, window: .all), "\(d)")
        }
        #expect(tally.breakdowns == MetricsBook(clock: clock).breakdowns)
    }

    @Test func routesWhoseIdsRunTogetherStayApart() {
        // The fold finds an event's slices by the bytes of its source, sub-ID, vertical, mode and exchange:
        // ids that read the same run together ("ab" + "c", "a" + "bc"), an empty exchange name and none,
        // must still count apart.
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 0))
        let routes: [(String, String, String?)] = [("ab", "c", nil), ("a", "bc", nil), ("a", "bc", ""), ("a", "b\u{1F}c", "x")]
        for (n, (source, sub, exchange)) in routes.enumerated() {
            let o = Offer(leadID: "L\(n)", sourceID: source, subID: sub, vertical: .autoInsurance, state: "CA", postalCode: "", city: "",
                          saleType: .shared, maxSells: 4, price: .dollars(20), receivedAt: Timestamp(seconds: 1_790_000_000 + Int64(n)),
                          firstName: "", lastName: "", phone: "", email: "", exchange: exchange)
            book.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 3)))
        }
        func offered(_ d: LeadDeckCore.Dimension, _ v: String) -> Int64 { book.series[MetricKey(d, v)]?.allTime.offered ?? -1 }
        #expect(offered(.source, "ab") == 1 && offered(.source, "a") == 3)
        #expect(offered(.subid, "ab/c") == 1 && offered(.subid, "a/bc") == 2 && offered(.subid, "a/b\u{1F}c") == 1)
        #expect(offered(.exchange, "") == 1 && offered(.exchange, "x") == 1 && offered(.total, "all") == 4)
    }
}
