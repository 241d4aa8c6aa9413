import LeadDeckCore

/// Reads and writes `checkpoint-leads.bin`: the lead index and the dedupe memory, the engine's largest state
/// (every lead bought in the last 45 days, every consumer of the dedupe window).
///
/// Version 2 keeps their tables as `DiskTable` sections, read in place: a writer's start-up checks the file
/// (its checksum and every record, in chunks) and then looks entries up on disk, holding only what changes after
/// in memory; and saving streams the file out in chunks. So neither start-up nor a dashboard left open all day
/// holds the 6 MB of a month's tables (issue 9). Version 1, written before, held `BytesTable` images read into
/// memory; it is still read (the next save writes version 2).
///
/// Layout, little-endian: the magic `LDLEADS\n`, the version (4 bytes), the CRC-32 of everything after the
/// first 16 bytes (4 bytes). Version 2: the head's length (8 bytes) and the head: the log position (offset, seq,
/// line), the prune marks, the (source, sub-ID) pairs and states the leads refer to by number; then the `DiskTable`
/// records of the leads, of the recently rejected lead ids and of the consumers, and the three tables' trailers. Version 1: the head's parts without its
/// length, then the leads' and the consumers' `BytesTable` images.
/// The file is a cache of what the log holds: when it is missing, damaged or does not fit, the store rebuilds
/// it from the log.
enum LeadsCheckpointImage {
    static let magic: [UInt8] = Array("LDLEADS\n".utf8)
    static let version: UInt32 = 2

    /// The whole image of `doc` (tests, and whoever wants it in memory); nil when its tables' file could not be read.
    static func encode(_ doc: LeadsCheckpointDocument) -> [UInt8]? {
        var out: [UInt8] = []
        guard let patch = write(doc, to: { piece in
            out.append(contentsOf: piece)
            return true
        })?.patch else { return nil }
        out.replaceSubrange(Int(patch.offset)..<Int(patch.offset) + patch.bytes.count, with: patch.bytes)
        return out
    }

    /// The (source, sub-ID) pairs and states the leads refer to by number, as the head holds them (both versions).
    static func writeNames(_ names: (routes: [(source: String, subID: String)], states: [String]), to w: inout ByteImage.Writer) {
        w.u64(UInt64(names.routes.count))
        for r in names.routes {
            w.string(r.source)
            w.string(r.subID)
        }
        w.u64(UInt64(names.states.count))
        for s in names.states { w.string(s) }
    }

    /// What `write` wrote: the checksum's bytes and where they go (the image is written with zeros there), and where
    /// each table is, so the process that saved the file can read it in place at once (`reopen`).
    struct Saved: Sendable {
        var patch: (offset: Int64, bytes: [UInt8])
        var size: Int
        var position: LogPosition
        var routes: [(source: String, subID: String)]
        var states: [String]
        var marks: (prunedThrough: Int64, rejectionsPrunedThrough: Int64)
        var headEnd: Int
        var leads: DiskTable<PackedLead>.Written
        var rejected: DiskTable<LeadIndex.RejectedEntry>.Written
        var consumers: DiskTable<Int64>.Written
    }

    /// Writes the image of `doc` to `emit` in chunks of about 64 KB; returns what it wrote, or nil when the file its
    /// tables are read from could not be read to the end (what was written is not the image). `emit` returns false
    /// when it could not write: the rest is dropped.
    static func write(_ doc: LeadsCheckpointDocument, to emit: @escaping (UnsafeRawBufferPointer) -> Bool) -> Saved? {
        var crc: UInt32 = ~0
        var at = 0
        var stream = ByteImage.Stream { piece in
            // Everything after the first 16 bytes is checked.
            let skip = max(0, min(piece.count, 16 - at))
            crc = CRC32.update(crc, UnsafeRawBufferPointer(rebasing: piece[skip...]))
            at += piece.count
            return emit(piece)
        }
        var head = ByteImage.Writer()
        head.i64(doc.position.offset)
        head.i64(doc.position.seq)
        head.i64(doc.position.line)
        let marks = doc.leads.pruneMarks
        head.i64(marks.prunedThrough)
        head.i64(marks.rejectionsPrunedThrough)
        let names = doc.leads.names
        writeNames(names, to: &head)
        stream.write { w in
            magic.withUnsafeBytes { w.raw($0) }
            w.u32(version)
            w.u32(0)  // the checksum, set last
            w.u64(UInt64(head.bytes.count))
            head.bytes.withUnsafeBytes { w.raw($0) }
        }
        let headEnd = 24 + head.bytes.count
        guard let leads = doc.leads.writeLeads(to: &stream),
              let rejected = doc.leads.writeRejected(to: &stream),
              let consumers = doc.recentConsumers.write(to: &stream) else { return nil }
        stream.write { w in
            leads.trailer.write(to: &w)
            rejected.trailer.write(to: &w)
            consumers.trailer.write(to: &w)
        }
        stream.flush()
        var sum = [UInt8](repeating: 0, count: 4)
        sum.withUnsafeMutableBytes { $0.storeBytes(of: (~crc).littleEndian, as: UInt32.self) }
        return Saved(patch: (12, sum), size: stream.emitted, position: doc.position, routes: names.routes, states: names.states,
                     marks: marks, headEnd: headEnd, leads: leads, rejected: rejected, consumers: consumers)
    }

    /// The document this process just saved (`write`), read in place from `source` without checking its records
    /// again; nil when `source` is not that file (another size or checksum: saved over since).
    static func reopen(_ source: any ByteSource, _ saved: Saved) -> LeadsCheckpointDocument? {
        var first = [UInt8](repeating: 0, count: 16)
        guard source.count == saved.size, first.withUnsafeMutableBytes({ source.read(at: 0, into: $0) }),
              first[12..<16].elementsEqual(saved.patch.bytes) else { return nil }
        let rejectedAt = saved.headEnd + saved.leads.trailer.recordBytes
        let consumersAt = rejectedAt + saved.rejected.trailer.recordBytes
        guard let leads = DiskTable(written: saved.leads, in: source, at: saved.headEnd),
              let rejected = DiskTable(written: saved.rejected, in: source, at: rejectedAt),
              let consumers = DiskTable(written: saved.consumers, in: source, at: consumersAt),
              let index = LeadIndex(routes: saved.routes, states: saved.states, leads: leads, rejected: rejected,
                                    prunedThrough: saved.marks.prunedThrough, rejectionsPrunedThrough: saved.marks.rejectionsPrunedThrough)
        else { return nil }
        return LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: saved.position, leads: index,
                                       recentConsumers: ConsumerMemory(table: consumers))
    }

    /// The document `bytes` hold; an error naming `path` and what is wrong when they are not a whole image.
    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> LeadsCheckpointDocument {
        try open(MemoryBytes(bytes), path: path)
    }

    /// The document `source` holds, its tables read in place from it (version 2) or into memory (version 1); an
    /// error naming `path` and what is wrong when it is not a whole image.
    static func open(_ source: any ByteSource, path: String) throws(StoreError) -> LeadsCheckpointDocument {
        var first = [UInt8](repeating: 0, count: 16)
        guard first.withUnsafeMutableBytes({ source.read(at: 0, into: $0) }), first.prefix(8).elementsEqual(magic) else {
            throw StoreError("\(path): not a LeadDeck lead checkpoint (its first bytes are not \"LDLEADS\")", kind: .damaged)
        }
        let (v, crc) = first.withUnsafeBytes { (UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
                                                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self))) }
        guard v == 1 || v == version else {
            throw StoreError("\(path): version \(v), this leaddeck reads versions 1 and \(version)", kind: .damaged)
        }
        var sum: UInt32 = ~0
        guard source.forEachChunk(from: 16, to: source.count, { piece in
            sum = CRC32.update(sum, piece)
            return true
        }) else { throw StoreError("\(path): could not be read (\(source.count) bytes)", kind: .damaged) }
        guard ~sum == crc else {
            throw StoreError("\(path): checksum does not match (damaged or cut short, \(source.count) bytes)", kind: .damaged)
        }
        var end = 0
        if let doc = v == 1 ? version1(source, end: &end) : version2(source, end: &end), end == source.count { return doc }
        throw StoreError("\(path): contents do not hold together (at byte \(end) of \(source.count))", kind: .damaged)
    }

    private static func version2(_ source: any ByteSource, end: inout Int) -> LeadsCheckpointDocument? {
        // The three tables' trailers are the last bytes; their records follow the head.
        let tail = 3 * DiskTable<Int64>.Trailer.width
        var length: UInt64 = 0
        guard source.count >= 24 + tail, withUnsafeMutableBytes(of: &length, { source.read(at: 16, into: $0) }) else { return nil }
        end = 24
        var trailers = [UInt8](repeating: 0, count: tail)
        guard UInt64(littleEndian: length) <= UInt64(source.count - 24 - tail),
              trailers.withUnsafeMutableBytes({ source.read(at: source.count - tail, into: $0) }) else { return nil }
        typealias Trailers = (DiskTable<PackedLead>.Trailer, DiskTable<LeadIndex.RejectedEntry>.Trailer, DiskTable<Int64>.Trailer)
        let parsed = trailers.withUnsafeBytes { b -> Trailers? in
            var r = ByteImage.Reader(b)
            guard let l = DiskTable<PackedLead>.Trailer(&r), let j = DiskTable<LeadIndex.RejectedEntry>.Trailer(&r),
                  let c = DiskTable<Int64>.Trailer(&r) else { return nil }
            return (l, j, c)
        }
        guard let (leadsTrailer, rejectedTrailer, consumersTrailer) = parsed else {
            end = source.count - tail
            return nil
        }
        var head = [UInt8](repeating: 0, count: Int(UInt64(littleEndian: length)))
        guard head.withUnsafeMutableBytes({ source.read(at: 24, into: $0) }) else { return nil }
        return head.withUnsafeBytes { b -> LeadsCheckpointDocument? in
            var r = ByteImage.Reader(b)
            guard let h = self.head(&r, rejected: false), r.isAtEnd else {
                end = 24 + r.offset
                return nil
            }
            end = 24 + b.count
            let rejectedAt = end + leadsTrailer.recordBytes
            let consumersAt = rejectedAt + rejectedTrailer.recordBytes
            guard consumersAt + consumersTrailer.recordBytes + tail == source.count,
                  let index = LeadIndex(routes: h.routes, states: h.states, in: source, leadsAt: end, leadsTrailer,
                                        rejectedAt: rejectedAt, rejectedTrailer, prunedThrough: h.pruned,
                                        rejectionsPrunedThrough: h.rejectionsPruned) else { return nil }
            end = consumersAt
            guard let consumers = ConsumerMemory(in: source, at: consumersAt, consumersTrailer) else { return nil }
            end = source.count
            return LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: h.position, leads: index,
                                           recentConsumers: consumers)
        }
    }

    private static func version1(_ source: any ByteSource, end: inout Int) -> LeadsCheckpointDocument? {
        var bytes = [UInt8](repeating: 0, count: source.count)
        guard bytes.withUnsafeMutableBytes({ source.read(at: 0, into: $0) }) else { return nil }
        return bytes.withUnsafeBytes { b -> LeadsCheckpointDocument? in
            var r = ByteImage.Reader(b, from: 16)
            defer { end = r.offset }
            guard let h = head(&r, rejected: true),
                  let index = LeadIndex(routes: h.routes, states: h.states, leadsImage: &r, prunedThrough: h.pruned, rejected: h.rejected,
                                        rejectionsPrunedThrough: h.rejectionsPruned),
                  let consumers = ConsumerMemory(image: &r) else { return nil }
            return LeadsCheckpointDocument(schemaVersion: LeadsCheckpointDocument.current, position: h.position, leads: index,
                                           recentConsumers: consumers)
        }
    }

    private struct Head {
        var position: LogPosition
        var pruned: Int64
        var rejectionsPruned: Int64
        var routes: [(source: String, subID: String)]
        var states: [String]
        var rejected: [String: (RejectReason, Int64)]
    }

    /// The head's parts; the rejected lead ids only in version 1's head (`rejected`).
    private static func head(_ r: inout ByteImage.Reader, rejected withRejected: Bool) -> Head? {
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
        var rejected: [String: (RejectReason, Int64)] = [:]
        guard withRejected else {
            return Head(position: LogPosition(offset: offset, seq: seq, line: line), pruned: pruned, rejectionsPruned: rejPruned,
                        routes: routes, states: states, rejected: [:])
        }
        guard let rejectedCount = r.count() else { return nil }
        for _ in 0..<rejectedCount {
            guard let id = r.string(), let reason = r.string().flatMap(RejectReason.init(rawValue:)), let at = r.i64() else { return nil }
            rejected[id] = (reason, at)
        }
        return Head(position: LogPosition(offset: offset, seq: seq, line: line), pruned: pruned, rejectionsPruned: rejPruned,
                    routes: routes, states: states, rejected: rejected)
    }
}
