import Foundation
import LeadDeckCore

/// How far a reader or writer has got in the event log: an opaque cursor for everyone outside the store,
/// who can only ask for the sequence number of the last record it covers. Inside the file store it is the
/// byte just after that record and its line number (line 1 is the header).
public struct LogPosition: Sendable, Hashable, Codable {
    var offset: Int64
    /// Sequence number of the last record before this cursor (0 before the first record).
    public internal(set) var seq: Int64
    var line: Int64
    init(offset: Int64, seq: Int64, line: Int64) {
        self.offset = offset
        self.seq = seq
        self.line = line
    }
    /// The cursor before the first record.
    public static let afterHeader = LogPosition(offset: Int64(EventLogCodec.header.count), seq: 0, line: 1)
}

/// One record of the log.
public struct LogRecord: Sendable, Hashable {
    public var seq: Int64
    public var line: Int64
    public var event: Event
}

extension LogRecord {
    /// Hands every record of `records` to `visit` in order, not copied (a copy retains each of an offer's strings,
    /// and both it and the original are destroyed after), then lets the array go on another thread: destroying a
    /// chunk's records is a tenth of folding them, and the folding thread is the one a rebuild waits for.
    static func handOver(_ records: consuming [LogRecord], to visit: (LogRecord) -> Void) {
        records.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for i in p.indices {
                // Moved out and back (a copy of the bytes, no retains): handing `p[i]` itself over copies it.
                let r = (base + i).move()
                visit(r)
                (base + i).initialize(to: consume r)
            }
        }
        let done = consume records
        guard done.count > 256 else { return }
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(done) {} }
    }
}

/// An incomplete or unreadable last record, found at the end of the log (a crash mid-write).
public struct TornTail: Sendable, Hashable {
    public var offset: Int64
    public var line: Int64
    public var length: Int64
    public var reason: String
}

/// What reading the log from a position found.
public struct LogScan: Sendable {
    public var records: [LogRecord] = []
    /// With `decode: false`, the records checked (framing, checksum, sequence) but not decoded.
    public var framed: [FramedRecord] = []
    /// Just after the last good record.
    public var end: LogPosition
    /// An unfinished last record: a line with no newline (a crash mid-write).
    public var torn: TornTail?
    /// Damage: a complete line that is not a good record (wherever it is), or a gap in sequence numbers.
    public var damage: String?
}

/// A record whose framing, checksum and sequence number were checked, with its event's stored bytes
/// (not decoded).
public struct FramedRecord: Sendable {
    public var seq: Int64
    public var line: Int64
    /// The event's JSON exactly as stored.
    public var payload: ArraySlice<UInt8>
}

/// The event log's line format: `{"seq":N,"crc":"xxxxxxxx","e":EVENT}` where the CRC-32 covers the decimal
/// sequence number, a colon, and the exact bytes of EVENT. Line 1 is a header with the schema version.
public enum EventLogCodec {
    public static let schemaVersion = 1
    public static let header = Array("{\"kind\":\"leaddeck-events\",\"schemaVersion\":1}\n".utf8)
    static let prefix = Array("{\"seq\":".utf8)
    static let crcKey = Array(",\"crc\":\"".utf8)
    static let eventKey = Array("\",\"e\":".utf8)
    static let colon: [UInt8] = [58]

    /// The records of a batch whose first event follows `seq`, as appended to the log. A large batch (a
    /// simulated hour is about a thousand events) is encoded in two halves, one on each core.
    static func encode(_ events: [Event], after seq: Int64) -> [UInt8] {
        guard events.count >= 256 else { return encode(events[...], after: seq) }
        let half = events.count / 2
        let later = events[half...]
        let work = OffThread { encode(later, after: seq + Int64(half)) }
        var bytes = encode(events[..<half], after: seq)
        bytes += work.value()
        return bytes
    }

    /// The records of `events`, on this thread.
    private static func encode(_ events: ArraySlice<Event>, after seq: Int64) -> [UInt8] {
        let encoder = EventEncoder()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 440)
        var seq = seq
        for e in events {
            seq += 1
            encode(e, seq: seq, encoder: encoder, into: &bytes)
        }
        return bytes
    }

    /// Appends one record line, newline included, to `out`: written in place, with no array made on the way.
    static func encode(_ event: Event, seq: Int64, encoder: EventEncoder, into out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        let seqStart = out.count
        JSONBytes.int(seq, &out)
        let seqEnd = out.count
        out.append(contentsOf: crcKey)
        let crcAt = out.count
        out.append(contentsOf: crcPlaceholder)
        out.append(contentsOf: eventKey)
        let payloadStart = out.count
        encoder.encode(event, into: &out)
        out.withUnsafeMutableBufferPointer { b in
            let raw = UnsafeRawBufferPointer(b)
            var crc = CRC32.update(~0, UnsafeRawBufferPointer(rebasing: raw[seqStart..<seqEnd]))
            crc = colon.withUnsafeBytes { CRC32.update(crc, $0) }
            crc = ~CRC32.update(crc, UnsafeRawBufferPointer(rebasing: raw[payloadStart...]))
            for i in 0..<8 { b[crcAt + i] = JSONBytes.hex[Int((crc >> UInt32((7 - i) * 4)) & 0xF)] }
        }
        out.append(125)
        out.append(10)
    }

    private static let crcPlaceholder: [UInt8] = Array(repeating: 48, count: 8)

    /// A checksum's eight lower-case hex digits, as a record carries them.
    static func hex8(_ v: UInt32) -> [UInt8] {
        (0..<8).reversed().map { JSONBytes.hex[Int((v >> (UInt32($0) * 4)) & 0xF)] }
    }

    /// Why a line is not a readable record. `intact` means framing and checksum are right but the event
    /// cannot be read (written by a newer leaddeck?): never a torn write, never cut.
    public struct RecordError: Error, Sendable {
        public var description: String
        public var intact: Bool
        init(_ d: String, intact: Bool = false) {
            description = d
            self.intact = intact
        }
    }

    /// Checks one line's framing and checksum without decoding its event: its sequence number and the
    /// event's bytes, or what is wrong.
    static func frame(_ line: ArraySlice<UInt8>) -> Result<(Int64, ArraySlice<UInt8>), RecordError> {
        line.withUnsafeBufferPointer { p in
            frame(p).map { (seq, payload) in (seq, line[(line.startIndex + payload.lowerBound)..<(line.startIndex + payload.upperBound)]) }
        }
    }

    /// `frame(_:)` over the line's bytes in place: the sequence number and where the event's bytes lie in `line`.
    /// Run for every record read, so nothing is made on the way (no slice, no array, no string).
    static func frame(_ line: UnsafeBufferPointer<UInt8>) -> Result<(Int64, Range<Int>), RecordError> {
        let n = line.count
        var i = 0
        func expect(_ s: StaticString) -> Bool {
            let k = s.utf8CodeUnitCount
            guard n - i >= k, JSONBytes.same(line.baseAddress! + i, s.utf8Start, k) else { return false }
            i += k
            return true
        }
        guard expect(#"{"seq":"#) else { return .failure(RecordError("not a record")) }
        let seqStart = i
        var seq: Int64 = 0
        while i < n, line[i] &- 48 < 10 {
            if i - seqStart < 18 { seq = seq * 10 + Int64(line[i] &- 48) }
            i += 1
        }
        guard i > seqStart, i - seqStart <= 18 else { return .failure(RecordError("bad sequence number")) }
        let seqEnd = i
        guard expect(#","crc":""#), n - i >= 8 else { return .failure(RecordError("bad checksum field")) }
        var crc: UInt32 = 0
        for c in UnsafeBufferPointer(rebasing: line[i..<(i + 8)]) {
            switch c {
            case 48...57: crc = crc << 4 | UInt32(c - 48)
            case 97...102: crc = crc << 4 | UInt32(c - 87)
            case 65...70: crc = crc << 4 | UInt32(c - 55)
            default: return .failure(RecordError("bad record framing"))
            }
        }
        i += 8
        guard expect(#"","e":"#), n > i, line[n - 1] == 125 else {
            return .failure(RecordError("bad record framing"))
        }
        let raw = UnsafeRawBufferPointer(line)
        var c = CRC32.update(~0, UnsafeRawBufferPointer(rebasing: raw[seqStart..<seqEnd]))
        c = colon.withUnsafeBytes { CRC32.update(c, $0) }
        guard ~CRC32.update(c, UnsafeRawBufferPointer(rebasing: raw[i..<(n - 1)])) == crc else {
            return .failure(RecordError("checksum mismatch"))
        }
        return .success((seq, i..<(n - 1)))
    }

    static let kindEndings: [[UInt8]] = Event.Kind.allCases.map { Array(",\"type\":\"\($0.rawValue)\"}".utf8) }

    /// Whether the event's bytes end with the "type" of a kind this version reads.
    static func knownKind(_ payload: ArraySlice<UInt8>) -> Bool {
        payload.withUnsafeBufferPointer { knownKind($0) }
    }

    /// `knownKind(_:)` over the event's bytes in place.
    static func knownKind(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        kindEndings.contains { e in p.count > e.count && holds(p, e, at: p.count - e.count) }
    }

    /// Whether `p` holds `s`'s bytes from `offset` on (the caller has checked they fit), compared in place: the
    /// generic `elementsEqual` over slices was a tenth of framing a record.
    private static func holds(_ p: UnsafeBufferPointer<UInt8>, _ s: [UInt8], at offset: Int) -> Bool {
        s.withUnsafeBufferPointer { t in
            for k in 0..<t.count where p[offset + k] != t[k] { return false }
            return true
        }
    }

    /// Parses one line (without its newline) into its sequence number and event, or says what is wrong.
    /// Events exactly as `EventEncoder` writes them are read by `EventDecoder`; anything else by `decoder`.
    public static func parse(_ line: ArraySlice<UInt8>, decoder: JSONDecoder) -> Result<(Int64, Event), RecordError> {
        line.withUnsafeBufferPointer { p in
            switch frame(p) {
            case .success(let (seq, payload)): return decodeEvent(UnsafeBufferPointer(rebasing: p[payload]), decoder: decoder).map { (seq, $0) }
            case .failure(let e): return .failure(e)
            }
        }
    }

    /// The event in a record's checked bytes: by `EventDecoder` when they are exactly as `EventEncoder` writes
    /// them, else by `decoder`.
    private static func decodeEvent(_ payload: UnsafeBufferPointer<UInt8>, decoder: JSONDecoder) -> Result<Event, RecordError> {
        if let event = EventDecoder.decode(payload) { return .success(event) }
        do {
            return .success(try decoder.decode(Event.self, from: Data(buffer: payload)))
        } catch let e as DecodingError {
            return .failure(RecordError("checksum is right but the event is unreadable (written by a newer leaddeck?): \(JSONFile.describe(e))", intact: true))
        } catch {
            return .failure(RecordError("checksum is right but the event is unreadable: \(error)", intact: true))
        }
    }

    /// Reads records from `bytes`, which start at `from.offset` in the file named `path`.
    /// With `allowPartialTail`, a last line without a newline is treated as still being written (not torn).
    /// With `decode: false`, records are checked (framing, checksum, sequence) and returned in `framed`,
    /// their events not decoded. With `figuresOnly`, offers come without what no figure reads
    /// (`EventDecoder.decode(_:strings:figuresOnly:)`): for a fold with `leadState: false` only.
    public static func scan(_ bytes: [UInt8], from: LogPosition, path: String, allowPartialTail: Bool = false,
                            decode: Bool = true, figuresOnly: Bool = false) -> LogScan {
        var result = LogScan(end: from)
        bytes.withUnsafeBufferPointer { b in
            scan(b, of: bytes, from: from, path: path, allowPartialTail: allowPartialTail, decode: decode,
                 figuresOnly: figuresOnly, into: &result)
        }
        return result
    }

    /// `scan(_:from:path:allowPartialTail:decode:)` over the bytes in place (`b` is `bytes`'s storage): each line
    /// is framed and decoded where it lies, and its record made once, in `result`.
    private static func scan(_ b: UnsafeBufferPointer<UInt8>, of bytes: [UInt8], from: LogPosition, path: String,
                             allowPartialTail: Bool, decode: Bool, figuresOnly: Bool, into result: inout LogScan) {
        let decoder = JSONDecoder()
        // A memo pays for its 32 KB over many records (a rebuild's chunks), not over a follower's few.
        let strings = b.count >= 256 << 10 ? ShortStrings() : nil
        let framer = RecordFramer()
        /// The line from `s` up to the next newline (exclusive), or nil when no newline follows.
        func lineEnd(from s: Int) -> Int? {
            guard s < b.count, let base = b.baseAddress, let hit = memchr(base + s, 10, b.count - s) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
        /// Whether the line is a readable record (for telling damage from a torn write).
        func readable(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
            switch frame(line) {
            case .failure: return false
            case .success(let (_, payload)):
                let event = UnsafeBufferPointer(rebasing: line[payload])
                if decode, case .failure = decodeEvent(event, decoder: decoder) { return false }
                return decode || knownKind(event)
            }
        }
        // Records are large (an event each): room for the usual few hundred bytes a record, grown seldom.
        if decode { result.records.reserveCapacity(b.count / 256 + 16) } else { result.framed.reserveCapacity(b.count / 128 + 16) }
        var pos = from
        var s = 0
        while let e = lineEnd(from: s) {
            let lineNumber = pos.line + 1
            let line = UnsafeBufferPointer(rebasing: b[s..<e])
            var failure: RecordError? = nil
            // The next record, framed, checksummed and of a known kind, goes through `RecordFramer` (framing in C,
            // the checksum folded where it lies); anything else through `frame`, which says what is wrong.
            let framed: Result<(Int64, Range<Int>), RecordError>
            var kindKnown = false
            if let p = framer.payload(UnsafeRawBufferPointer(line), seq: pos.seq + 1) {
                let start = UnsafeRawPointer(line.baseAddress!).distance(to: p.baseAddress!)
                framed = .success((pos.seq + 1, start..<(start + p.count)))
                kindKnown = true
            } else {
                framed = frame(line)
            }
            switch framed {
            case .failure(let why):
                failure = why
            case .success(let (seq, payload)):
                if seq != pos.seq + 1 {
                    result.damage = "\(path) line \(lineNumber): sequence jumps from \(pos.seq) to \(seq)"
                    result.end = pos
                    return
                }
                let event = UnsafeBufferPointer(rebasing: line[payload])
                if decode {
                    if let decoded = EventDecoder.decode(event, strings: strings, figuresOnly: figuresOnly) {
                        result.records.append(LogRecord(seq: seq, line: lineNumber, event: decoded))
                    } else {
                        switch decodeEvent(event, decoder: decoder) {
                        case .success(let decoded): result.records.append(LogRecord(seq: seq, line: lineNumber, event: decoded))
                        case .failure(let why): failure = why
                        }
                    }
                } else if kindKnown || knownKind(event) {
                    result.framed.append(FramedRecord(seq: seq, line: lineNumber, payload: bytes[(s + payload.lowerBound)..<(s + payload.upperBound)]))
                } else {
                    // Not decoded, but its kind is checked: every event ends with its "type" (keys are sorted), so an
                    // event a newer leaddeck wrote is found here too, at the cost of a comparison.
                    failure = RecordError("checksum is right but the event is of a kind this version does not know (written by a newer leaddeck?)", intact: true)
                }
                if failure == nil { pos = LogPosition(offset: from.offset + Int64(e + 1), seq: seq, line: lineNumber) }
            }
            if let why = failure {
                // Only an unfinished last line (no newline) can be a torn write. A whole line that fails is
                // damage: it may be a record someone was told is durable, so it is never cut and its sequence
                // number is never reused.
                var laterGood = false
                var ls = e + 1
                while !laterGood, let le = lineEnd(from: ls) {
                    laterGood = readable(UnsafeBufferPointer(rebasing: b[ls..<le]))
                    ls = le + 1
                }
                let at = "\(path) line \(lineNumber) (byte \(from.offset + Int64(s)))"
                if laterGood {
                    result.damage = "\(at): \(why.description); later records follow, so this is damage, not a torn write"
                } else if why.intact {
                    result.damage = "\(at): \(why.description)"
                } else {
                    result.damage = "\(at): \(why.description) in a complete record (it ends with a newline, so it is damage, not a torn write)"
                }
                result.end = pos
                return
            }
            s = e + 1
        }
        if s < b.count, !allowPartialTail {
            result.torn = TornTail(offset: from.offset + Int64(s), line: pos.line + 1,
                                   length: Int64(b.count - s), reason: "incomplete record (no newline)")
        }
        result.end = pos
    }
}
