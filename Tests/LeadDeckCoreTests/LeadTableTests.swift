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
}
