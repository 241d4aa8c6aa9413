import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// The lead-index checkpoint's own codec against the plain one (`JSONEncoder`/`JSONDecoder`): the same
/// documents either way, and a deferral (nil) on anything outside its exact shape.
@Suite struct LeadsCheckpointCodecTests {
    static func document() -> LeadsCheckpointDocument {
        var index = LeadIndex()
        let t0 = Timestamp(iso8601: "2026-11-02T15:00:00Z")!
        let ids = ["L1", "quote\"d", "back\\slash", "東京-1", "emoji-😀", "ctl\u{1}\u{1F}", "slash/id", ""]
        for (i, id) in ids.enumerated() {
            let o = Offer(leadID: id, sourceID: "S\(i % 3)", subID: "s/\(i)", vertical: Vertical.allCases[i % Vertical.allCases.count],
                          state: i % 2 == 0 ? "CA" : "", postalCode: "", city: "", saleType: i % 2 == 0 ? .shared : .exclusive,
                          maxSells: 4, price: Money(cents: 1_000 + Int64(i)), receivedAt: t0 + Int64(i * 60),
                          firstName: "", lastName: "", phone: "", email: "")
            index.apply(.offer(OfferEvent(offer: o, decision: .bought(o.saleType), tier: 1)))
        }
        let rejectedOffer = Offer(leadID: "R\u{202E}1", sourceID: "S1", subID: "a", vertical: .solar, state: "TX", postalCode: "",
                                  city: "", saleType: .shared, maxSells: 4, price: .dollars(1), receivedAt: t0 + 999,
                                  firstName: "", lastName: "", phone: "", email: "")
        index.apply(.offer(OfferEvent(offer: rejectedOffer, decision: .rejected(.pacing), tier: 2)))
        for kind in [OutcomeKind.contacted, .converted] {
            index.apply(.outcome(OutcomeEvent(time: t0 + 3600, leadID: "L1", kind: kind, lead: index["L1"]!.lead)))
        }
        var pos = LogPosition.afterHeader
        pos.seq = 12_345
        return LeadsCheckpointDocument(schemaVersion: 1, position: pos, leads: index,
                                       recentConsumers: ["5551234567": t0.seconds, "a@b.example": -5, "q\"\\": 0])
    }

    static func same(_ a: LeadsCheckpointDocument?, _ b: LeadsCheckpointDocument?) -> Bool {
        guard let a, let b else { return false }
        return a.schemaVersion == b.schemaVersion && a.position == b.position && a.leads == b.leads && a.recentConsumers == b.recentConsumers
    }

    @Test func itsOutputReadsBackTheSameByBothDecoders() throws {
        let doc = Self.document()
        let bytes = LeadsCheckpointCodec.encode(doc)
        #expect(Self.same(LeadsCheckpointCodec.decode(bytes), doc))
        #expect(Self.same(try JSONDecoder().decode(LeadsCheckpointDocument.self, from: Data(bytes)), doc))
        #expect(doc.leads.entries.count == 8 && doc.leads.rejection("R\u{202E}1") == .pacing && doc.leads["L1"]?.converted == true)
    }

    @Test func itReadsWhatJSONEncoderWrote() throws {
        let doc = Self.document()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plain = [UInt8](try encoder.encode(doc)) + [10]
        let fast = try #require(LeadsCheckpointCodec.decode(plain), "JSONEncoder's sorted output is in the codec's shape")
        #expect(Self.same(fast, try JSONDecoder().decode(LeadsCheckpointDocument.self, from: Data(plain))))
    }

    @Test func anythingElseIsLeftToJSONDecoder() throws {
        let doc = Self.document()
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.sortedKeys, .prettyPrinted]
        #expect(LeadsCheckpointCodec.decode([UInt8](try pretty.encode(doc))) == nil)
        let good = String(decoding: LeadsCheckpointCodec.encode(doc), as: UTF8.self)
        for broken in [good.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":1,"extra":2"#),
                       good.replacingOccurrences(of: #""prunedThrough":"#, with: #""prunedThrough":0"#),
                       String(good.dropLast(3)),
                       good.replacingOccurrences(of: #""shared","#, with: #""sharedish","#),
                       good.replacingOccurrences(of: #"{"leads""#, with: #" {"leads""#)] {
            #expect(LeadsCheckpointCodec.decode(Array(broken.utf8)) == nil, "\(broken.prefix(60))")
        }
    }

    @Test func aStoreReadsACheckpointWrittenEitherWay() throws {
        let dir = NSTemporaryDirectory() + "leaddeck-codec-\(UUID().uuidString.prefix(8))"
        let store = try Store.open(dir + "/store", seedDirectory: StoreFixture.seed)
        let doc = Self.document()
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted]
        try Data(try pretty.encode(doc)).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(Self.same(try store.readLeadsCheckpoint(), doc))
        try Data(LeadsCheckpointCodec.encode(doc)).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(Self.same(try store.readLeadsCheckpoint(), doc))
    }

    /// Routes and states are numbered by their bytes while reading: many of them (past the table's first size),
    /// and one route written two ways (`a\/b` and `a/b`), still read as `JSONDecoder` reads them.
    @Test func manyRoutesAndStatesAndTwoSpellingsOfOneReadAsJSONDecoderDoes() throws {
        var index = LeadIndex()
        let t0 = Timestamp(iso8601: "2026-11-02T15:00:00Z")!
        let states = ["CA", "TX", "NY", "", "F\"L", "東京"]
        for i in 0..<1_500 {
            let o = Offer(leadID: "L\(i)", sourceID: "S\(i % 17)", subID: "sub/\(i % 331)", vertical: Vertical.allCases[i % Vertical.allCases.count],
                          state: states[i % states.count], postalCode: "", city: "", saleType: i % 3 == 0 ? .exclusive : .shared,
                          maxSells: 4, price: Money(cents: Int64(i) - 700), receivedAt: t0 + Int64(i),
                          firstName: "", lastName: "", phone: "", email: "")
            index.apply(.offer(OfferEvent(offer: o, decision: .bought(o.saleType), tier: 1)))
        }
        let doc = LeadsCheckpointDocument(schemaVersion: 1, position: .afterHeader, leads: index, recentConsumers: [:])
        let bytes = LeadsCheckpointCodec.encode(doc)
        #expect(Self.same(LeadsCheckpointCodec.decode(bytes), doc))
        // JSONEncoder writes "sub\/1"; the codec writes "sub/1". One file with both spellings:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = String(decoding: try encoder.encode(doc), as: UTF8.self)
        let escaped = #""sub\/1","#
        let first = try #require(text.range(of: escaped))
        text.replaceSubrange(first, with: #""sub/1","#)
        #expect(text.contains(escaped) && text.contains(#""sub/1","#))
        let mixed = Array((text + "\n").utf8)
        let fast = try #require(LeadsCheckpointCodec.decode(mixed))
        #expect(Self.same(fast, try JSONDecoder().decode(LeadsCheckpointDocument.self, from: Data(mixed))))
        #expect(Self.same(fast, doc))
    }

    /// The file is read in two halves on two cores, split before the dedupe memory: the same document as one
    /// read, even with a rejected lead and a consumer named like the split's marker; a damaged half sends the
    /// file to `JSONDecoder`, which words the error.
    @Test func readingInTwoHalvesGivesWhatOneReadGives() throws {
        var doc = Self.document()
        var index = doc.leads
        let t0 = Timestamp(iso8601: "2026-11-02T16:00:00Z")!
        let tricky = Offer(leadID: "recentConsumers", sourceID: "S1", subID: "a", vertical: .solar, state: "TX", postalCode: "",
                           city: "", saleType: .shared, maxSells: 4, price: .dollars(1), receivedAt: t0,
                           firstName: "", lastName: "", phone: "", email: "")
        index.apply(.offer(OfferEvent(offer: tricky, decision: .rejected(.price), tier: 2)))
        doc.leads = index
        doc.recentConsumers.remember(#"},"recentConsumers":{"#, at: 3)
        let bytes = LeadsCheckpointCodec.encode(doc)
        let split = try #require(LeadsCheckpointCodec.tailStart(bytes))
        let head = try #require(LeadsCheckpointCodec.decodeHead(bytes, end: split))
        let tail = try #require(LeadsCheckpointCodec.decodeTail(bytes, from: split))
        let halves = LeadsCheckpointDocument(schemaVersion: tail.version, position: head.position, leads: head.index, recentConsumers: tail.consumers)
        #expect(Self.same(halves, doc) && Self.same(LeadsCheckpointCodec.decode(bytes), doc))
        #expect(head.index.rejection("recentConsumers") == .price)
        // The head and the tail a saving engine writes apart make the same file.
        var joined = LeadsCheckpointCodec.encodeHead(doc)
        LeadsCheckpointCodec.encodeTail(doc, into: &joined)
        #expect(joined == bytes)

        let dir = NSTemporaryDirectory() + "leaddeck-codec-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(dir + "/store", seedDirectory: StoreFixture.seed)
        try Data(bytes).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(Self.same(try store.startLeadsCheckpointRead().finish(), doc))
        // Damage in either half: JSONDecoder reads it (a still-valid variant) or words the error.
        let text = String(decoding: bytes, as: UTF8.self)
        let spaced = text.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion": 1"#)
        try Data(spaced.utf8).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(Self.same(try store.startLeadsCheckpointRead().finish(), doc))
        let broken = text.replacingOccurrences(of: #""prunedThrough":"#, with: #""prunedThrough":x"#)
        try Data(broken.utf8).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(throws: StoreError.self) { try store.startLeadsCheckpointRead().finish() }
        try FileManager.default.removeItem(atPath: store.leadsCheckpointPath)
        #expect(throws: StoreError.self) { try store.startLeadsCheckpointRead().finish() }
    }
}
