import Foundation
@testable import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// `checkpoint-leads.bin` against the document it was made from and against the JSON form it replaced: the same
/// document back, every kind of damage refused with a message naming the file, and a store saved before the image
/// read from its JSON once and then moved to the image.
@Suite struct LeadsCheckpointImageTests {
    static func document(leads count: Int = 0) -> LeadsCheckpointDocument {
        var index = LeadIndex()
        let t0 = Timestamp(iso8601: "2026-11-02T15:00:00Z")!
        let ids = ["L1", "quote\"d", "back\\slash", "東京-1", "emoji-😀", "ctl\u{1}\u{1F}", "slash/id", ""] + (0..<count).map { "N\($0)" }
        let states = ["CA", "TX", "", "F\"L", "東京"]
        for (i, id) in ids.enumerated() {
            let o = Offer(leadID: id, sourceID: "S\(i % 17)", subID: "s/\(i % 331)", vertical: Vertical.allCases[i % Vertical.allCases.count],
                          state: states[i % states.count], postalCode: "", city: "", saleType: i % 3 == 0 ? .exclusive : .shared,
                          maxSells: 4, price: Money(cents: 1_000 + Int64(i) - 700), receivedAt: t0 + Int64(i * 60),
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
        var memory: ConsumerMemory = ["5551234567": t0.seconds, "a@b.example": -5, "q\"\\": 0, "東京@example.jp": 7]
        for n in 0..<count { memory.remember("\(5_550_000_000 + n)", at: t0.seconds + Int64(n)) }
        var pos = LogPosition.afterHeader
        pos.seq = 12_345
        return LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: pos, leads: index, recentConsumers: memory)
    }

    static func same(_ a: LeadsCheckpointDocument?, _ b: LeadsCheckpointDocument?) -> Bool {
        guard let a, let b else { return false }
        return a.schemaVersion == b.schemaVersion && a.position == b.position && a.leads == b.leads
            && a.leads.savedParts.prunedThrough == b.leads.savedParts.prunedThrough
            && a.leads.savedParts.rejected.mapValues { $0.0 } == b.leads.savedParts.rejected.mapValues { $0.0 }
            && a.recentConsumers == b.recentConsumers
    }

    @Test func itReadsBackTheDocumentItWasMadeFrom() throws {
        for doc in [Self.document(), Self.document(leads: 3_000)] {
            let bytes = LeadsCheckpointImage.encode(doc)!
            let back = try LeadsCheckpointImage.decode(bytes, path: "x")
            #expect(Self.same(back, doc))
            // The same document as the JSON form says.
            let json = try JSONDecoder().decode(LeadsCheckpointDocument.self, from: JSONEncoder().encode(doc))
            #expect(Self.same(back, json))
            #expect(back.leads.rejection("R\u{202E}1") == .pacing && back.leads["L1"]?.converted == true && back.leads["東京-1"] != nil)
            #expect(back.recentConsumers["東京@example.jp"] == 7)
            // Saving what was read writes the same bytes.
            #expect(LeadsCheckpointImage.encode(back)! == bytes)
        }
    }

    /// Every kind of damage gives an error naming the file and what is wrong, never a document.
    @Test func damageIsRefusedWithAMessageNamingTheFile() {
        let good = LeadsCheckpointImage.encode(Self.document(leads: 50))!
        func message(_ bytes: [UInt8]) -> String? {
            do {
                _ = try LeadsCheckpointImage.decode(bytes, path: "/s/checkpoint-leads.bin")
                return nil
            } catch { return error.description }
        }
        #expect(message(good) == nil)
        for cut in stride(from: 0, to: good.count, by: 7) {
            let m = message(Array(good.prefix(cut)))
            #expect(m?.hasPrefix("/s/checkpoint-leads.bin: ") == true, "cut to \(cut): \(m ?? "read")")
        }
        for at in stride(from: 16, to: good.count, by: 13) {
            var b = good
            b[at] ^= 0x20
            #expect(message(b)?.contains("checksum does not match") == true, "byte \(at) flipped")
        }
        #expect(message(Array("{\"leads\":{}}".utf8))?.contains("not a LeadDeck lead checkpoint") == true)
        var newer = good
        newer[8] = 3
        #expect(message(newer)?.contains("version 3, this leaddeck reads versions 1 and 2") == true)
        // Parts that do not hold together, under a checksum that matches: refused too.
        var inconsistent = good
        inconsistent.append(0)
        inconsistent.withUnsafeMutableBytes { b in
            let crc = ~CRC32.update(~0, UnsafeRawBufferPointer(rebasing: b[16...]))
            b.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
        #expect(message(inconsistent)?.contains("contents do not hold together") == true)
    }

    /// A store saved before the image has `checkpoint-leads.json`: it opens from it without a rebuild, and the
    /// next save replaces it with the image.
    @Test func aStoreSavedAsJSONOpensAndMovesToTheImage() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 4, start: nil)
        try session.advance(to: session.now + 14 * 3600)
        try session.checkpoint()
        let live = session.state.desk
        session.close()
        let saved = try store.readLeadsCheckpoint()
        #expect(saved.leads.count > 0 && saved.leads == live.leads && saved.recentConsumers == live.ledger.recentConsumers)
        try JSONEncoder().encode(saved).write(to: URL(fileURLWithPath: store.legacyLeadsCheckpointPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: store.legacyLeadsCheckpointPath)
        try FileManager.default.removeItem(atPath: store.leadsCheckpointPath)
        #expect(store.check().warnings.isEmpty)
        let loaded = try store.loadState()
        #expect(store.notices.isEmpty, "\(store.notices)")
        #expect(loaded.desk.leads == live.leads && loaded.desk.ledger == live.ledger)

        let resumed = try EngineSession(store: store, seed: 4, start: nil)
        try resumed.advance(to: resumed.now + 3600)
        try resumed.checkpoint()
        let after = resumed.state.desk
        resumed.close()
        #expect(FileManager.default.fileExists(atPath: store.leadsCheckpointPath))
        #expect(!FileManager.default.fileExists(atPath: store.legacyLeadsCheckpointPath))
        #expect(try store.loadState().desk.leads == after.leads)
    }

    /// A damaged image in a store: `check` names it, and a writer rebuilds the same state from the log.
    @Test func aDamagedImageInAStoreIsRebuiltFromTheLog() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 6, start: nil)
        try session.advance(to: session.now + 14 * 3600)
        try session.checkpoint()
        let live = session.state.desk
        session.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.leadsCheckpointPath)))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: store.leadsCheckpointPath))
        #expect(store.check().warnings.contains { $0.contains("checkpoint-leads.bin: checksum does not match") })
        let rebuilt = try store.loadState()
        #expect(store.notices.contains { $0.contains("checkpoint-leads.bin: checksum does not match") && $0.contains("rebuilding") })
        #expect(rebuilt.desk.leads == live.leads && rebuilt.desk.ledger == live.ledger)
    }

    /// A writer's open reads the lead checkpoint on another core from the start; when another writer saved a newer
    /// checkpoint in between, the state is still the newest, read once more rather than rebuilt from the log.
    @Test func theReadStartedAtOpenGivesTheNewestState() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 8, start: nil)
        try session.advance(to: session.now + 12 * 3600)
        try session.checkpoint()
        let first = session.state.desk
        session.close()

        let early = try Store.open(store.directory, seedDirectory: nil, forWriting: true)
        let loaded = try early.loadState()
        #expect(early.notices.isEmpty, "\(early.notices)")
        #expect(loaded.desk.leads == first.leads && loaded.desk.ledger == first.ledger)

        let stale = try Store.open(store.directory, seedDirectory: nil, forWriting: true)
        let other = try EngineSession(store: store, seed: 8, start: nil)
        try other.advance(to: other.now + 6 * 3600)
        try other.checkpoint()
        let newer = other.state.desk
        other.close()
        let reloaded = try stale.loadState()
        #expect(stale.notices.isEmpty, "\(stale.notices)")
        #expect(reloaded.desk.leads == newer.leads && reloaded.desk.ledger == newer.ledger && newer.leads != first.leads)
    }

    /// An engine with `leadsOnDisk` takes its lead index and dedupe memory back from each checkpoint it saves, read
    /// in place, and goes on buying, answering outcomes and deduping exactly as one that holds them in memory: its
    /// tables always equal those rebuilt from the whole log, and the file it saves next reads back the same.
    @Test func anEngineWithItsLeadsOnDiskKeepsTheSameState() throws {
        let store = try StoreFixture.newStore()
        let session = try EngineSession(store: store, seed: 9, start: nil)
        session.leadsOnDisk = true
        for round in 0..<4 {
            try session.advance(to: session.now + 10 * 3600)
            try session.checkpoint()
            let desk = session.state.desk
            #expect(desk.leads.readsInPlace && desk.ledger.recentConsumers.readsInPlace, "round \(round)")
            try session.advance(to: session.now + 3 * 3600)  // changes on top of the file
            let live = session.state.desk
            let rebuilt = try Self.rebuiltFromTheLog(store)
            #expect(live.leads.count > 0 && live.leads == rebuilt.desk.leads, "round \(round)")
            #expect(live.ledger.recentConsumers == rebuilt.desk.ledger.recentConsumers, "round \(round)")
            var outcomes = 0
            live.leads.forEachEntry { id, e in
                if live.leads.problem(with: .contacted, leadID: id) == rebuilt.desk.leads.problem(with: .contacted, leadID: id) { outcomes += 1 }
                _ = e
            }
            #expect(outcomes == live.leads.count)
        }
        session.close()
        let plain = try EngineSession(store: try StoreFixture.newStore(), seed: 9, start: nil)
        #expect(!plain.state.desk.leads.readsInPlace)
        plain.close()
    }

    /// The state of a copy of the store without its checkpoints: every table rebuilt in memory from the log.
    static func rebuiltFromTheLog(_ store: Store) throws -> LoadedState {
        let copy = StoreFixture.tempDir()
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: store.directory, toPath: copy)
        for name in ["checkpoint.json", "checkpoint-leads.bin"] { try? FileManager.default.removeItem(atPath: "\(copy)/\(name)") }
        let state = try Store.open(copy, seedDirectory: nil).loadState()
        #expect(!state.desk.leads.readsInPlace)
        return state
    }

    /// `doc` in version 1's layout, as the previous leaddeck wrote it: the rejected ids in the head, the leads' and
    /// the consumers' `BytesTable` images.
    static func version1(_ doc: LeadsCheckpointDocument) -> [UInt8] {
        var w = ByteImage.Writer()
        LeadsCheckpointImage.magic.withUnsafeBytes { w.raw($0) }
        w.u32(1)
        w.u32(0)
        w.i64(doc.position.offset)
        w.i64(doc.position.seq)
        w.i64(doc.position.line)
        let parts = doc.leads.savedParts
        w.i64(parts.prunedThrough)
        w.i64(parts.rejectionsPrunedThrough)
        let names = doc.leads.names
        LeadsCheckpointImage.writeNames(names, to: &w)
        w.u64(UInt64(parts.rejected.count))
        for (id, r) in parts.rejected.sorted(by: { $0.key < $1.key }) {
            w.string(id)
            w.string(r.0.rawValue)
            w.i64(r.1)
        }
        var leads = LeadTable()
        doc.leads.forEachEntry { id, e in
            let route = names.routes.firstIndex { $0.source == e.lead.sourceID && $0.subID == e.lead.subID }!
            let state = e.lead.state.map { s in UInt32(names.states.firstIndex(of: s)! + 1) } ?? 0
            leads.set(id, PackedLead(boughtAt: e.lead.boughtAt.seconds, priceCents: e.lead.price.cents, route: UInt32(route), state: state,
                                     vertical: e.lead.vertical, mode: e.lead.mode, contacted: e.contacted, converted: e.converted,
                                     returned: e.returned))
        }
        leads.appendImage(to: &w)
        var consumers = BytesTable<Int64>()
        doc.recentConsumers.forEach { key, at in consumers.set(key, at) }
        consumers.appendImage(to: &w)
        var bytes = w.bytes
        let crc = bytes.withUnsafeBytes { ~CRC32.update(~0, UnsafeRawBufferPointer(rebasing: $0[16...])) }
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self) }
        return bytes
    }

    /// A file the previous leaddeck saved (version 1) reads into memory as the same document, and is saved again as
    /// version 2, which reads back the same too.
    @Test func aVersion1FileReadsAndMovesToVersion2() throws {
        for doc in [Self.document(), Self.document(leads: 3_000)] {
            let old = Self.version1(doc)
            let back = try LeadsCheckpointImage.decode(old, path: "x")
            #expect(Self.same(back, doc) && !back.leads.readsInPlace && !back.recentConsumers.readsInPlace)
            #expect(back.leads.rejection("R\u{202E}1") == .pacing && back.leads["L1"]?.converted == true)
            let saved = LeadsCheckpointImage.encode(back)!
            #expect(saved[8] == 2)
            let again = try LeadsCheckpointImage.decode(saved, path: "x")
            #expect(Self.same(again, doc) && again.leads.readsInPlace)
        }
        // Damage in a version 1 file is refused as before.
        var cut = Self.version1(Self.document(leads: 50))
        cut.removeLast(3)
        #expect(throws: StoreError.self) { try LeadsCheckpointImage.decode(cut, path: "x") }
    }

    /// The file a process just saved is read in place at once from what it wrote (no second pass over the records)
    /// and holds the same document; any other file (saved over since) is not taken for it.
    @Test func theFileJustSavedIsReadBackFromWhatWasWritten() throws {
        func save(_ doc: LeadsCheckpointDocument) -> ([UInt8], LeadsCheckpointImage.Saved) {
            var out: [UInt8] = []
            let saved = LeadsCheckpointImage.write(doc) { piece in
                out.append(contentsOf: piece)
                return true
            }!
            out.replaceSubrange(12..<16, with: saved.patch.bytes)
            return (out, saved)
        }
        let (bytes, saved) = save(Self.document(leads: 3_000))
        let back = try #require(LeadsCheckpointImage.reopen(MemoryBytes(bytes), saved))
        #expect(Self.same(back, Self.document(leads: 3_000)) && back.leads.readsInPlace && back.recentConsumers.readsInPlace)
        #expect(Self.same(back, try LeadsCheckpointImage.decode(bytes, path: "x")))
        let (other, _) = save(Self.document(leads: 2_999))
        #expect(LeadsCheckpointImage.reopen(MemoryBytes(other), saved) == nil)
        var flipped = bytes
        flipped[12] ^= 1
        #expect(LeadsCheckpointImage.reopen(MemoryBytes(flipped), saved) == nil)
    }
}

