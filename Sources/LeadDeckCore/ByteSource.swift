/// Bytes read in place, at any offset: a file opened for reading (the store's lead checkpoint, so the lead index
/// and the dedupe memory stay on disk rather than in memory) or bytes held in memory (tests, an image just made).
/// What it holds does not change while it is open (files are replaced whole, never written in place).
public protocol ByteSource: AnyObject, Sendable {
    /// How many bytes there are.
    var count: Int { get }
    /// Copies the `buffer.count` bytes at `offset` into `buffer`; false when they are not all there or the read fails.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

/// A `ByteSource` over bytes in memory.
public final class MemoryBytes: ByteSource {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard offset >= 0, buffer.count <= bytes.count - offset else { return false }
        guard buffer.count > 0 else { return true }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + buffer.count])) }
        return true
    }
}

extension ByteSource {
    /// Goes through the bytes from `start` to `end` in chunks of at most `chunk` with one buffer; false when a
    /// read fails or `body` returns false.
    public func forEachChunk(from start: Int, to end: Int, chunk: Int = 1 << 16,
                             _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard start >= 0, start <= end, end <= count else { return false }
        return withUnsafeTemporaryAllocation(byteCount: max(1, min(chunk, end - start)), alignment: 8) { buf in
            var at = start
            while at < end {
                let n = min(buf.count, end - at)
                let piece = UnsafeMutableRawBufferPointer(rebasing: buf[..<n])
                guard read(at: at, into: piece), body(UnsafeRawBufferPointer(piece)) else { return false }
                at += n
            }
            return true
        }
    }
}
