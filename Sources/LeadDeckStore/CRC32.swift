import CCRC32

/// CRC-32 (IEEE 802.3, as zlib), the checksum on every event-log record. Runs of 64 bytes or more are folded
/// with carry-less multiplication where the CPU has it (x86-64 PCLMULQDQ, about 4x the tables here);
/// the rest, and every other CPU, use slicing-by-8 tables: eight bytes per step.
enum CRC32 {
    static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()
    /// The eight tables one after another, allocated once for the life of the process (never freed).
    nonisolated(unsafe) static let flat: UnsafePointer<UInt32> = {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        for (k, t) in tables.enumerated() { for i in 0..<256 { p[k * 256 + i] = t[i] } }
        return UnsafePointer(p)
    }()
    static let folds = leaddeck_crc32_fold_available() != 0

    /// `paddedStarts[z]` is the register that `z` zero bytes take to ~0, the register at the start. So a message
    /// preceded by `z` zeros, folded from `paddedStarts[z]`, has the message's CRC: that rounds any message up to
    /// the whole 16-byte blocks the fold takes.
    static let paddedStarts: [UInt32] = {
        // One zero byte takes c to T[c & 0xFF] ^ (c >> 8). The top byte of T[x] differs for every x, so the step
        // can be undone: x is the entry whose top byte is the new register's.
        var byTop = [Int](repeating: 0, count: 256)
        for x in 0..<256 { byTop[Int(tables[0][x] >> 24)] = x }
        var starts: [UInt32] = [~0]
        for _ in 1..<16 {
            let next = starts.last!
            let x = byTop[Int(next >> 24)]
            starts.append(((next ^ tables[0][x]) << 8) | UInt32(x))
        }
        return starts
    }()

    /// The CRC of `bytes`, continuing from `start` (the CRC of what came before).
    static func checksum<C: Collection>(_ bytes: C, start: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ update(~start, UnsafeRawBufferPointer($0)) }) { return ~r }
        return ~Array(bytes).withUnsafeBytes { update(~start, $0) }
    }

    /// Continues the running register `crc` (the inverted CRC: ~0 at the start) over `p`.
    static func update(_ crc: UInt32, _ p: UnsafeRawBufferPointer) -> UInt32 {
        update(crc, p, tables: flat, folds: folds)
    }

    /// `update` with the tables and the CPU check passed in, for callers that run it per record.
    @inline(__always)
    static func update(_ crc: UInt32, _ p: UnsafeRawBufferPointer, tables t: UnsafePointer<UInt32>, folds: Bool) -> UInt32 {
        var c = crc
        var i = 0
        let n = p.count
        if folds, n >= 64, let base = p.baseAddress {
            i = n & ~15
            c = leaddeck_crc32_fold(c, base.assumingMemoryBound(to: UInt8.self), i)
        }
        while i + 8 <= n {
            let lo = c ^ UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            let hi = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
            i += 8
        }
        while i < n {
            c = t[Int((c ^ UInt32(p[i])) & 0xFF)] ^ (c >> 8)
            i += 1
        }
        return c
    }
}
