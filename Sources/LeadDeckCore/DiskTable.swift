/// A table of values by a key of bytes, like `BytesTable`, read in place from a `ByteSource` (the lead checkpoint
/// on disk): a lookup reads one block of about 32 records, so a month's lead index and dedupe memory (tens of
/// thousands of entries, 6 MB in memory) need not be held by a dashboard left open all day (issue 9). Only every
/// 32nd record's hash and offset are held (12 bytes a block).
///
/// The records are in the order of their keys' hashes (`ByteHash` from the table's basis), each: the hash (8 bytes),
/// the key's length (4 bytes), the value (`Value.imageWidth`) and the key's bytes. The table's `Trailer` (basis,
/// row count, the records' byte count) is written after them. Being in hash order, a table is saved again by
/// merging its records with the changes in one pass (`LayeredTable.write(to:)`), without hashing its keys again.
public struct DiskTable<Value: FixedWidthImage>: Sendable {
    /// What a reader needs to find a table's records: written after them.
    public struct Trailer: Sendable, Equatable {
        public var basis: UInt64
        public var rows: Int
        public var recordBytes: Int

        public static var width: Int { 24 }

        public func write(to w: inout ByteImage.Writer) {
            w.u64(basis)
            w.u64(UInt64(rows))
            w.u64(UInt64(recordBytes))
        }

        public init(basis: UInt64, rows: Int, recordBytes: Int) {
            self.basis = basis
            self.rows = rows
            self.recordBytes = recordBytes
        }

        /// Nil when the counts cannot be (more rows than records could hold).
        public init?(_ r: inout ByteImage.Reader) {
            guard let basis = r.u64(), let rows = r.u64(), let bytes = r.u64(), bytes < UInt64(Int.max / 2),
                  rows <= bytes / UInt64(DiskTable.recordHead) else { return nil }
            self.init(basis: basis, rows: Int(rows), recordBytes: Int(bytes))
        }
    }

    private let source: any ByteSource
    /// The keys' hashes' basis.
    public let basis: UInt64
    /// How many entries the table holds.
    public let count: Int
    private let recordsAt: Int
    private let recordBytes: Int
    /// The first hash and the offset (in the records) of every block of `blockRows` records.
    private let blockHashes: [UInt64]
    private let blockOffsets: [UInt32]

    static var blockRows: Int { 32 }
    static var recordHead: Int { 12 + Value.imageWidth }

    /// The table whose records start at `offset` of `source`, as `trailer` says; nil when they do not hold together:
    /// records that run past the others or are out of hash order, a value that cannot be one or that `accept`
    /// refuses. Every record is read once to check it (in chunks).
    public static func open(_ source: any ByteSource, at offset: Int, _ trailer: Trailer,
                            accept: (Value) -> Bool = { _ in true }) -> DiskTable? {
        guard offset >= 0, trailer.recordBytes <= source.count - offset, trailer.recordBytes < Int(UInt32.max) else { return nil }
        var hashes: [UInt64] = [], offsets: [UInt32] = []
        hashes.reserveCapacity(trailer.rows / blockRows + 1)
        offsets.reserveCapacity(trailer.rows / blockRows + 1)
        var last: UInt64 = 0, rows = 0
        var records = Records(source, from: offset, bytes: trailer.recordBytes)
        while let r = records.next() {
            guard r.hash >= last, rows < trailer.rows, accept(r.value) else { return nil }
            if rows % blockRows == 0 {
                hashes.append(r.hash)
                offsets.append(UInt32(r.offset))
            }
            last = r.hash
            rows += 1
        }
        guard !records.failed, rows == trailer.rows else { return nil }
        return DiskTable(source: source, basis: trailer.basis, count: rows, recordsAt: offset, recordBytes: trailer.recordBytes,
                         blockHashes: hashes, blockOffsets: offsets)
    }

    private init(source: any ByteSource, basis: UInt64, count: Int, recordsAt: Int, recordBytes: Int,
                 blockHashes: [UInt64], blockOffsets: [UInt32]) {
        self.source = source
        self.basis = basis
        self.count = count
        self.recordsAt = recordsAt
        self.recordBytes = recordBytes
        self.blockHashes = blockHashes
        self.blockOffsets = blockOffsets
    }

    /// The hash of a key as this table orders it.
    public func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { ByteHash.hash(key, basis: basis) }

    /// The value under a key given as its UTF-8 bytes (nil too when the file cannot be read): one read of the block
    /// that can hold it (about 32 records), nothing decoded but the record that matches.
    public subscript(bytes key: UnsafeBufferPointer<UInt8>) -> Value? {
        guard count > 0 else { return nil }
        let h = hash(key)
        guard h >= blockHashes[0] else { return nil }
        // The last block starting below the hash: records with this hash may begin in it (or in the first block),
        // and run on through the blocks that start with it.
        var lo = 0, hi = blockHashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blockHashes[mid] < h { lo = mid + 1 } else { hi = mid }
        }
        let first = max(0, lo - 1)
        var end = lo
        while end < blockHashes.count, blockHashes[end] == h { end += 1 }
        let from = Int(blockOffsets[first]), to = end < blockOffsets.count ? Int(blockOffsets[end]) : recordBytes
        return withUnsafeTemporaryAllocation(byteCount: to - from, alignment: 8) { b -> Value? in
            guard source.read(at: recordsAt + from, into: b) else { return nil }
            let p = UnsafeRawPointer(b.baseAddress!)
            var i = 0
            while i + Self.recordHead <= b.count {
                let rh = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let length = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self)))
                guard rh <= h, length <= b.count - i - Self.recordHead else { return nil }
                if rh == h, length == key.count, memcmpEqual(p + i + Self.recordHead, key) { return Value(image: p + i + 12) }
                i += Self.recordHead + length
            }
            return nil
        }
    }

    /// Every entry with its key's bytes (valid only during the call), in hash order.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Value) -> Void) { forEachRecord { body($1, $2) } }

    /// Every entry with its key's hash and bytes (valid only during the call), in hash order.
    public func forEachRecord(_ body: (UInt64, UnsafeBufferPointer<UInt8>, Value) -> Void) {
        var records = records()
        while let r = records.next() { body(r.hash, records.key(r), r.value) }
    }

    /// The records, read in order.
    func records() -> Records { Records(source, from: recordsAt, bytes: recordBytes) }

    /// One record as `Records` read it.
    struct Record {
        /// Where it starts, from the first record.
        var offset: Int
        var hash: UInt64
        var value: Value
        /// Where its bytes are in the reader's buffer, and how many (the key's are the last `keyCount`).
        var start: Int
        var count: Int
        var keyCount: Int
    }

    /// Reads records in order, in chunks of about `chunk` bytes, with one buffer. `next()` is nil at the end, and
    /// when a record does not hold together or a read fails (then `failed` is set).
    struct Records {
        private let source: any ByteSource
        private let start: Int, bytes: Int
        private var buffer: [UInt8]
        /// The buffer holds bytes bufferAt..<bufferAt + filled (from `start`).
        private var bufferAt = 0, filled = 0
        private var at = 0
        private(set) var failed = false

        init(_ source: any ByteSource, from start: Int, bytes: Int, chunk: Int = 1 << 16) {
            self.source = source
            self.start = start
            self.bytes = bytes
            buffer = [UInt8](repeating: 0, count: max(1, min(chunk, bytes)))
        }

        /// Makes bytes at..<at + n held; false when they are not there.
        private mutating func hold(_ n: Int) -> Bool {
            if at + n <= bufferAt + filled { return true }
            guard n <= bytes - at else { return false }
            if n > buffer.count { buffer = [UInt8](repeating: 0, count: n) }
            let m = min(buffer.count, bytes - at)
            let (source, from) = (self.source, start + at)
            guard buffer.withUnsafeMutableBytes({ source.read(at: from, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<m])) })
            else { return false }
            (bufferAt, filled) = (at, m)
            return true
        }

        mutating func next() -> Record? {
            guard at < bytes, !failed else { return nil }
            guard hold(recordHead) else {
                failed = true
                return nil
            }
            let i = at - bufferAt
            let length = buffer.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self))) }
            guard hold(recordHead + length) else {
                failed = true
                return nil
            }
            let j = at - bufferAt  // the buffer may have moved
            let read = buffer.withUnsafeBytes { b -> (UInt64, Value)? in
                let p = b.baseAddress! + j
                return Value(image: p + 12).map { (UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)), $0) }
            }
            guard let (hash, value) = read else {
                failed = true
                return nil
            }
            defer { at += recordHead + length }
            return Record(offset: at, hash: hash, value: value, start: j, count: recordHead + length, keyCount: length)
        }

        /// The key's bytes of the record `next()` returned last (valid until the next call).
        func key(_ r: Record) -> UnsafeBufferPointer<UInt8> {
            buffer.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[(r.start + r.count - r.keyCount)..<(r.start + r.count)]) }
        }
    }

    /// Writes records to a stream, which must come in hash order (`LayeredTable.write(to:)`); `finish()` gives the
    /// trailer that goes after them.
    public struct Writer {
        public let basis: UInt64
        private var rows = 0
        private var bytes = 0
        private var blockHashes: [UInt64] = []
        private var blockOffsets: [UInt32] = []

        public init(basis: UInt64) { self.basis = basis }

        /// Counts a record of `size` bytes with this hash, starting where the records written so far end.
        private mutating func count(_ hash: UInt64, size: Int) {
            if rows % blockRows == 0 {
                blockHashes.append(hash)
                blockOffsets.append(UInt32(bytes))
            }
            rows += 1
            bytes += size
        }

        public mutating func add(_ hash: UInt64, _ key: UnsafeBufferPointer<UInt8>, _ value: Value, to stream: inout ByteImage.Stream) {
            let n = DiskTable.recordHead + key.count
            withUnsafeTemporaryAllocation(byteCount: n, alignment: 8) { b in
                let p = b.baseAddress!
                p.storeBytes(of: hash.littleEndian, as: UInt64.self)
                p.storeBytes(of: UInt32(key.count).littleEndian, toByteOffset: 8, as: UInt32.self)
                value.storeImage(to: p + 12)
                if key.count > 0 { (p + DiskTable.recordHead).copyMemory(from: key.baseAddress!, byteCount: key.count) }
                stream.append(UnsafeRawBufferPointer(b))
            }
            count(hash, size: n)
        }

        /// Set when records could not be copied from another table's file.
        private(set) var failed = false

        /// Counts a record another table's reader gave (`Records.next`) that `add(raw:of:to:)` copies as it is, later,
        /// with the records next to it.
        mutating func counted(_ r: Record) { count(r.hash, size: r.count) }

        /// Copies the records at `range` (offsets from the first record) of `table`, as they are, counted already.
        mutating func add(raw range: Range<Int>, of table: DiskTable, to stream: inout ByteImage.Stream) {
            let ok = table.source.forEachChunk(from: table.recordsAt + range.lowerBound, to: table.recordsAt + range.upperBound) { piece in
                stream.append(piece)
                return true
            }
            if !ok { failed = true }
        }

        /// The records written: their trailer, and their block index for `DiskTable(written:in:at:)`.
        public var written: Written { Written(trailer: Trailer(basis: basis, rows: rows, recordBytes: bytes), blockHashes: blockHashes,
                                              blockOffsets: blockOffsets) }
    }

    /// What a `Writer` wrote: the trailer to save after the records, and the block index a reader would build, so
    /// the process that saved the file reads it in place at once (`init(written:in:at:)`).
    public struct Written: Sendable {
        public var trailer: Trailer
        fileprivate var blockHashes: [UInt64]
        fileprivate var blockOffsets: [UInt32]
    }

    /// The table this process just wrote (`Written`), at `offset` of `source`, read in place without reading its
    /// records again; nil when the source is too short to hold them (not the file that was written).
    public init?(written w: Written, in source: any ByteSource, at offset: Int) {
        guard offset >= 0, w.trailer.recordBytes <= source.count - offset else { return nil }
        self.init(source: source, basis: w.trailer.basis, count: w.trailer.rows, recordsAt: offset, recordBytes: w.trailer.recordBytes,
                  blockHashes: w.blockHashes, blockOffsets: w.blockOffsets)
    }
}

/// Whether the `key.count` bytes at `p` are `key`'s.
private func memcmpEqual(_ p: UnsafeRawPointer, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    for k in 0..<key.count where p.load(fromByteOffset: k, as: UInt8.self) != key[k] { return false }
    return true
}

