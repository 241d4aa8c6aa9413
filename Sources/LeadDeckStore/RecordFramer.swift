#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CByteScan
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
    /// Every known kind's ending (`,"type":"offer"}`), one after another, and their lengths, for the C framer:
    /// made once for the life of the process (never freed), as a scan makes a framer for every chunk.
    nonisolated(unsafe) private static let kindTable: (endings: UnsafePointer<UInt8>, lengths: UnsafePointer<UInt8>, count: Int32) = {
        let all = EventLogCodec.kindEndings
        let endings = UnsafeMutablePointer<UInt8>.allocate(capacity: all.reduce(0) { $0 + $1.count })
        let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: all.count)
        var at = 0
        for (k, e) in all.enumerated() {
            (endings + at).initialize(from: e, count: e.count)
            lengths[k] = UInt8(e.count)
            at += e.count
        }
        return (UnsafePointer(endings), UnsafePointer(lengths), Int32(all.count))
    }()
    private let kinds = RecordFramer.kindTable

    deinit { first.deallocate() }

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

    /// `payload(_:seq:)` without the checksum: every other check of a good record (`leaddeck_frame_record`, in C:
    /// the same checks in Swift were the reading core's largest cost in `log --json` after the kernel's copy).
    func frame(_ line: UnsafeRawBufferPointer, seq expected: Int64) -> Framed? {
        guard let base = line.baseAddress else { return nil }
        var out = leaddeck_framed()
        guard leaddeck_frame_record(base.assumingMemoryBound(to: UInt8.self), line.count, expected, kinds.endings, kinds.lengths,
                                    kinds.count, &out) != 0 else { return nil }
        let start = Int(out.payload_start)
        return Framed(payload: UnsafeRawBufferPointer(start: base + start, count: line.count - 1 - start), crc: out.crc,
                      digits: Int(out.digits))
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

}
