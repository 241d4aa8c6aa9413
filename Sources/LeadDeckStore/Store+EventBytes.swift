#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeadDeckCore

/// One record's event bytes as stored, handed over in place by `EventChunk.withRecord`: valid only during
/// the call.
public struct EventBytes {
    public var seq: Int64
    /// The event's JSON exactly as stored.
    public var bytes: UnsafeRawBufferPointer
}

extension Store {
    /// Hands every whole record after `position` to `visit`, a chunk at a time, with its event's stored bytes in
    /// place in the read buffer (`EventChunk`, from which `log --json` prints), checked as `forEachFramed`
    /// checks them (framing, checksum, sequence, kind) and with the same errors. Returns the position after the
    /// last record. Damage is an error; an unfinished last line is left alone.
    ///
    /// Chunk by chunk from the end of the last whole record, as `scanLog` goes (damage gets the same message
    /// whatever the chunk size): while `visit` sees one chunk's records, the other core reads and checks the
    /// next chunk into a second buffer. Chunks of a megabyte keep both buffers in the cache (8 MB ones measured
    /// 20% slower). A buffer grows only for a record longer than it.
    @discardableResult
    public func forEachEventChunk(after position: LogPosition, chunk: Int = 1 << 20, piece: Int = 256 << 10,
                                  _ visit: (EventChunk) -> Void) throws(StoreError) -> LogPosition {
        let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if size < position.offset { throw logShorter(size, than: position) }
        let reader = try io { () throws(FileSystemError) in try fs.openReader(logPath) }
        let (path, pieceSize) = (logPath, max(piece, 64))
        var pos = position
        var current = ChunkBuffer(max(chunk, 64))
        var spare: ChunkBuffer?
        var next: OffThread<CheckedChunk>?
        let sums = RecordFramer()
        while pos.offset < size {
            var c: CheckedChunk
            if let n = next { c = n.value() } else { c = Self.checkChunk(reader, path: path, into: current, end: size, piece: pieceSize, from: pos) }
            next = nil
            // A short read means the end of the file (which a writer may just have cut back).
            var last = c.read < c.want || pos.offset + Int64(c.read) >= size || c.failure != nil
            var stuck = !last && c.end.offset == pos.offset
            if !last && !stuck {
                let buffer: ChunkBuffer
                if let s = spare { buffer = s } else { buffer = ChunkBuffer(c.buffer.bytes.count) }
                spare = nil
                next = Self.checkLater(reader, path: path, into: buffer, end: size, piece: pieceSize, from: c.end)
            }
            // The checksums are compared here, while the next chunk is read and framed on the other core.
            let allSum = Self.checkSums(&c, framer: sums, path: path)
            if !allSum {
                // The regular scan took over at a bad checksum: the chunk read ahead started from an end that no
                // longer holds (it is let finish, then dropped).
                _ = next?.value()
                next = nil
                last = c.read < c.want || pos.offset + Int64(c.read) >= size || c.failure != nil
                stuck = !last && c.end.offset == pos.offset
            }
            visit(EventChunk(checked: c))
            switch c.failure {
            case .io(let message): throw StoreError(message)
            case .damage(let message): throw damaged(message)
            case nil: break
            }
            if c.read == 0 { return pos }
            if last { return c.end }
            if stuck {
                c.buffer.grow()
                current = c.buffer
            } else if allSum {
                pos = c.end
                spare = c.buffer
            } else {
                // Nothing was read ahead from where the scan ended: the next chunk is read into this buffer.
                pos = c.end
                current = c.buffer
                spare = nil
            }
        }
        return pos
    }

    /// Compares the checksum of every record `checkChunk` framed. At the first that does not match, the records
    /// from it on are dropped and the regular scan reads the rest of the chunk from its line, as `checkChunk` does
    /// from a line the framer does not accept (so damage gets its usual message); false then.
    static func checkSums(_ c: inout CheckedChunk, framer: RecordFramer, path: String) -> Bool {
        let base = UnsafeRawPointer(c.base)
        for (i, r) in c.records.enumerated() {
            let framed = RecordFramer.Framed(payload: UnsafeRawBufferPointer(start: base + r.start, count: r.count), crc: r.crc,
                                             digits: Int(r.digits))
            if framer.sums(framed) { continue }
            // {"seq":N,"crc":"xxxxxxxx","e": comes before the event: 29 bytes and the digits.
            let lineStart = r.start - 29 - Int(r.digits)
            let pos = LogPosition(offset: c.from.offset + Int64(lineStart), seq: r.seq - 1, line: c.from.line + Int64(i))
            c.records.removeLast(c.records.count - i)
            // It reads to the end of what was read, over any records the framer's own hand-over scanned.
            handOver(&c, from: lineStart, at: pos, path: path)
            return false
        }
        return true
    }

    /// Hands the chunk's bytes from `start` (a line's first byte, at `pos`) to the end of what was read to the
    /// regular scan, which says what is wrong: its records, its end and its verdict replace the chunk's own.
    static func handOver(_ c: inout CheckedChunk, from start: Int, at pos: LogPosition, path: String) {
        let rest = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(c.base) + start, count: c.read - start))
        let s = EventLogCodec.scan(rest, from: pos, path: path, allowPartialTail: true, decode: false)
        c.rest = s.framed
        c.end = s.end
        if let damage = s.damage {
            c.failure = .damage(damage)
        } else if case .damage? = c.failure {
            c.failure = nil
        }
    }

    /// `checkChunk` on a thread of its own.
    static func checkLater(_ reader: any FileReader, path: String, into buffer: ChunkBuffer, end size: Int64, piece: Int,
                           from: LogPosition) -> OffThread<CheckedChunk> {
        OffThread { checkChunk(reader, path: path, into: buffer, end: size, piece: piece, from: from) }
    }

    /// Reads the log from `from` into `buffer` (as much as fits, up to `end`), `piece` bytes at a time, checking each
    /// piece's whole lines while they are still in the cache; the records the framer accepts are noted where
    /// they lie in the buffer. From the first it does not accept, the rest of the chunk is read and the regular
    /// scan takes over, so damage gets its usual message.
    static func checkChunk(_ reader: any FileReader, path: String, into buffer: ChunkBuffer, end size: Int64, piece: Int,
                           from: LogPosition) -> CheckedChunk {
        let want = Int(min(Int64(buffer.bytes.count), size - from.offset))
        var c = CheckedChunk(buffer: buffer, want: want, from: from)
        let bytesBuffer = buffer.bytes
        var more = true
        func read(upTo limit: Int) -> Bool {
            let into = UnsafeMutableRawBufferPointer(rebasing: bytesBuffer[c.read..<limit])
            do throws(FileSystemError) {
                c.read += try reader.read(from: from.offset + Int64(c.read), into: into)
            } catch {
                c.failure = .io(error.description)
                return false
            }
            more = c.read == limit
            return true
        }
        let framer = RecordFramer()
        let base = UnsafeRawPointer(bytesBuffer.baseAddress!)
        var pos = from
        var start = 0
        // How far the line at `start` has been searched for its newline (a line can span pieces), and whether
        // all of it so far is printable ASCII. One pass finds both: the first byte that is not printable ASCII
        // is the newline on a plain line; after any other, `memchr` finds the end. The checksums are left to the
        // core that hands the records over (`checkSums`), which balances the two cores' work (by `perf`, the
        // other way round the printing core was busy 0.16 s of the simulated month's 0.20 s of `log --json`,
        // this one 0.09 s).
        var searched = 0
        var plain = true
        while more && c.read < want {
            guard read(upTo: min(want, c.read + piece)) else { return c }
            let got = c.read
            let readBytes = UnsafeRawBufferPointer(start: base, count: got)
            while start < got {
                var end = firstNonPrintableASCII(in: readBytes, from: searched)
                if end == got { searched = got; break }
                if base.load(fromByteOffset: end, as: UInt8.self) != 10 {
                    plain = false
                    guard let hit = memchr(base + end, 10, got - end) else { searched = got; break }
                    end = base.distance(to: UnsafeRawPointer(hit))
                }
                let seq = pos.seq + 1
                guard let framed = framer.frame(UnsafeRawBufferPointer(start: base + start, count: end - start), seq: seq) else {
                    while more && c.read < want { guard read(upTo: want) else { return c } }
                    handOver(&c, from: start, at: pos, path: path)
                    return c
                }
                // The framing the framer accepts is printable ASCII, so the line is exactly when its event is.
                c.records.append(.init(seq: seq, start: base.distance(to: framed.payload.baseAddress!), count: framed.payload.count,
                                       crc: framed.crc, digits: UInt8(framed.digits), printable: plain))
                pos = LogPosition(offset: pos.offset + Int64(end + 1 - start), seq: seq, line: pos.line + 1)
                c.end = pos
                start = end + 1
                searched = start
                plain = true
            }
        }
        return c
    }
}

/// One chunk of the log's good records as `Store.forEachEventChunk` hands them over, in place in the buffer they
/// were read into: valid only during the call (the buffer is then reused for a later chunk).
public struct EventChunk {
    let checked: CheckedChunk

    /// How many records the chunk holds.
    public var count: Int { checked.records.count + checked.rest.count }

    /// Hands record `i` (from 0, in log order) to `body`.
    public func withRecord<T>(_ i: Int, _ body: (EventBytes) -> T) -> T {
        let records = checked.records
        if i < records.count {
            let r = records[i]
            return body(EventBytes(seq: r.seq, bytes: UnsafeRawBufferPointer(start: checked.base + r.start, count: r.count)))
        }
        let r = checked.rest[i - records.count]
        return r.payload.withUnsafeBytes { body(EventBytes(seq: r.seq, bytes: $0)) }
    }

    /// Hands the chunk's lines as `log --json` prints them (`appendLogJSONLine`: `{"seq":N,"event":EVENT}` and a
    /// newline) to `write`, in order, in as few pieces as it can. A printable ASCII record's line is written over
    /// its own framing in the buffer, moved back against the line before it: the stored framing
    /// (`{"seq":N,"crc":"xxxxxxxx","e":`) starts with the printed one's `{"seq":N` and is 13 bytes longer, so every
    /// line lands at or before where its record was, and a run of such lines is one piece. A line that needs
    /// escaping is built in `spare` (the caller's, reused across chunks), lines in a row together. Each piece is
    /// valid only during its `write`; afterwards the records' bytes are no longer in the buffer (`withRecord`
    /// must come first).
    public func writeLogJSON(spare: inout [UInt8], _ write: (UnsafeRawBufferPointer) -> Void) {
        let base = checked.base
        let size = checked.size
        spare.removeAll(keepingCapacity: true)
        var runStart = -1  // the run gathered in place: runStart..<out
        var out = 0
        func flushBuilt(_ spare: inout [UInt8]) {
            guard !spare.isEmpty else { return }
            spare.withUnsafeBytes { write($0) }
            spare.removeAll(keepingCapacity: true)
        }
        func flushRun() {
            if runStart >= 0, out > runStart { write(UnsafeRawBufferPointer(start: base + runStart, count: out - runStart)) }
            runStart = -1
        }
        Self.eventKey.withUTF8Buffer { key in
            let keyWord = UnsafeRawPointer(key.baseAddress!).loadUnaligned(as: UInt64.self)
            for r in checked.records {
                let digits = Int(r.digits)
                let lineStart = r.start - 29 - digits
                // The stored digits are printed as they are when they are the number's own (no leading zero).
                if r.printable, r.seq >= 0, lineStart >= 0, r.start + r.count + 2 <= size,
                   digits == 1 || base.load(fromByteOffset: lineStart + 7, as: UInt8.self) != 48,
                   base.load(fromByteOffset: r.start + r.count, as: UInt8.self) == 125,
                   base.load(fromByteOffset: r.start + r.count + 1, as: UInt8.self) == 10 {
                    flushBuilt(&spare)
                    if runStart < 0 { runStart = lineStart; out = lineStart }
                    let head = 7 + digits
                    // `{"seq":N` moved with one 16-byte load and store (the event lies 13 bytes further on than the
                    // store's overhang, which the key overwrites), and the key written as two words.
                    if out != lineStart {
                        if head <= 16 {
                            (base + out).storeBytes(of: base.loadUnaligned(fromByteOffset: lineStart, as: SIMD16<UInt8>.self),
                                                    as: SIMD16<UInt8>.self)
                        } else {
                            (base + out).copyMemory(from: base + lineStart, byteCount: head)
                        }
                    }
                    (base + out + head).storeBytes(of: keyWord, as: UInt64.self)
                    (base + out + head + 8).storeBytes(of: key[8], as: UInt8.self)
                    // The event, its closing brace and the newline.
                    (base + out + head + 9).copyMemory(from: base + r.start, byteCount: r.count + 2)
                    out += head + 9 + r.count + 2
                } else {
                    flushRun()
                    appendLogJSONLine(seq: r.seq, event: UnsafeRawBufferPointer(start: base + r.start, count: r.count), to: &spare)
                }
            }
        }
        flushRun()
        for r in checked.rest {
            r.payload.withUnsafeBytes { appendLogJSONLine(seq: r.seq, event: $0, to: &spare) }
        }
        flushBuilt(&spare)
    }

    private static let eventKey: StaticString = ",\"event\":"
}

/// A buffer a chunk of the log is read into, handed from the core that reads and checks it to the one that hands
/// its records over, and back (only one of them uses it at a time).
final class ChunkBuffer: @unchecked Sendable {
    private(set) var bytes: UnsafeMutableRawBufferPointer
    init(_ count: Int) { bytes = .allocate(byteCount: count, alignment: 16) }
    /// Twice the size, for a record longer than the buffer; the contents are not kept.
    func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count * 2, alignment: 16)
        bytes.deallocate()
        bytes = bigger
    }
    deinit { bytes.deallocate() }
}

/// One chunk of the log read and checked (`Store.checkChunk`): where each good record's event lies in the buffer,
/// then the records the regular scan read after the first line the framer did not accept, and what stopped it.
struct CheckedChunk: @unchecked Sendable {  // `base` is `buffer`'s memory, which travels with it
    struct Record: Sendable {
        var seq: Int64
        var start: Int, count: Int
        /// The checksum the line states, compared by `Store.checkSums` on the core that hands the records over,
        /// and the sequence number's digit count (they lie just before the checksum).
        var crc: UInt32
        var digits: UInt8
        /// Whether the event is all printable ASCII (then `log --json` prints it in place).
        var printable: Bool
    }
    enum Failure: Sendable {
        case io(String), damage(String)
    }
    let buffer: ChunkBuffer
    /// The buffer's bytes, read once (the buffer is a class).
    let base: UnsafeMutableRawPointer, size: Int
    /// The bytes asked for and the bytes read.
    let want: Int
    var read = 0
    var records: [Record] = []
    var rest: [FramedRecord] = []
    /// Where the chunk starts (the buffer's first byte), and the position after the last good record.
    let from: LogPosition
    var end: LogPosition
    var failure: Failure?

    init(buffer: ChunkBuffer, want: Int, from: LogPosition) {
        self.buffer = buffer
        base = buffer.bytes.baseAddress!
        size = buffer.bytes.count
        self.want = want
        self.from = from
        self.end = from
    }
}
