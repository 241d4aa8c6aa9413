import Foundation
import Testing
@testable import LeadDeckCore

/// A rebuild promises the metrics the time it will reach (`MetricsBook.willReach`), so the days and slots that
/// would be dropped by then are neither filled nor dropped on the way. Kept, the promise changes nothing the book
/// holds; a promise short of the end, or a book that started from a checkpoint, comes out the same too.
@Suite("The fold's promise of the time it will reach")
struct FoldPromiseTests {
    static let start: Int64 = 1_793_595_600  // Monday 2026-11-02, midnight US Eastern

    /// Six weeks of offers (several a minute, some for bids), outcomes of leads bought days before (some older
    /// than the days kept), pings, notes: more days than are kept, and slots dropped thousands of times.
    static func events(seed: UInt64, days: Int64) -> [Event] {
        var rng = SeededRandom(seed: seed)
        var out: [Event] = []
        var t = start
        var n = 0
        while t < start + days * 86_400 {
            t += Int64(rng.next() % 240)
            n += 1
            switch rng.next() % 20 {
            case 0:
                let bought = t - Int64(rng.next() % (40 * 86_400))
                let lead = LeadRef(sourceID: "S\(rng.next() % 9)", subID: "b\(n % 5)", vertical: .solar, mode: .exclusive,
                                   boughtAt: Timestamp(seconds: max(start, bought)), price: Money(cents: 4_000), state: "CA")
                let kind: OutcomeKind = [.contacted, .converted, .returned][Int(rng.next() % 3)]
                out.append(.outcome(OutcomeEvent(time: Timestamp(seconds: t), leadID: "L\(n)", kind: kind,
                                                 revenue: kind == .converted ? Money(cents: 30_000) : nil,
                                                 refund: kind == .returned ? Money(cents: 4_000) : nil, lead: lead)))
            case 1:
                let ping = Ping(pingID: "p\(n)", sourceID: "S\(rng.next() % 9)", subID: "b1", vertical: .solar, state: "CA",
                                postalCode: "90210", saleType: .exclusive, maxSells: 1, receivedAt: Timestamp(seconds: t))
                out.append(.ping(PingEvent(ping: ping, decision: rng.next() % 2 == 0 ? .bid(Money(cents: 2_500)) : .noBid(.floor),
                                           expiresAt: nil, tier: 2)))
            case 2:
                out.append(.note(time: Timestamp(seconds: t), text: "note \(n)"))
            default:
                out.append(FoldMemoTests.offer(n, source: "S\(rng.next() % 9)", state: "TX", at: t))
            }
        }
        return out
    }

    static func folded(_ events: ArraySlice<Event>, into book: inout MetricsBook) {
        for e in events { book.apply(e) }
    }

    /// The latest time the events reach, as the store finds it from the last records.
    static func lastTime(_ events: [Event]) -> Timestamp { events.map(\.time).max()! }

    @Test(arguments: [1, 2, 3])
    func aKeptPromiseLeavesTheBookAsWithoutIt(seed: UInt64) {
        let events = Self.events(seed: seed, days: 42)
        #expect(events.count > 20_000)
        var plain = MetricsBook(clock: LocalClock(utcOffsetMinutes: -300))
        Self.folded(events[...], into: &plain)
        // Promised the last time, or an earlier one (the promise ends part way).
        for promised in [Self.lastTime(events), Timestamp(seconds: Self.start + 20 * 86_400)] {
            var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: -300))
            book.willReach(promised)
            Self.folded(events[...], into: &book)
            book.keepPromiseOrForget()
            #expect(book == plain, "promised \(promised.seconds)")
            #expect(book.series.count == plain.series.count)
            // Equality compares every day and slot kept; the hour and today windows read them.
            for key in [MetricKey.total, MetricKey(.source, "S3")] {
                #expect(book.counters(key, window: .hour) == plain.counters(key, window: .hour))
                #expect(book.counters(key, window: .today) == plain.counters(key, window: .today))
                #expect(book.daily(key).map(\.day) == plain.daily(key).map(\.day))
            }
        }
    }

    /// A book from a checkpoint (its days and slots already there), then the rest of the log under the promise;
    /// and a clock moved by a policy change part way (day numbers shift by up to a day).
    @Test func aPromiseAfterACheckpointOrAcrossAClockChangeLeavesTheBookAsWithoutIt() {
        let events = Self.events(seed: 5, days: 42)
        let cut = events.count / 3
        for clockChange in [false, true] {
            var plain = MetricsBook(clock: LocalClock(utcOffsetMinutes: 840))
            var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 840))
            Self.folded(events[..<cut], into: &plain)
            Self.folded(events[..<cut], into: &book)
            book.willReach(Self.lastTime(events))
            for (i, e) in events[cut...].enumerated() {
                if clockChange && i == 1_000 {
                    plain.clock = LocalClock(utcOffsetMinutes: -720)
                    book.clock = LocalClock(utcOffsetMinutes: -720)
                }
                plain.apply(e)
                book.apply(e)
            }
            book.keepPromiseOrForget()
            #expect(book == plain, "clock change: \(clockChange)")
        }
    }

    /// Folding on after a kept promise is folding as always: the same events later on land alike.
    @Test func afterThePromiseTheFoldGoesOnAsAlways() {
        let events = Self.events(seed: 8, days: 40)
        let cut = events.count * 3 / 4
        var plain = MetricsBook(clock: LocalClock(utcOffsetMinutes: -300))
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: -300))
        Self.folded(events[..<cut], into: &plain)
        book.willReach(Self.lastTime(Array(events[..<cut])))
        Self.folded(events[..<cut], into: &book)
        book.keepPromiseOrForget()
        #expect(book == plain)
        Self.folded(events[cut...], into: &plain)
        Self.folded(events[cut...], into: &book)
        #expect(book == plain)
    }
}
