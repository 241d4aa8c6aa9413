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
        var out: [UInt8] = []
        out.reserveCapacity(doc.leads.count * 80 + doc.recentConsumers.count * 30 + 256)
        let parts = doc.leads.savedParts
        out += Array(#"{"leads":{"entries":{"#.utf8)
        var first = true
        doc.leads.forEachEntry { id, e in
            if !first { out.append(44) }
            first = false
            JSONBytes.string(id, &out)
            out.append(58)
            out.append(91)
            let l = e.lead
            JSONBytes.string(l.sourceID, &out); out.append(44)
            JSONBytes.string(l.subID, &out); out.append(44)
            JSONBytes.string(l.vertical.rawValue, &out); out.append(44)
            JSONBytes.string(l.mode.rawValue, &out); out.append(44)
            JSONBytes.int(l.boughtAt.seconds, &out); out.append(44)
            JSONBytes.int(l.price.cents, &out); out.append(44)
            JSONBytes.int(Int64((e.contacted ? 1 : 0) | (e.converted ? 2 : 0) | (e.returned ? 4 : 0)), &out)
            if let state = l.state { out.append(44); JSONBytes.string(state, &out) }
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
        out += Array(#"},"recentConsumers":{"#.utf8)
        first = true
        for (key, at) in doc.recentConsumers {
            if !first { out.append(44) }
            first = false
            JSONBytes.string(key, &out)
            out.append(58)
            JSONBytes.int(at, &out)
        }
        out += Array(#"},"schemaVersion":"#.utf8)
        JSONBytes.int(Int64(doc.schemaVersion), &out)
        out += [125, 10]
        return out
    }

    /// The document, or nil when the bytes are not exactly in the shape `encode` and `JSONEncoder` write.
    static func decode(_ bytes: [UInt8]) -> LeadsCheckpointDocument? {
        bytes.withUnsafeBufferPointer { buf -> LeadsCheckpointDocument? in
            var r = JSONBytes.Reader(buf)
            return decode(&r)
        }
    }

    private static func decode(_ r: inout JSONBytes.Reader) -> LeadsCheckpointDocument? {
        guard r.literal(#"{"leads":{"entries":"#) else { return nil }
        // About 90 bytes of the file per bought lead (its entry and its consumer): room for all at once, rather
        // than growing the maps (rehashing every key each time) while reading.
        let expected = r.p.count / 90
        // The leads go straight into the index's packed form; the saved parts that come after them are set then.
        var index = LeadIndex(capacity: expected)
        let entriesOK = r.object { id, r in
            guard r.take(91), let source = r.string(), r.take(44), let sub = r.string(), r.take(44),
                  let v = r.string().flatMap(Vertical.init(rawValue:)), r.take(44),
                  let mode = r.string().flatMap(PurchaseMode.init(rawValue:)), r.take(44),
                  let at = r.int64(), r.take(44), let price = r.int64(), r.take(44), let flags = r.int64() else { return false }
            var state: String? = nil
            if r.take(44) { guard let s = r.string() else { return false }; state = s }
            guard r.take(93) else { return false }
            index.restore(id, LeadIndex.Entry(lead: LeadRef(sourceID: source, subID: sub, vertical: v, mode: mode,
                                                            boughtAt: Timestamp(seconds: at), price: Money(cents: price), state: state),
                                              contacted: flags & 1 != 0, converted: flags & 2 != 0, returned: flags & 4 != 0))
            return true
        }
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
              r.literal(#","seq":"#), let seq = r.int64(), r.literal(#"},"recentConsumers":"#) else { return nil }
        var consumers: [String: Int64] = [:]
        consumers.reserveCapacity(expected)
        let consumersOK = r.object { key, r in
            guard let at = r.int64() else { return false }
            consumers[key] = at
            return true
        }
        guard consumersOK, r.literal(#","schemaVersion":"#), let version = r.int64(), r.take(125), r.atEndOrNewline else { return nil }
        index.restoreSavedParts(prunedThrough: pruned, rejected: rejected, rejectionsPrunedThrough: rejPruned)
        return LeadsCheckpointDocument(
            schemaVersion: Int(version), position: LogPosition(offset: offset, seq: seq, line: line),
            leads: index, recentConsumers: consumers)
    }
}
