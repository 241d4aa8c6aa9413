import Foundation
@testable import LeadDeckCore
import Testing

/// The lead index's own table against a plain dictionary: the same leads found, replaced, changed and dropped,
/// through many growths, with empty, non-ASCII and look-alike ids.
@Suite struct LeadTableTests {
    static func lead(_ n: Int) -> PackedLead {
        PackedLead(boughtAt: Int64(n), priceCents: Int64(n * 7), route: 0, state: 0, vertical: .solar, mode: n % 2 == 0 ? .shared : .exclusive,
                   contacted: false, converted: false, returned: false)
    }

    static func same(_ table: LeadTable, _ plain: [String: PackedLead]) -> Bool {
        guard table.count == plain.count else { return false }
        for (id, lead) in plain {
            guard let found = table[id], found.boughtAt == lead.boughtAt, found.outcomeFlags == lead.outcomeFlags else { return false }
        }
        var seen = 0
        table.forEach { id, _ in if plain[String(decoding: id, as: UTF8.self)] != nil { seen += 1 } }
        return seen == plain.count
    }

    @Test func itKeepsWhatADictionaryKeeps() {
        var table = LeadTable()
        var plain: [String: PackedLead] = [:]
        let odd = ["", "é", "東京", "a\0b", "L1 ", " L1", "L1"]
        for (n, id) in (odd + (0..<20_000).map { "L\($0)" }).enumerated() {
            table.set(id, Self.lead(n))
            plain[id] = Self.lead(n)
        }
        let sameAfterFilling = Self.same(table, plain)
        #expect(sameAfterFilling)
        // Ids match byte for byte: "é" written as e and a combining accent is another id (a Dictionary of
        // Strings would take it for the same one).
        #expect(table["e\u{301}"] == nil)
        table.set("e\u{301}", Self.lead(-1))
        #expect(table["é"]?.boughtAt == 1 && table["e\u{301}"]?.boughtAt == -1 && table.count == plain.count + 1)
        table.removeAll { $0.boughtAt == -1 }
        #expect(table["L20000"] == nil && table["l1"] == nil)
        // Replacing keeps one lead per id; changing in place touches only that lead.
        for n in stride(from: 0, to: 20_000, by: 3) {
            table.set("L\(n)", Self.lead(-n))
            plain["L\(n)"] = Self.lead(-n)
        }
        table.modify("L5") { $0.bits |= 2 }
        plain["L5"]!.bits |= 2
        table.modify("missing") { $0.bits |= 4 }
        let sameAfterReplacing = Self.same(table, plain)
        #expect(sameAfterReplacing)
        // Dropping keeps the rest, in the order they came, and the table still finds and grows.
        table.removeAll { $0.boughtAt < 10_000 }
        plain = plain.filter { $0.value.boughtAt >= 10_000 }
        let sameAfterDropping = Self.same(table, plain)
        #expect(sameAfterDropping)
        var order: [Int64] = []
        table.forEach { _, lead in order.append(lead.boughtAt) }
        let inOrder = order == order.sorted()
        #expect(inOrder)
        for n in 30_000..<31_000 {
            table.set("N\(n)", Self.lead(n))
            plain["N\(n)"] = Self.lead(n)
        }
        let sameAfterGrowing = Self.same(table, plain)
        #expect(sameAfterGrowing)
    }

    @Test func hashesSpreadAndDifferFromOneByteToTheNext() {
        let ids = (0..<4_096).map { Array("L\($0)".utf8) }
        let hashes = ids.map { id in id.withUnsafeBufferPointer { ByteHash.hash($0) } }
        #expect(Set(hashes).count == ids.count)
        // The low 12 bits (the slots of a table this size) are spread: no slot holds more than a handful.
        var buckets = [Int](repeating: 0, count: 4_096)
        for h in hashes { buckets[Int(h & 4_095)] += 1 }
        #expect(buckets.max()! <= 8)
    }

    @Test func consumerMemoryKeepsWhatADictionaryKeepsAndReadsTheSameJSON() throws {
        var memory = ConsumerMemory()
        var plain: [String: Int64] = [:]
        for n in 0..<5_000 {
            let key = n % 7 == 0 ? "user\(n % 300)@example.com" : "\(5_550_000_000 + n % 2_000)"
            memory.remember(key, at: Int64(n))
            plain[key] = Int64(n)
        }
        memory.remember("東京@example.jp", at: 9_999)
        plain["東京@example.jp"] = 9_999
        #expect(memory.dictionary == plain && memory.count == plain.count)
        #expect(memory["5550000001"] == plain["5550000001"] && memory["nobody"] == nil)
        memory.forget(atOrBefore: 4_000)
        plain = plain.filter { $0.value > 4_000 }
        #expect(memory.dictionary == plain)
        // The JSON form is the dictionary's, both ways.
        let json = try JSONEncoder().encode(memory)
        #expect(try JSONDecoder().decode([String: Int64].self, from: json) == plain)
        #expect(try JSONDecoder().decode(ConsumerMemory.self, from: try JSONEncoder().encode(plain)) == memory)
        let literal: ConsumerMemory = ["a": 1, "b": 2]
        #expect(literal.dictionary == ["a": 1, "b": 2] && literal != ["a": 1, "b": 3] && literal != ["a": 1])
    }

    /// Drops that drop nothing leave the table as it was; dropping everything empties it, and it fills again.
    @Test func droppingNothingOrEverything() {
        var table = LeadTable()
        for n in 0..<3_000 { table.set("L\(n)", Self.lead(n)) }
        table.removeAll { _ in false }
        let plain = Dictionary(uniqueKeysWithValues: (0..<3_000).map { ("L\($0)", Self.lead($0)) })
        let sameAfterNothing = Self.same(table, plain)
        #expect(sameAfterNothing)
        table.removeAll { _ in true }
        #expect(table.count == 0 && table["L1"] == nil)
        table.set("L1", Self.lead(1))
        #expect(table.count == 1 && table["L1"]?.boughtAt == 1)
    }

    static func image(_ table: LeadTable) -> [UInt8] {
        var w = ByteImage.Writer()
        table.appendImage(to: &w)
        return w.bytes
    }

    static func read(_ bytes: [UInt8]) -> LeadTable? {
        bytes.withUnsafeBytes { b -> LeadTable? in
            var r = ByteImage.Reader(b)
            guard let t = LeadTable(image: &r), r.isAtEnd else { return nil }
            return t
        }
    }

    /// A table read back from its image (in another process: another hash basis) finds every key, keeps its
    /// order, and goes on growing, changing and dropping.
    @Test func anImageReadsBackInAnotherProcess() {
        var table = LeadTable(basis: ByteHash.processBasis ^ 0x9e37_79b9_7f4a_7c15)
        var plain: [String: PackedLead] = [:]
        for (n, id) in (["", "é", "東京", "a\0b"] + (0..<6_000).map { "L\($0)" }).enumerated() {
            table.set(id, Self.lead(n))
            plain[id] = Self.lead(n)
        }
        table.removeAll { $0.boughtAt % 5 == 0 }
        plain = plain.filter { $0.value.boughtAt % 5 != 0 }
        guard var back = Self.read(Self.image(table)) else {
            Issue.record("the image did not read back")
            return
        }
        let sameAfterReading = Self.same(back, plain)
        #expect(sameAfterReading)
        var order: [Int64] = [], backOrder: [Int64] = []
        table.forEach { _, l in order.append(l.boughtAt) }
        back.forEach { _, l in backOrder.append(l.boughtAt) }
        #expect(order == backOrder)
        for n in 10_000..<12_000 {
            back.set("N\(n)", Self.lead(n))
            plain["N\(n)"] = Self.lead(n)
        }
        back.modify("L2") { $0.bits |= 4 }
        plain["L2"]!.bits |= 4
        back.removeAll { $0.boughtAt % 7 == 0 }
        plain = plain.filter { $0.value.boughtAt % 7 != 0 }
        let sameAfterChanging = Self.same(back, plain)
        #expect(sameAfterChanging)
        #expect(Self.read(Self.image(LeadTable()))?.count == 0)
    }

    /// An image cut short anywhere, or whose parts do not hold together, is refused (nil), never trusted: key
    /// lengths that do not add up, one key twice, a vertical this build does not have, counts beyond the bytes.
    @Test func aDamagedImageIsRefused() {
        var table = LeadTable()
        for n in 0..<40 { table.set("L\(n)", Self.lead(n)) }
        let good = Self.image(table)
        #expect(Self.read(good) != nil)
        for cut in 0..<good.count where Self.read(Array(good.prefix(cut))) != nil {
            Issue.record("an image cut to \(cut) of \(good.count) bytes was read")
        }
        // Header: rows, key bytes (8 bytes each); then the keys ("L0L1...") and the rows (4 + 26 bytes each).
        let keyCount = good.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        let rowsAt = 16 + keyCount
        func patched(_ body: (inout [UInt8]) -> Void) -> [UInt8] {
            var b = good
            body(&b)
            return b
        }
        let cases: [(String, [UInt8])] = [
            ("key lengths that do not add up", patched { $0[rowsAt] += 1 }),
            ("one key twice", patched { $0[16 + 3] = UInt8(ascii: "0") }),  // "L1" made "L0"
            ("a vertical this build does not have", patched { $0[rowsAt + 4 + 24] = 200 }),
            ("more rows than bytes", patched { $0.withUnsafeMutableBytes { $0.storeBytes(of: UInt64.max, toByteOffset: 0, as: UInt64.self) } }),
        ]
        for (what, bytes) in cases { #expect(Self.read(bytes) == nil, "\(what)") }
        #expect(Self.read(patched { $0[16 + 3] = UInt8(ascii: "Z") }) != nil, "L1 made LZ is another list of keys, still whole")
    }
}

@Suite("BytesTable slots")
struct BytesTableSlotsTests {
    @Test func slotsAreFilledToThreeQuartersAtMost() {
        #expect(BytesTable<Int64>.slotCount(for: 0) == 16 && BytesTable<Int64>.slotCount(for: 12) == 16)
        #expect(BytesTable<Int64>.slotCount(for: 13) == 32)
        #expect(BytesTable<Int64>.slotCount(for: 49_152) == 65_536 && BytesTable<Int64>.slotCount(for: 49_153) == 131_072)
        // Filled one key at a time up to and past each resize, every key is found with its value and no other is.
        var t = BytesTable<Int64>()
        for i in 0..<20_000 {
            t.set("k\(i)", Int64(i))
            if i % 997 == 0 || (i + 1) % 12 == 0 {
                for j in stride(from: 0, through: i, by: max(1, i / 50)) { #expect(t["k\(j)"] == Int64(j)) }
                #expect(t["k\(i + 1)"] == nil && t["x\(i)"] == nil)
            }
        }
        #expect(t.count == 20_000)
        t.removeAll(where: { $0 % 3 != 0 })
        #expect(t.count == 6_667)
        #expect((0..<20_000).allSatisfy { t["k\($0)"] == ($0 % 3 == 0 ? Int64($0) : nil) })
    }
}

@Suite("Recent rejections")
struct RejectionMemoryTests {
    @Test func rejectedIdsAreRememberedForSixHoursAndSurviveTheJSONForm() throws {
        var index = LeadIndex()
        let start = Fixture.monday9am
        for m in 0..<(12 * 60) {
            let o = Fixture.offer(at: start + Int64(m) * 60, id: "R\(m)")
            index.apply(.offer(OfferEvent(offer: o.withoutContact, decision: .rejected(m % 2 == 0 ? .cap : .budget), tier: 1)))
        }
        // The last six hours are all there, with their reasons; older ones go a quarter of that later at the latest.
        for m in (6 * 60)..<(12 * 60) { #expect(index.rejection("R\(m)") == (m % 2 == 0 ? .cap : .budget)) }
        for m in 0..<(4 * 60) { #expect(index.rejection("R\(m)") == nil) }
        #expect(index.rejection("nope") == nil)
        let back = try JSONDecoder().decode(LeadIndex.self, from: JSONEncoder().encode(index))
        #expect(back == index)
        for m in 0..<(12 * 60) { #expect(back.rejection("R\(m)") == index.rejection("R\(m)")) }
        let saved = index.savedParts.rejected
        #expect(saved.count > 6 * 60 && saved["R\(12 * 60 - 1)"]?.0 == .budget)
    }
}
