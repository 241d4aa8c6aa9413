@testable import LeadDeckCore
import Testing

/// `Buckets` is a dictionary by bucket number kept as two ordered arrays: checked against a plain dictionary
/// under the same random changes.
@Suite struct BucketsTests {
    static func counters(_ n: Int64) -> Counters {
        var c = Counters()
        c.offered = n
        return c
    }

    static func same(_ b: Buckets, _ model: [Int64: Counters]) -> Bool {
        // Equal (and hashed alike) to buckets built afresh, whatever was dropped before.
        var fresh = Buckets()
        for (k, v) in model { fresh[k] = v }
        return b.keys == model.keys.sorted() && b.count == model.count && model.allSatisfy { b[$0.key] == $0.value }
            && Array(b.map(\.key)) == model.keys.sorted() && b == fresh && b.hashValue == fresh.hashValue
    }

    /// A series' days, a day at a time for a year with the 35 newest kept (as `MetricsBook` keeps them): the arrays
    /// hold room for the days kept and one more, not the 64 that doubling reaches; and they read as before.
    @Test func daysKeptForYearsTakeTheRoomOfTheDaysKept() {
        let kept: Int64 = 35
        var days = Buckets(room: Int(kept) + 1)
        var model: [Int64: Counters] = [:]
        var widest = 0
        for day in Int64(0)..<365 {
            days.modify(day) { $0.offered += day }
            model[day, default: Counters()].offered += day
            days.removeAll(before: day - kept + 1)
            model = model.filter { $0.key > day - kept }
            widest = max(widest, days.storageCapacity)
            #expect(days.count == min(Int(day) + 1, Int(kept)))
        }
        #expect(widest < 48, "room for \(widest) days")
        #expect(Self.same(days, model))
        // Set one by one, as a checkpoint's days are read, newest first or oldest first.
        for order in [Array(Int64(0)..<kept), Array((Int64(0)..<kept).reversed())] {
            var read = Buckets(room: Int(kept) + 1)
            for day in order { read[day] = Self.counters(day) }
            #expect(read.storageCapacity < 48 && read.count == Int(kept), "room for \(read.storageCapacity) days")
        }
        // Without a room the arrays double as before.
        var plain = Buckets()
        for day in Int64(0)..<kept { plain.modify(day) { $0.offered = 1 } }
        #expect(plain.storageCapacity >= 64 && plain == { var d = Buckets(room: 36); for day in Int64(0)..<kept { d.modify(day) { $0.offered = 1 } }; return d }())
    }

    @Test func behavesLikeADictionaryInAnyOrder() {
        var rng = SeededRandom(seed: 42)
        var b = Buckets()
        var model: [Int64: Counters] = [:]
        for step in 0..<5_000 {
            let key = Int64.random(in: -20...60, using: &rng)
            switch Int.random(in: 0..<12, using: &rng) {
            case 0..<4:
                b.modify(key) { $0.offered += 1 }
                model[key, default: Counters()].offered += 1
            case 10, 11:
                // As the fold changes them: the newest bucket in place, an older or a newer one found first.
                let change = CounterChange.offer(.bought(.shared), price: Money(cents: Int64(step)), forBid: step % 2 == 0)
                b.apply(change, at: key)
                model[key, default: Counters()].apply(change)
            case 4..<6:
                b[key] = Self.counters(Int64(step))
                model[key] = Self.counters(Int64(step))
            case 6:
                b[key] = nil
                model[key] = nil
            case 7:
                let cut = Int64.random(in: -25...65, using: &rng)
                b.removeAll(before: cut)
                model = model.filter { $0.key >= cut }
            default:
                #expect(b[key] == model[key])
            }
            if step % 50 == 0 { #expect(Self.same(b, model), "step \(step)") }
        }
        #expect(Self.same(b, model))
    }

    @Test func aSlidingWindowKeepsItsLastBucketsAndReusesTheSpace() {
        // Like a series' 5-minute slots: one bucket added and the oldest dropped at every step, so the arrays
        // fill up and the dropped buckets are cleared to make room, hundreds of times.
        var b = Buckets()
        var model: [Int64: Counters] = [:]
        for t in Int64(0)..<1_000 {
            for _ in 0..<(t % 3 + 1) {
                b.modify(t) { $0.offered += 1 }
                model[t, default: Counters()].offered += 1
            }
            b.removeAll(before: t - 23)
            model = model.filter { $0.key >= t - 23 }
            if t % 97 == 0 { #expect(Self.same(b, model), "step \(t)") }
        }
        #expect(b.count == 24 && b.keys.first == 976 && Self.same(b, model))
    }

    @Test func mergeKeepsItsOwnCountersAndAddsTheOthers() {
        var newer = Buckets(), older = Buckets(), overlapping = Buckets()
        for k in Int64(10)...14 { newer[k] = Self.counters(k) }
        for k in Int64(1)...5 { older[k] = Self.counters(100 + k) }
        for k in Int64(8)...12 { overlapping[k] = Self.counters(200 + k) }
        var a = newer
        a.merge(older)  // all before: one move
        #expect(a.keys == [1, 2, 3, 4, 5, 10, 11, 12, 13, 14] && a[3] == Self.counters(103) && a[12] == Self.counters(12))
        var b = newer
        b.merge(overlapping)
        #expect(b.keys == [8, 9, 10, 11, 12, 13, 14] && b[9] == Self.counters(209) && b[10] == Self.counters(10))
        var c = Buckets()
        c.merge(older)
        #expect(c == older)
    }
}
