import LeadDeckCore

/// Reads and writes `checkpoint-leads.bin`: the lead index and the dedupe memory, the engine's largest state
/// (every lead bought in the last 45 days, every consumer of the dedupe window), as images of their tables
/// (`BytesTable.appendImage(to:)`). A writer's start-up copies them into memory as they are, with no parsing
/// and no hashing, so it takes about as long at a month of history as at three days.
///
/// Layout, little-endian: the magic `LDLEADS\n`, the version (4 bytes), the CRC-32 of everything after the
/// first 16 bytes (4 bytes); the log position (offset, seq, line); the prune marks; the (source, sub-ID) pairs
/// and states the leads refer to by number; the recently rejected lead ids; the leads' table; the consumers'.
/// The file is a cache of what the log holds: when it is missing, damaged or does not fit, the store rebuilds
/// it from the log.
enum LeadsCheckpointImage {
    static let magic: [UInt8] = Array("LDLEADS\n".utf8)
    static let version: UInt32 = 1

    static func encode(_ doc: LeadsCheckpointDocument) -> [UInt8] {
        var w = ByteImage.Writer(capacity: doc.leads.count * 64 + doc.recentConsumers.count * 48 + 4096)
        magic.withUnsafeBytes { w.raw($0) }
        w.u32(version)
        w.u32(0)  // the checksum, set last
        w.i64(doc.position.offset)
        w.i64(doc.position.seq)
        w.i64(doc.position.line)
        let parts = doc.leads.savedParts
        w.i64(parts.prunedThrough)
        w.i64(parts.rejectionsPrunedThrough)
        let names = doc.leads.names
        w.u64(UInt64(names.routes.count))
        for r in names.routes {
            w.string(r.source)
            w.string(r.subID)
        }
        w.u64(UInt64(names.states.count))
        for s in names.states { w.string(s) }
        w.u64(UInt64(parts.rejected.count))
        for (id, r) in parts.rejected.sorted(by: { $0.key < $1.key }) {
            w.string(id)
            w.string(r.0.rawValue)
            w.i64(r.1)
        }
        doc.leads.appendLeadsImage(to: &w)
        doc.recentConsumers.appendImage(to: &w)
        let crc = w.bytes.withUnsafeBytes { ~CRC32.update(~0, UnsafeRawBufferPointer(rebasing: $0[16...])) }
        w.setU32(crc, at: 12)
        return w.bytes
    }

    /// The document `bytes` hold; an error naming `path` and what is wrong when they are not a whole image.
    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> LeadsCheckpointDocument {
        let result = bytes.withUnsafeBytes { b -> Result<LeadsCheckpointDocument, StoreError> in
            var r = ByteImage.Reader(b)
            guard let m = r.raw(magic.count), m.elementsEqual(magic), let v = r.u32(), let crc = r.u32() else {
                return .failure(StoreError("\(path): not a LeadDeck lead checkpoint (its first bytes are not \"LDLEADS\")", kind: .damaged))
            }
            guard v == version else {
                return .failure(StoreError("\(path): version \(v), this leaddeck reads version \(version)", kind: .damaged))
            }
            guard ~CRC32.update(~0, UnsafeRawBufferPointer(rebasing: b[16...])) == crc else {
                return .failure(StoreError("\(path): checksum does not match (damaged or cut short, \(b.count) bytes)", kind: .damaged))
            }
            if let doc = body(&r), r.isAtEnd { return .success(doc) }
            return .failure(StoreError("\(path): contents do not hold together (at byte \(r.offset) of \(b.count))", kind: .damaged))
        }
        return try result.get()
    }

    private static func body(_ r: inout ByteImage.Reader) -> LeadsCheckpointDocument? {
        guard let offset = r.i64(), let seq = r.i64(), let line = r.i64(), let pruned = r.i64(), let rejPruned = r.i64(),
              let routeCount = r.count() else { return nil }
        var routes: [(source: String, subID: String)] = []
        for _ in 0..<routeCount {
            guard let source = r.string(), let sub = r.string() else { return nil }
            routes.append((source, sub))
        }
        guard let stateCount = r.count() else { return nil }
        var states: [String] = []
        for _ in 0..<stateCount {
            guard let s = r.string() else { return nil }
            states.append(s)
        }
        guard let rejectedCount = r.count() else { return nil }
        var rejected: [String: (RejectReason, Int64)] = [:]
        for _ in 0..<rejectedCount {
            guard let id = r.string(), let reason = r.string().flatMap(RejectReason.init(rawValue:)), let at = r.i64() else { return nil }
            rejected[id] = (reason, at)
        }
        guard let index = LeadIndex(routes: routes, states: states, leadsImage: &r, prunedThrough: pruned, rejected: rejected,
                                    rejectionsPrunedThrough: rejPruned),
              let consumers = ConsumerMemory(image: &r) else { return nil }
        return LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: LogPosition(offset: offset, seq: seq, line: line),
                                       leads: index, recentConsumers: consumers)
    }
}
