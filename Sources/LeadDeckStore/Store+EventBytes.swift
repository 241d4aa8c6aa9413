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
    /// one buffer and handed over in place (`log --json`). Returns the position after the last record. Damage
    /// is an error; an unfinished last line is left alone.
    @discardableResult
    public func forEachEventBytes(after position: LogPosition, chunk: Int = 8 << 20, piece: Int = 256 << 10,
                                  _ visit: (EventBytes) -> Void) throws(StoreError) -> LogPosition {
        let size = try io { () throws(FileSystemError) in try fs.size(logPath) }
        if size < position.offset { throw logShorter(size, than: position) }
        // Chunk by chunk from the end of the last whole record, as `scanLog` goes (the same chunks, so the same
        // messages), into one buffer that grows only for a record longer than it.
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunk, 64), alignment: 16)
        defer { buffer.deallocate() }
        var pos = position
        let framer = RecordFramer()
        while pos.offset < size {
            let want = Int(min(Int64(buffer.count), size - pos.offset))
            let (got, end) = try scanChunk(buffer, want: want, piece: max(piece, 64), from: pos, framer: framer, visit)
            // A short read means the end of the file (which a writer may just have cut back).
            if got == 0 { return pos }
            if got < want || pos.offset + Int64(got) >= size { return end }
            if end.offset == pos.offset {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                buffer.deallocate()
                buffer = bigger
            } else {
                pos = end
            }
        }
        return pos
    }

    /// Reads up to `want` bytes of the log from `from` into `buffer`, `piece` bytes at a time, handing over each
    /// piece's whole lines while they are still in the cache. Those the framer accepts go to `visit` in place;
    /// from the first it does not, the rest of the chunk is read and the regular scan takes over, so damage gets
    /// its usual message. Returns how many bytes were read and the position after the last record.
    private func scanChunk(_ buffer: UnsafeMutableRawBufferPointer, want: Int, piece: Int, from: LogPosition, framer: RecordFramer,
                           _ visit: (EventBytes) -> Void) throws(StoreError) -> (read: Int, end: LogPosition) {
        var got = 0
        var more = true
        func read(upTo limit: Int) throws(StoreError) {
            let into = UnsafeMutableRawBufferPointer(rebasing: buffer[got..<limit])
            let n = try io { () throws(FileSystemError) in try fs.read(logPath, from: from.offset + Int64(got), into: into) }
            got += n
            more = got == limit
        }
        let base = UnsafeRawPointer(buffer.baseAddress!)
        var pos = from
        var start = 0
        // How far the line at `start` has been searched (a line can span pieces), and whether a byte that is
        // not printable ASCII was seen in it (then only its newline is looked for).
        var searched = 0
        var unprintable = false
        while more && got < want {
            try read(upTo: min(want, got + piece))
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
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
                let printable = !unprintable
                let seq = pos.seq + 1
                guard let payload = framer.payload(UnsafeRawBufferPointer(start: base + start, count: end - start), seq: seq) else {
                    while more && got < want { try read(upTo: want) }
                    let rest = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<got]))
                    let s = EventLogCodec.scan(rest, from: pos, path: logPath, allowPartialTail: true, decode: false)
                    for r in s.framed { r.payload.withUnsafeBytes { visit(EventBytes(seq: r.seq, bytes: $0, isPrintableASCII: false)) } }
                    if let damage = s.damage { throw damaged(damage) }
                    return (got, s.end)
                }
                visit(EventBytes(seq: seq, bytes: payload, isPrintableASCII: printable))
                pos = LogPosition(offset: pos.offset + Int64(end + 1 - start), seq: seq, line: pos.line + 1)
                start = end + 1
                searched = start
                unprintable = false
            }
        }
        return (got, pos)
    }
}
