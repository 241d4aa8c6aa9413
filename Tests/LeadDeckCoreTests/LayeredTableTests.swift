@testable import LeadDeckCore
import Testing

/// The lead tables read in place (`DiskTable`, `LayeredTable`) against a plain dictionary: the same entries found,
/// replaced, changed and dropped, before and after every save-and-read-back, and damaged sections refused.
@Suite struct LayeredTableTests {
    /// `DiskTable` records of `entries` (written in chunks, as the store writes them, after 3 bytes of something
    /// else), the source holding them and their trailer.
    static func section(_ entries: [(String, Int64)], chunk: Int = 1 << 16) -> (source: MemoryBytes, trailer: DiskTable<Int64>.Trailer) {
        var table = LayeredTable<Int64>()
        for (k, v) in entries { table.set(k, v) }
        let (source, written) = section(table, chunk: chunk)
        return (source, written.trailer)
    }

    static func section(_ table: LayeredTable<Int64>, chunk: Int = 1 << 16) -> (source: MemoryBytes, written: DiskTable<Int64>.Written) {
        var out: [UInt8] = Array("pad".utf8)
        var stream = ByteImage.Stream(chunk: chunk) { piece in
            out.append(contentsOf: piece)
            return true
        }
        let written = table.write(to: &stream)!
        stream.flush()
        return (MemoryBytes(out), written)
    }

    static func contents(_ t: LayeredTable<Int64>) -> [String: Int64] {
        var out: [String: Int64] = [:]
        var twice = false
        t.forEach { k, v in
            let key = String(decoding: k, as: UTF8.self)
            if out[key] != nil { twice = true }
            out[key] = v
        }
        return twice ? [:] : out
    }

    @Test func recordsFindEveryKeyAndNoOther() throws {
        let odd = ["", "é", "e\u{301}", "東京", "a\0b", "L1 ", " L1", String(repeating: "x", count: 70_000)]
        let entries = (odd + (0..<5_000).map { "L\($0)" }).enumerated().map { ($1, Int64($0) - 3) }
        let (source, trailer) = Self.section(entries, chunk: 1_000)
        #expect(trailer.rows == entries.count && source.count == 3 + trailer.recordBytes)
        let table = try #require(DiskTable<Int64>.open(source, at: 3, trailer))
        #expect(table.count == entries.count)
        for (k, v) in entries {
            var k = k
            #expect(k.withUTF8 { table[bytes: $0] } == v, "\(k.prefix(10))")
        }
        for missing in ["l1", "L5000", "L1  ", "x", String(repeating: "x", count: 69_999)] {
            var m = missing
            #expect(m.withUTF8 { table[bytes: $0] } == nil)
        }
        // Every entry once, in the order of their hashes.
        // (Keys as bytes: "é" and "e\u{301}" are one String but two ids.)
        var seen: [[UInt8]: Int64] = [:]
        var hashes: [UInt64] = []
        table.forEachRecord { h, k, v in
            seen[Array(k)] = v
            hashes.append(h)
            #expect(h == table.hash(k))
        }
        #expect(seen == Dictionary(uniqueKeysWithValues: entries.map { (Array($0.0.utf8), $0.1) }) && hashes == hashes.sorted())
        // An empty table too.
        let empty = Self.section([])
        #expect(DiskTable<Int64>.open(empty.source, at: 3, empty.trailer)?.count == 0)
    }

    /// Records cut short, a trailer that does not fit them, records out of hash order or that do not add up: refused,
    /// never read past their end.
    @Test func damagedRecordsAreRefused() {
        let (good, trailer) = Self.section((0..<200).map { ("K\($0)", Int64($0)) })
        #expect(DiskTable<Int64>.open(good, at: 3, trailer) != nil)
        for cut in stride(from: 0, to: good.count, by: 11) {
            #expect(DiskTable<Int64>.open(MemoryBytes(Array(good.bytes.prefix(cut))), at: 3, trailer) == nil, "cut to \(cut)")
        }
        var wrong = [trailer, trailer, trailer, trailer, trailer]
        wrong[0].rows += 1
        wrong[1].rows -= 1
        wrong[2].recordBytes -= 1
        wrong[3].recordBytes += 1
        wrong[4].recordBytes = 1 << 40
        for t in wrong { #expect(DiskTable<Int64>.open(good, at: 3, t) == nil, "\(t)") }
        var longKey = good.bytes
        longKey.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(9_999).littleEndian, toByteOffset: 3 + 8, as: UInt32.self) }
        #expect(DiskTable<Int64>.open(MemoryBytes(longKey), at: 3, trailer) == nil)
        var unordered = good.bytes
        unordered.withUnsafeMutableBytes { $0.storeBytes(of: UInt64.max, toByteOffset: 3, as: UInt64.self) }
        #expect(DiskTable<Int64>.open(MemoryBytes(unordered), at: 3, trailer) == nil)
        // A value the reader refuses.
        #expect(DiskTable<Int64>.open(good, at: 3, trailer, accept: { $0 != 150 }) == nil)
    }

    /// Random sets, changes and drops, with the table saved and read back in place every so often (as an engine
    /// with `leadsOnDisk` does after each checkpoint): it always holds what a dictionary holds. A key set again
    /// after a save and then dropped stays gone although the saved copy is newer than the drop.
    @Test func itHoldsWhatADictionaryHoldsThroughSaves() {
        var rng = SeededRandom(seed: 42)
        var table = LayeredTable<Int64>()
        var plain: [String: Int64] = [:]
        var clock: Int64 = 0
        var horizon: Int64 = .min
        for step in 0..<6_000 {
            clock += 1
            let key = "K\(rng.next() % 900)"
            switch rng.next() % 10 {
            case 0...4:
                // Mostly later times; now and then an earlier one (a late file), even one already past the horizon.
                let at = rng.next() % 7 == 0 ? clock - Int64(rng.next() % 400) : clock
                table.set(key, at)
                plain[key] = at
            case 5, 6:
                table.modify(key) { $0 += 1_000_000 }
                plain[key].map { plain[key] = $0 + 1_000_000 }
            case 7:
                horizon = max(horizon, clock - 300 - Int64(rng.next() % 100))
                table.removeAll(timeAtOrBefore: horizon)
                plain = plain.filter { $0.value > horizon }
            default:
                break
            }
            if step % 700 == 699 {
                // Saved as the store saves it: the base's records merged with the changes.
                // Read back checked, or (every other save) from what was written, as the saving process does.
                let (source, written) = Self.section(table, chunk: 4_096)
                let reopened = step % 1_400 == 699 ? DiskTable<Int64>.open(source, at: 3, written.trailer)
                                                   : DiskTable<Int64>(written: written, in: source, at: 3)
                guard let base = reopened else {
                    Issue.record("step \(step): the saved table did not read back")
                    return
                }
                table = LayeredTable(base: base)
            }
            if step % 97 == 0 || step % 700 == 699 {
                #expect(Self.contents(table) == plain, "step \(step)")
                #expect(table.count == plain.count, "step \(step)")
            }
        }
        for n in 0..<900 { #expect(table["K\(n)"] == plain["K\(n)"]) }

        // The case the drop's bookkeeping is for: saved at 1000, set again at 10, dropped through 500.
        let ab = Self.section([("A", 1_000), ("B", 1_000)])
        guard let base = DiskTable<Int64>.open(ab.source, at: 3, ab.trailer) else {
            Issue.record("no base")
            return
        }
        var t = LayeredTable(base: base)
        t.set("A", 10)
        t.removeAll(timeAtOrBefore: 500)
        #expect(t["A"] == nil && t["B"] == 1_000 && Self.contents(t) == ["B": 1_000] && t.count == 1)
        var other = LayeredTable<Int64>()
        other.set("B", 1_000)
        #expect(t.hasSameEntries(as: other) && other.hasSameEntries(as: t))
    }
}
