#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCRC32
import LeadDeckCore

/// `EventLogCodec.frame` plus the sequence and kind checks of a scan without decoding, on a line in place
/// (no slices, arrays or strings per record). It accepts a line only when all of them would; anything else
/// goes to the regular scan, which says what is wrong. One per scan.
final class RecordFramer {
    private let crcTables = CRC32.flat
    private let folds = CRC32.folds
    private let paddedStarts = CRC32.paddedStarts
    /// The first 64 bytes a checksum folds: zeros, the sequence number's digits, a colon, the event's first bytes.
    private let first = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 16)

    deinit { first.deallocate() }
    /// Each known kind's ending (`,"type":"offer"}`) and its last eight bytes as a word, compared first.
    private let kindEndings: [(tail: UInt64, bytes: [UInt8])] = EventLogCodec.kindEndings.map { e in
        (e.suffix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }, e)
    }
    private static func word(_ s: [UInt8]) -> UInt64 { (s + [UInt8](repeating: 0, count: 8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
    // {"seq":  ,"crc":"  ","e":  (7, 8 and 6 bytes), as words; the first and last are compared under a mask.
    private let prefix = word(EventLogCodec.prefix)
    private let crcKey = word(EventLogCodec.crcKey)
    private let eventKey = word(EventLogCodec.eventKey)
    /// Hex digit values, 16 for a byte that is not one (both cases, as `EventLogCodec.frame` reads them).
    private let hexValues: [UInt8] = (0..<256).map { c in
        switch c {
        case 48...57: UInt8(c - 48)
        case 97...102: UInt8(c - 87)
        case 65...70: UInt8(c - 55)
        default: 16
        }
    }
    /// The event's stored bytes of `line` (without its newline) when it is a good record with sequence number
    /// `seq` and an event of a known kind; nil otherwise.
    func payload(_ line: UnsafeRawBufferPointer, seq expected: Int64) -> UnsafeRawBufferPointer? {
        guard let f = frame(line, seq: expected), sums(f) else { return nil }
        return f.payload
    }

    /// A line framed as a good record would be, its checksum not yet compared (`sums`): the event's bytes, the
    /// checksum the line states, and how many digits its sequence number has.
    struct Framed {
        var payload: UnsafeRawBufferPointer
        var crc: UInt32
        var digits: Int
        /// The sequence number's digits, as stored: they lie 22 bytes before the event (`,"crc":"xxxxxxxx","e":`).
        var digitBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: payload.baseAddress! - 22 - digits, count: digits) }
    }

    /// Whether a framed line's checksum is the CRC-32 of its sequence number's digits, a colon and its event.
    func sums(_ f: Framed) -> Bool {
        checksum(digits: f.digitBytes, f.payload) == f.crc
    }

    /// `payload(_:seq:)` without the checksum: every other check of a good record.
    func frame(_ line: UnsafeRawBufferPointer, seq expected: Int64) -> Framed? {
        // {"seq":N,"crc":"xxxxxxxx","e":EVENT}, N of 1 to 18 digits, EVENT at least 9 bytes (a kind's ending).
        let n = line.count
        guard n >= 7 + 1 + 8 + 8 + 6 + 9 + 1, let base = line.baseAddress,
              line.loadUnaligned(as: UInt64.self) & 0x00FF_FFFF_FFFF_FFFF == prefix else { return nil }
        var i = 7
        var seq: Int64 = 0
        while i < n, case let c = line[i], c >= 48, c <= 57 {
            if i - 7 < 18 { seq = seq &* 10 &+ Int64(c &- 48) }
            i += 1
        }
        let digits = i - 7
        guard digits > 0, digits <= 18, seq == expected, n - i >= 8 + 8 + 6 + 9 + 1,
              line.loadUnaligned(fromByteOffset: i, as: UInt64.self) == crcKey else { return nil }
        i += 8
        var crc: UInt32 = 0
        var bad: UInt8 = 0
        hexValues.withUnsafeBufferPointer { hex in
            for k in i..<(i + 8) {
                let v = hex[Int(line[k])]
                bad |= v
                crc = crc << 4 | UInt32(v & 15)
            }
        }
        i += 8
        guard bad & 16 == 0, line.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0xFFFF_FFFF_FFFF == eventKey,
              line[n - 1] == 125 else { return nil }
        i += 6
        let payload = UnsafeRawBufferPointer(start: base + i, count: n - 1 - i)
        guard knownKind(payload) else { return nil }
        return Framed(payload: payload, crc: crc, digits: digits)
    }

    /// The CRC-32 of the sequence number's digits, a colon and the event's bytes, folded where they lie: the
    /// digits, the colon and the event's first bytes are gathered into one 64-byte block after up to 15 zeros
    /// that round the whole to 16-byte blocks (the fold starts from the register those zeros take to ~0,
    /// `CRC32.paddedStarts`), and the rest of the event is folded in place. Copying all of it apart cost a third
    /// of the printing core's time in `log --json`; the last bytes through the tables instead, more.
    private func checksum(digits: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) -> UInt32 {
        let total = digits.count + 1 + payload.count
        let zeros = (16 - total % 16) % 16
        let head = zeros + digits.count + 1
        guard folds, zeros + total >= 64, head <= 64 else {
            var c = CRC32.update(~0, digits, tables: crcTables, folds: false)
            c = crcTables[Int((c ^ 58) & 0xFF)] ^ (c >> 8)  // the colon
            return ~CRC32.update(c, payload, tables: crcTables, folds: folds)
        }
        let f = first
        let d = digits.baseAddress!, p = payload.baseAddress!
        // Whole 16-byte loads and stores instead of copies of odd lengths: each store's bytes past its part are
        // overwritten by the next part (`first` has room for the last store's overhang).
        f.storeBytes(of: SIMD16<UInt8>(), as: SIMD16<UInt8>.self)
        f.storeBytes(of: d.loadUnaligned(as: SIMD16<UInt8>.self), toByteOffset: zeros, as: SIMD16<UInt8>.self)
        if digits.count > 16 { f.storeBytes(of: d.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: zeros + 16, as: SIMD16<UInt8>.self) }
        f.storeBytes(of: 58, toByteOffset: head - 1, as: UInt8.self)
        if payload.count >= 64 {
            for k in stride(from: 0, to: 64 - head, by: 16) {
                f.storeBytes(of: p.loadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self), toByteOffset: head + k, as: SIMD16<UInt8>.self)
            }
        } else {
            (f + head).copyMemory(from: p, byteCount: 64 - head)
        }
        let rest = payload.baseAddress! + (64 - head)
        return ~leaddeck_crc32_fold_after(paddedStarts[zeros], f.assumingMemoryBound(to: UInt8.self),
                                           rest.assumingMemoryBound(to: UInt8.self), zeros + total - 64)
    }

    private func knownKind(_ payload: UnsafeRawBufferPointer) -> Bool {
        let tail = payload.loadUnaligned(fromByteOffset: payload.count - 8, as: UInt64.self)
        for (word, e) in kindEndings where word == tail && payload.count > e.count {
            if e.withUnsafeBytes({ memcmp(payload.baseAddress! + (payload.count - e.count), $0.baseAddress!, e.count) }) == 0 { return true }
        }
        return false
    }
}
