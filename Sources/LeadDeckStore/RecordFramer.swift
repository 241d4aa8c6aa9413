#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCRC32
import LeadDeckCore

/// `EventLogCodec.frame` plus the sequence and kind checks of a scan without decoding, on a line in place
/// (no slices, arrays or strings per record). It accepts a line only when all of them would; anything else
/// goes to the regular scan, which says what is wrong. One per scan (it keeps a scratch buffer).
final class RecordFramer {
    private let crcTables = CRC32.flat
    private let folds = CRC32.folds
    private let paddedStarts = CRC32.paddedStarts
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
    /// The bytes the checksum covers (the sequence number, a colon, the event) in one piece, after up to 15
    /// zeros that round it to whole 16-byte blocks for the fold.
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)

    deinit { scratch.deallocate() }

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

    /// The CRC-32 of the sequence number's digits, a colon and the event's bytes.
    private func checksum(digits: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) -> UInt32 {
        let total = digits.count + 1 + payload.count
        guard folds, total >= 64 else {
            var c = CRC32.update(~0, digits, tables: crcTables, folds: false)
            c = crcTables[Int((c ^ 58) & 0xFF)] ^ (c >> 8)  // the colon
            return ~CRC32.update(c, payload, tables: crcTables, folds: folds)
        }
        let zeros = (16 - total % 16) % 16
        if scratch.count < zeros + total {
            scratch.deallocate()
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * (zeros + total), alignment: 16)
        }
        let s = scratch.baseAddress!
        s.initializeMemory(as: UInt8.self, repeating: 0, count: zeros)
        (s + zeros).copyMemory(from: digits.baseAddress!, byteCount: digits.count)
        s.storeBytes(of: 58, toByteOffset: zeros + digits.count, as: UInt8.self)
        (s + zeros + digits.count + 1).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        return ~leaddeck_crc32_fold(paddedStarts[zeros], s.assumingMemoryBound(to: UInt8.self), zeros + total)
    }

    private func knownKind(_ payload: UnsafeRawBufferPointer) -> Bool {
        let tail = payload.loadUnaligned(fromByteOffset: payload.count - 8, as: UInt64.self)
        for (word, e) in kindEndings where word == tail && payload.count > e.count {
            if e.withUnsafeBytes({ memcmp(payload.baseAddress! + (payload.count - e.count), $0.baseAddress!, e.count) }) == 0 { return true }
        }
        return false
    }
}
