/// Fixed-width little-endian bytes for the engine's binary images (a `BytesTable`'s, the lead checkpoint's):
/// a writer that appends and a reader that checks every length against what is left.
public enum ByteImage {
    /// Appends numbers, bytes and strings.
    public struct Writer: Sendable {
        public private(set) var bytes: [UInt8] = []

        public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

        public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        public mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        public mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }

        /// A string as its UTF-8 length (4 bytes) and bytes.
        public mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { u in
                u32(UInt32(u.count))
                bytes.append(contentsOf: u)
            }
        }

        /// `count` bytes written in place by `body`, which must write every one of them.
        public mutating func space(_ count: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
            guard count > 0 else { return }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: count))
            bytes.withUnsafeMutableBytes { body($0.baseAddress! + start) }
        }

        /// Overwrites 4 bytes at `offset` (a length or checksum written once the rest is known).
        public mutating func setU32(_ v: UInt32, at offset: Int) {
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt32.self) }
        }
    }

    /// Reads what `Writer` wrote; every read returns nil rather than pass the end.
    public struct Reader {
        public let bytes: UnsafeRawBufferPointer
        public private(set) var offset = 0

        public init(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0) {
            self.bytes = bytes
            self.offset = offset
        }

        public var isAtEnd: Bool { offset == bytes.count }

        public mutating func u32() -> UInt32? { load(UInt32.self).map { UInt32(littleEndian: $0) } }
        public mutating func u64() -> UInt64? { load(UInt64.self).map { UInt64(littleEndian: $0) } }
        public mutating func i64() -> Int64? { load(Int64.self).map { Int64(littleEndian: $0) } }

        /// A count of things that each take at least one byte: at most what is left, so a damaged count cannot
        /// ask for more memory than the image holds.
        public mutating func count() -> Int? {
            guard let n = u64(), n <= UInt64(bytes.count - offset) else { return nil }
            return Int(n)
        }

        /// The next `count` bytes.
        public mutating func raw(_ count: Int) -> UnsafeRawBufferPointer? {
            guard count >= 0, count <= bytes.count - offset else { return nil }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }

        /// A string written by `Writer.string`; nil when cut short or not UTF-8.
        public mutating func string() -> String? {
            guard let n = u32(), let b = raw(Int(n)) else { return nil }
            let u = b.assumingMemoryBound(to: UInt8.self)
            // Plain ASCII (ids, states, reasons: nearly every string) needs no validating; the generic
            // `String(validating:as:)` looked up its metadata at run time on every call.
            if u.allSatisfy({ $0 < 0x80 }) { return String(decoding: u, as: UTF8.self) }
            return String(validating: u, as: UTF8.self)
        }

        private mutating func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard MemoryLayout<T>.size <= bytes.count - offset else { return nil }
            defer { offset += MemoryLayout<T>.size }
            return bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        }
    }
}

extension ByteImage {
    /// A `Writer` that hands its bytes on in chunks of about `chunk` bytes as it goes (`sink`), so an image of
    /// any size is written with one small buffer (the lead checkpoint, saved while the dashboard runs).
    public struct Stream {
        private var writer: Writer
        private let chunk: Int
        private let sink: (UnsafeRawBufferPointer) -> Bool
        /// Bytes handed on so far.
        public private(set) var emitted = 0
        /// Set when `sink` refused bytes: everything after is dropped.
        public private(set) var failed = false

        public init(chunk: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Bool) {
            self.chunk = chunk
            self.sink = sink
            writer = Writer(capacity: chunk + 4096)
        }

        /// Bytes written so far (handed on or waiting).
        public var offset: Int { emitted + writer.bytes.count }

        /// Appends with the writer's methods, then hands on a full chunk.
        public mutating func write(_ body: (inout Writer) -> Void) {
            body(&writer)
            if writer.bytes.count >= chunk { flush() }
        }

        /// Appends bytes as they are, then hands on a full chunk.
        public mutating func append(_ b: UnsafeRawBufferPointer) {
            writer.raw(b)
            if writer.bytes.count >= chunk { flush() }
        }

        /// Hands on what is waiting; false when `sink` refused bytes (now or before).
        @discardableResult
        public mutating func flush() -> Bool {
            guard !writer.bytes.isEmpty else { return !failed }
            if !failed { failed = !writer.bytes.withUnsafeBytes { sink($0) } }
            emitted += writer.bytes.count
            writer.removeAll()
            return !failed
        }
    }
}

extension ByteImage.Writer {
    /// Forgets the bytes written, keeping the buffer (`ByteImage.Stream`).
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}
