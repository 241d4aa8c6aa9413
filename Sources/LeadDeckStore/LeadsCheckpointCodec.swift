import Foundation
import LeadDeckCore

/// Reads and writes `checkpoint-leads.json` by hand. The file is the engine's largest (every lead bought in the
/// last 45 days and every consumer of the dedupe window), and `JSONEncoder`/`JSONDecoder` spent most of a writer's
/// start-up on it and held many times its size in memory while doing so.
///
/// The format is the same JSON as before: `JSONDecoder` reads what this writes, and `decode` reads what
/// `JSONEncoder` (sorted keys, no whitespace) wrote. `decode` is strict: anything outside that shape (spaces,
/// other key orders, unknown fields) returns nil, and the caller falls back to `JSONDecoder`.
enum LeadsCheckpointCodec {
    static func encode(_ doc: LeadsCheckpointDocument) -> [UInt8] {
        var out = encodeHead(doc)
        encodeTail(doc, into: &out)
        return out
    }

    /// The file up to the dedupe memory: the lead index and the position (what `decodeHead` reads).
    /// - Parameter room: bytes to reserve beyond the head's own, for the tail to be appended in place.
    static func encodeHead(_ doc: LeadsCheckpointDocument, room: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(doc.leads.count * 80 + (room ?? doc.recentConsumers.count * 30) + 256)
        let parts = doc.leads.savedParts
        out += Array(#"{"leads":{"entries":{"#.utf8)
        var first = true
        // Each (source, sub-ID) pair, state, vertical and mode is escaped once, into one array; a lead is then its
        // id, copies of those bytes and three numbers.
        var names: [UInt8] = []
        var routes: [Range<Int>] = []
        var states: [Range<Int>] = []
        let verticalsAndModes = Self.verticalsAndModes
        doc.leads.forEachPacked(names: { routeNames, stateNames in
            for r in routeNames {
                let start = names.count
                JSONBytes.string(r.source, &names); names.append(44)
                JSONBytes.string(r.subID, &names); names.append(44)
                routes.append(start..<names.count)
            }
            for s in stateNames {
                let start = names.count
                names.append(44)
                JSONBytes.string(s, &names)
                states.append(start..<names.count)
            }
        }) { id, l in
            if !first { out.append(44) }
            first = false
            JSONBytes.string(bytes: id, &out)
            out.append(58)
            out.append(91)
            names.withUnsafeBufferPointer { n in
                out.append(contentsOf: UnsafeBufferPointer(rebasing: n[routes[Int(l.route)]]))
                let vm = verticalsAndModes[verticalModeSlot(l.vertical, l.mode)]
                vm.withUnsafeBufferPointer { out.append(contentsOf: $0) }
                JSONBytes.int(l.boughtAt, &out); out.append(44)
                JSONBytes.int(l.priceCents, &out); out.append(44)
                JSONBytes.int(l.outcomeFlags, &out)
                if l.state > 0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: n[states[Int(l.state - 1)]])) }
            }
            out.append(93)
        }
        out += Array(#"},"prunedThrough":"#.utf8)
        JSONBytes.int(parts.prunedThrough, &out)
        out += Array(#","rejected":{"#.utf8)
        first = true
        for (id, r) in parts.rejected {
            if !first { out.append(44) }
            first = false
            JSONBytes.string(id, &out)
            out += Array(#":{"at":"#.utf8)
            JSONBytes.int(r.1, &out)
            out += Array(#","reason":"#.utf8)
            JSONBytes.string(r.0.rawValue, &out)
            out.append(125)
        }
        out += Array(#"},"rejectionsPrunedThrough":"#.utf8)
        JSONBytes.int(parts.rejectionsPrunedThrough, &out)
        out += Array(#"},"position":{"line":"#.utf8)
        JSONBytes.int(doc.position.line, &out)
        out += Array(#","offset":"#.utf8)
        JSONBytes.int(doc.position.offset, &out)
        out += Array(#","seq":"#.utf8)
        JSONBytes.int(doc.position.seq, &out)
        out.append(125)
        return out
    }

    /// The dedupe memory and the version, appended to the head (what `decodeTail` reads).
    static func encodeTail(_ doc: LeadsCheckpointDocument, into out: inout [UInt8]) {
        out += Array(#","recentConsumers":{"#.utf8)
        var first = true
        doc.recentConsumers.forEach { key, at in
            if !first { out.append(44) }
            first = false
            JSONBytes.string(bytes: key, &out)
            out.append(58)
            JSONBytes.int(at, &out)
        }
        out += Array(#"},"schemaVersion":"#.utf8)
        JSONBytes.int(Int64(doc.schemaVersion), &out)
        out += [125, 10]
    }

    /// The document, or nil when the bytes are not exactly in the shape `encode` and `JSONEncoder` write.
    static func decode(_ bytes: [UInt8]) -> LeadsCheckpointDocument? {
        bytes.withUnsafeBufferPointer { buf -> LeadsCheckpointDocument? in
            var r = JSONBytes.Reader(buf)
            return decode(&r)
        }
    }

    private static func decode(_ r: inout JSONBytes.Reader) -> LeadsCheckpointDocument? {
        guard let head = decodeHead(&r, expected: r.p.count / 90), let tail = decodeTail(&r, expected: r.p.count / 90) else { return nil }
        return LeadsCheckpointDocument(schemaVersion: tail.version, position: head.position, leads: head.index, recentConsumers: tail.consumers)
    }

    /// What comes before the dedupe memory: the lead index and the position.
    struct Head: Sendable {
        var index: LeadIndex
        var position: LogPosition
    }

    /// The dedupe memory and the version, after the head.
    struct Tail: Sendable {
        var consumers: ConsumerMemory
        var version: Int
    }

    /// Where the tail starts: the last `,"recentConsumers":{` after a `}` (nothing after it can spell that again:
    /// the tail holds only keys and numbers). nil when there is none. Reading the head up to here on one core and
    /// the tail from here on another gives what `decode` gives, or nil from either when the file is not in shape.
    static func tailStart(_ bytes: [UInt8]) -> Int? {
        let marker = Array(#"},"recentConsumers":{"#.utf8)
        guard bytes.count >= marker.count else { return nil }
        return bytes.withUnsafeBufferPointer { b -> Int? in
            var i = b.count - marker.count
            while i >= 0 {
                if b[i] == 125, b[i + 1] == 44, b[i + 2] == 34, b[i + 3] == 114 {
                    var k = 4
                    while k < marker.count, b[i + k] == marker[k] { k += 1 }
                    if k == marker.count { return i + 1 }
                }
                i -= 1
            }
            return nil
        }
    }

    /// The head of `bytes`, which must end exactly at `end` (`tailStart`).
    static func decodeHead(_ bytes: [UInt8], end: Int) -> Head? {
        bytes.withUnsafeBufferPointer { buf -> Head? in
            var r = JSONBytes.Reader(UnsafeBufferPointer(rebasing: buf[..<end]))
            guard let head = decodeHead(&r, expected: buf.count / 90), r.i == end else { return nil }
            return head
        }
    }

    /// The tail of `bytes` from `start` (`tailStart`) to the end.
    static func decodeTail(_ bytes: [UInt8], from start: Int) -> Tail? {
        bytes.withUnsafeBufferPointer { buf -> Tail? in
            var r = JSONBytes.Reader(buf)
            r.i = start
            return decodeTail(&r, expected: buf.count / 90)
        }
    }

    /// - Parameter expected: about 90 bytes of the file per bought lead (its entry and its consumer): room for all
    ///   at once, rather than growing the tables while reading.
    private static func decodeHead(_ r: inout JSONBytes.Reader, expected: Int) -> Head? {
        guard r.literal(#"{"leads":{"entries":"#) else { return nil }
        // The leads go straight into the index's packed form; the saved parts that come after them are set then.
        var entries = EntriesReader(capacity: expected)
        let entriesOK = entries.read(&r)
        var index = entries.index
        guard entriesOK, r.literal(#","prunedThrough":"#), let pruned = r.int64(), r.literal(#","rejected":"#) else { return nil }
        var rejected: [String: (RejectReason, Int64)] = [:]
        let rejectedOK = r.object { id, r in
            guard r.literal(#"{"at":"#), let at = r.int64(), r.literal(#","reason":"#),
                  let reason = r.string().flatMap(RejectReason.init(rawValue:)), r.take(125) else { return false }
            rejected[id] = (reason, at)
            return true
        }
        guard rejectedOK, r.literal(#","rejectionsPrunedThrough":"#), let rejPruned = r.int64(),
              r.literal(#"},"position":{"line":"#), let line = r.int64(), r.literal(#","offset":"#), let offset = r.int64(),
              r.literal(#","seq":"#), let seq = r.int64(), r.take(125) else { return nil }
        index.restoreSavedParts(prunedThrough: pruned, rejected: rejected, rejectionsPrunedThrough: rejPruned)
        return Head(index: index, position: LogPosition(offset: offset, seq: seq, line: line))
    }

    private static func decodeTail(_ r: inout JSONBytes.Reader, expected: Int) -> Tail? {
        guard r.literal(#","recentConsumers":"#) else { return nil }
        var consumers = ConsumerMemory(capacity: expected)
        guard readConsumers(&r, into: &consumers), r.literal(#","schemaVersion":"#), let version = r.int64(),
              r.take(125), r.atEndOrNewline else { return nil }
        return Tail(consumers: consumers, version: Int(version))
    }

    /// `{"<key>":<seconds>,...}`, plain ASCII keys (nearly all) taken as they stand.
    private static func readConsumers(_ r: inout JSONBytes.Reader, into consumers: inout ConsumerMemory) -> Bool {
        guard r.take(123) else { return false }
        if r.take(125) { return true }
        while true {
            if let key = r.plainASCIIString() {
                guard r.take(58), let at = r.int64() else { return false }
                consumers.restore(key, at: at)
            } else {
                guard var key = r.string(), r.take(58), let at = r.int64() else { return false }
                key.withUTF8 { consumers.restore($0, at: at) }
            }
            if r.take(125) { return true }
            guard r.take(44) else { return false }
        }
    }

    /// `"vertical","mode",` for every pair, by `verticalModeSlot`.
    private static let verticalsAndModes: [[UInt8]] = Vertical.allCases.flatMap { v in
        PurchaseMode.allCases.map { m in Array("\"\(v.rawValue)\",\"\(m.rawValue)\",".utf8) }
    }
    private static func verticalModeSlot(_ v: Vertical, _ m: PurchaseMode) -> Int {
        Vertical.allCases.firstIndex(of: v)! * PurchaseMode.allCases.count + PurchaseMode.allCases.firstIndex(of: m)!
    }
}

/// Reads the bought leads (`{"<id>":[source, sub-ID, vertical, mode, at, price, flags, state?],...}`) into a
/// lead index. A lead's (source, sub-ID) pair and state recur across leads: each spelling met is made into
/// strings and numbered once, then found by its bytes.
private struct EntriesReader {
    private(set) var index: LeadIndex
    /// Numbers by the bytes a pair or state is written as (`BytesTable`: `Hasher` cost more than the rest of
    /// reading a lead).
    private var routes = BytesTable<UInt32>()
    private var states = BytesTable<UInt32>()
    private static let verticalNames = Vertical.allCases.map { (Array($0.rawValue.utf8), $0) }
    private static let modeNames = PurchaseMode.allCases.map { (Array($0.rawValue.utf8), $0) }

    init(capacity: Int) { index = LeadIndex(capacity: capacity) }

    /// The whole object; true when it was in the expected shape.
    mutating func read(_ r: inout JSONBytes.Reader) -> Bool {
        guard r.take(123) else { return false }
        if r.take(125) { return true }
        while true {
            // Ids are nearly always plain ASCII, taken as they stand; any other is made a String first.
            if let id = r.plainASCIIString() {
                guard r.take(58), let lead = entry(&r) else { return false }
                index.restore(id, packed: lead)
            } else {
                guard var id = r.string(), r.take(58), let lead = entry(&r) else { return false }
                id.withUTF8 { index.restore($0, packed: lead) }
            }
            if r.take(125) { return true }
            guard r.take(44) else { return false }
        }
    }

    private mutating func entry(_ r: inout JSONBytes.Reader) -> PackedLead? {
        guard r.take(91) else { return nil }
        let routeStart = r.i
        guard r.skipString(), r.take(44), r.skipString() else { return nil }
        let routeBytes = UnsafeBufferPointer(rebasing: r.p[routeStart..<r.i])
        let route: UInt32
        if let n = routes[bytes: routeBytes] {
            route = n
        } else {
            r.i = routeStart
            guard let source = r.string(), r.take(44), let sub = r.string() else { return nil }
            route = index.routeNumber(source: source, subID: sub)
            routes.set(routeBytes, route)
        }
        guard r.take(44), let v = r.name(Self.verticalNames), r.take(44), let mode = r.name(Self.modeNames), r.take(44),
              let at = r.int64(), r.take(44), let price = r.int64(), r.take(44), let flags = r.int64() else { return nil }
        var state: UInt32 = 0
        if r.take(44) {
            let stateStart = r.i
            guard r.skipString() else { return nil }
            let stateBytes = UnsafeBufferPointer(rebasing: r.p[stateStart..<r.i])
            if let n = states[bytes: stateBytes] {
                state = n
            } else {
                r.i = stateStart
                guard let s = r.string() else { return nil }
                state = index.stateNumber(s) + 1
                states.set(stateBytes, state)
            }
        }
        guard r.take(93) else { return nil }
        return PackedLead(boughtAt: at, priceCents: price, route: route, state: state, vertical: v, mode: mode,
                          contacted: flags & 1 != 0, converted: flags & 2 != 0, returned: flags & 4 != 0)
    }
}
