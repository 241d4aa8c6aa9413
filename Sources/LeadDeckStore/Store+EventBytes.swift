#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeadDeckCore

/// One record's event bytes as stored, handed over in place by `Store.forEachEventBytes`: valid only during
/// the call.
public struct EventBytes {
    public var seq: Int64
    /// The event's JSON exactly as stored.
    public var bytes: UnsafeRawBufferPointer
    /// Every byte of the record is printable ASCII (0x20-0x7E). False says only that this was not found out.
    public var isPrintableASCII: Bool
}

extension Store {
    /// Hands every whole record after `position` to `visit` with its event's stored bytes, checked as
    /// `forEachFramed` checks them (framing, checksum, sequence, kind) and with the same errors, but read into
    /// a buffer and handed over in place (`log --json`). Returns the position after the last record. Damage
    /// is an error; an unfinished last line is left alone.
    ///
    /// Chunk by chunk from the end of the last whole record, as `scanLog` goes (damage gets the same message
    /// whatever the chunk size): while `visit` sees one chunk's records, the other core reads and checks the next chunk into a
    /// second buffer. Chunks of a megabyte keep both buffers in the cache (8 MB ones measured 20% slower). A
    /// buffer grows only for a record longer than it.
    @discardableResult
    public func forEachEventBytes(after position: LogPosition, chunk: Int = 1 << 20, piece: Int = 256 << 10,
                                  _ visit: (EventBytes) -> Void) throws(StoreError) -> LogPosition {
        let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if size < position.offset { throw logShorter(size, than: position) }
        let (files, path, pieceSize) = (fs, logPath, max(piece, 64))
        var pos = position
        var current = ChunkBuffer(max(chunk, 64))
        var spare: ChunkBuffer?
        var next: OffThread<CheckedChunk>?
        while pos.offset < size {
            let c: CheckedChunk
            if let n = next { c = n.value() } else { c = Self.checkChunk(fs: files, path: path, into: current, end: size, piece: pieceSize, from: pos) }
            next = nil
            // A short read means the end of the file (which a writer may just have cut back).
            let last = c.read < c.want || pos.offset + Int64(c.read) >= size || c.failure != nil
            let stuck = !last && c.end.offset == pos.offset
            if !last && !stuck {
                let buffer: ChunkBuffer
                if let s = spare { buffer = s } else { buffer = ChunkBuffer(c.buffer.bytes.count) }
                spare = nil
                next = Self.checkLater(fs: files, path: path, into: buffer, end: size, piece: pieceSize, from: c.end)
            }
            c.handOver(visit)
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
            } else {
                pos = c.end
                spare = c.buffer
            }
        }
        return pos
    }

    /// `checkChunk` on a thread of its own.
    static func checkLater(fs: FileSystem, path: String, into buffer: ChunkBuffer, end size: Int64, piece: Int,
                           from: LogPosition) -> OffThread<CheckedChunk> {
        OffThread { checkChunk(fs: fs, path: path, into: buffer, end: size, piece: piece, from: from) }
    }

    /// Reads the log from `from` into `buffer` (as much as fits, up to `end`), `piece` bytes at a time, checking each
    /// piece's whole lines while they are still in the cache; the records the framer accepts are noted where
    /// they lie in the buffer. From the first it does not accept, the rest of the chunk is read and the regular
    /// scan takes over, so damage gets its usual message.
    static func checkChunk(fs: FileSystem, path: String, into buffer: ChunkBuffer, end size: Int64, piece: Int,
                           from: LogPosition) -> CheckedChunk {
        let want = Int(min(Int64(buffer.bytes.count), size - from.offset))
        var c = CheckedChunk(buffer: buffer, want: want, end: from)
        let bytesBuffer = buffer.bytes
        var more = true
        func read(upTo limit: Int) -> Bool {
            let into = UnsafeMutableRawBufferPointer(rebasing: bytesBuffer[c.read..<limit])
            do throws(FileSystemError) {
                c.read += try fs.read(path, from: from.offset + Int64(c.read), into: into)
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
        // How far the line at `start` has been searched (a line can span pieces), and whether a byte that is
        // not printable ASCII was seen in it (then only its newline is looked for).
        var searched = 0
        var unprintable = false
        while more && c.read < want {
            guard read(upTo: min(want, c.read + piece)) else { return c }
            let got = c.read
            let bytes = UnsafeRawBufferPointer(rebasing: bytesBuffer[0..<got])
            while start < got {
                // The line's end, and whether it is all printable ASCII, in one pass: a newline is the first
                // byte outside 0x20-0x7E in a plain line.
                var end = got
                if !unprintable {
                    end = firstNonPrintableASCII(in: bytes, from: searched)
                    searched = end
                    if end == got { break }
                    unprintable = bytes[end] != 10
                }
                if unprintable {
                    guard let hit = memchr(base + searched, 10, got - searched) else { searched = got; break }
                    end = base.distance(to: UnsafeRawPointer(hit))
                }
                let seq = pos.seq + 1
                guard let payload = framer.payload(UnsafeRawBufferPointer(start: base + start, count: end - start), seq: seq) else {
                    while more && c.read < want { guard read(upTo: want) else { return c } }
                    let rest = Array(UnsafeRawBufferPointer(rebasing: bytesBuffer[start..<c.read]))
                    let s = EventLogCodec.scan(rest, from: pos, path: path, allowPartialTail: true, decode: false)
                    c.rest = s.framed
                    c.end = s.end
                    if let damage = s.damage { c.failure = .damage(damage) }
                    return c
                }
                c.records.append(.init(seq: seq, start: base.distance(to: payload.baseAddress!), count: payload.count, printable: !unprintable))
                pos = LogPosition(offset: pos.offset + Int64(end + 1 - start), seq: seq, line: pos.line + 1)
                c.end = pos
                start = end + 1
                searched = start
                unprintable = false
            }
        }
        return c
    }
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
struct CheckedChunk: Sendable {
    struct Record: Sendable {
        var seq: Int64
        var start: Int, count: Int
        var printable: Bool
    }
    enum Failure: Sendable {
        case io(String), damage(String)
    }
    let buffer: ChunkBuffer
    /// The bytes asked for and the bytes read.
    let want: Int
    var read = 0
    var records: [Record] = []
    var rest: [FramedRecord] = []
    /// The position after the last good record.
    var end: LogPosition
    var failure: Failure?

    /// Hands each record to `visit`, in order, its event's bytes in place.
    func handOver(_ visit: (EventBytes) -> Void) {
        let base = UnsafeRawPointer(buffer.bytes.baseAddress!)
        for r in records {
            visit(EventBytes(seq: r.seq, bytes: UnsafeRawBufferPointer(start: base + r.start, count: r.count), isPrintableASCII: r.printable))
        }
        for r in rest { r.payload.withUnsafeBytes { visit(EventBytes(seq: r.seq, bytes: $0, isPrintableASCII: false)) } }
    }

    init(buffer: ChunkBuffer, want: Int, end: LogPosition) {
        self.buffer = buffer
        self.want = want
        self.end = end
    }
}
