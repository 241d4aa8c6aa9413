@testable import LeadDeckCore
import Testing

/// A day's or slot's counters kept in 32-bit counts: the same figures as `Counters` under the same changes, in
/// little more than half the room.
@Suite struct BucketCountersTests {
    /// Every kind of change the fold makes, with prices, bid posts and outcomes, from a seeded generator.
    static func changes(_ n: Int, seed: UInt64) -> [CounterChange] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in
            let price = Money(cents: Int64(rng.next() % 9_000))
            switch rng.next() % 6 {
            case 0: return .offer(.bought(.shared), price: price, forBid: rng.next() % 2 == 0)
            case 1: return .offer(.bought(.exclusive), price: price, forBid: rng.next() % 2 == 0)
            case 2:
                let reasons = RejectReason.allCases
                return .offer(.rejected(reasons[Int(rng.next() % UInt64(reasons.count))]), price: price, forBid: rng.next() % 2 == 0)
            case 3: return .ping(bid: rng.next() % 3 != 0)
            default:
                let kinds = OutcomeKind.allCases
                return .outcome(kinds[Int(rng.next() % UInt64(kinds.count))], amount: price)
            }
        }
    }

    @Test func countTheSameAsCountersUnderTheSameChanges() {
        var wide = Counters()
        var narrow = BucketCounters()
        let changes = Self.changes(20_000, seed: 11)
        for change in changes {
            wide.apply(change)
            narrow.apply(change)
        }
        #expect(narrow.counters == wide)
        #expect(narrow.offered == wide.offered && narrow.bought == wide.bought)
        #expect(BucketCounters(wide) == narrow && BucketCounters(wide).counters == wide)
        #expect(wide.offered == changes.filter({ if case .offer = $0 { true } else { false } }).count && wide.offered > 9_000 && wide.rejected.total > 0 && wide.won > 0 && wide.refunds > .zero)
    }

    /// The fold's changes give the counts the older per-event calls gave.
    @Test func anOutcomeEventCountsAsItsChange() {
        let lead = LeadRef(sourceID: "s", subID: "a", vertical: .autoInsurance, mode: .shared, boughtAt: Timestamp(seconds: 0), price: Money(cents: 2_000))
        var byEvent = Counters(), byChange = Counters()
        for (kind, revenue, refund) in [(OutcomeKind.contacted, nil, nil), (.converted, Money(cents: 12_345), nil), (.returned, nil, Money(cents: 2_500)),
                                        (.converted, nil, nil)] as [(OutcomeKind, Money?, Money?)] {
            let e = OutcomeEvent(time: Timestamp(seconds: 60), leadID: "L", kind: kind, revenue: revenue, refund: refund, lead: lead)
            byEvent.count(e)
            byChange.apply(CounterChange(e))
        }
        #expect(byEvent == byChange && byEvent.revenue == Money(cents: 12_345) && byEvent.refunds == Money(cents: 2_500) && byEvent.converted == 2)
    }

    /// Money stays exact in 64 bits; a count at the 32-bit limit stays there rather than wrapping to zero.
    @Test func moneyIsExactAndACountAtTheLimitStays() {
        var c = Counters()
        c.offered = Int64(UInt32.max)
        c.spend = Money(cents: 9_000_000_000_000)
        var b = BucketCounters(c)
        b.apply(.offer(.bought(.exclusive), price: Money(cents: 1), forBid: false))
        #expect(b.offered == Int64(UInt32.max) && b.bought == 1 && b.counters.spend == Money(cents: 9_000_000_000_001))
        c.returned = -3
        c.converted = Int64(UInt32.max) + 10
        #expect(BucketCounters(c).counters.returned == 0 && BucketCounters(c).counters.converted == Int64(UInt32.max))
    }

    /// What makes a dashboard's counters fit: 61 buckets in each of hundreds of series.
    @Test func aBucketTakesLittleMoreThanHalfTheRoomOfCounters() {
        #expect(MemoryLayout<BucketCounters>.stride <= 96)
        #expect(MemoryLayout<BucketCounters>.stride * 7 <= MemoryLayout<Counters>.stride * 4)
    }

    /// Buckets folded by change read as counters folded one by one.
    @Test func bucketsFoldedByChangeReadAsCounters() {
        var buckets = Buckets(room: 36)
        var model: [Int64: Counters] = [:]
        for (i, change) in Self.changes(3_000, seed: 5).enumerated() {
            let day = Int64(i / 100)
            buckets.apply(change, at: day)
            model[day, default: Counters()].apply(change)
        }
        #expect(BucketsTests.same(buckets, model))
        #expect(buckets.read(7) { $0.offered } == model[7]?.offered && buckets.read(99) { $0.offered } == nil)
    }
}
