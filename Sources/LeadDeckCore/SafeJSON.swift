import CByteScan

/// JSON made safe for a terminal: what `leaddeck log --json` prints.

/// Appends JSON bytes with control, DEL, C1 and bidi characters escaped as \uXXXX (the same as `asciiJSON`,
/// byte by byte: runs of plain ASCII are copied as they are).
public func appendASCIIJSON(_ json: ArraySlice<UInt8>, to out: inout [UInt8]) {
    json.withUnsafeBufferPointer { appendASCIIJSON($0, to: &out) }
}

/// `appendASCIIJSON` on bytes in place.
public func appendASCIIJSON(_ json: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    func escape(_ v: UInt32) {
        let h = hex.utf8Start
        out += [92, 117, h[Int(v >> 12 & 15)], h[Int(v >> 8 & 15)], h[Int(v >> 4 & 15)], h[Int(v & 15)]]
    }
    var i = 0
    var runStart = i
    while i < json.count {
        let b = json[i]
        if b >= 0x20 && b < 0x7F { i += 1; continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: json[runStart..<i]))
        if b < 0x80 {
            escape(UInt32(b))
            i += 1
        } else {
            // A multi-byte UTF-8 sequence (the log holds valid UTF-8): decode the scalar to judge it.
            let n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            let end = min(json.count, i + n)
            var v = UInt32(b) & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F)
            for k in (i + 1)..<end { v = v << 6 | UInt32(json[k] & 0x3F) }
            if let u = Unicode.Scalar(v), Sanitizer.isUnsafe(u) {
                escape(v)
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: json[i..<end]))
            }
            i = end
        }
        runStart = i
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: json[runStart..<json.count]))
}

/// Whether `bytes` are all printable ASCII (0x20-0x7E), so `appendASCIIJSON` would copy them unchanged.
public func isPrintableASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    firstNonPrintableASCII(in: bytes, from: 0) == bytes.count
}

/// The offset of the first byte at or after `from` that is not printable ASCII (outside 0x20-0x7E), or
/// `bytes.count`. `log --json` finds each line's end (a newline, 0x0A) and learns whether the line is plain
/// ASCII in the same pass, over every byte of the log: 64 bytes a step in C (`CByteScan`, AVX2 where the CPU
/// has it), about twice as fast as the same test on Swift's `SIMD16`.
public func firstNonPrintableASCII(in bytes: UnsafeRawBufferPointer, from: Int) -> Int {
    guard let base = bytes.baseAddress, from < bytes.count else { return bytes.count }
    return leaddeck_first_unprintable(base.assumingMemoryBound(to: UInt8.self), max(from, 0), bytes.count)
}

/// Appends one line of `leaddeck log --json`, `{"seq":N,"event":EVENT}` and a newline, where EVENT is the
/// event's JSON with unsafe characters escaped as `appendASCIIJSON` does.
public func appendLogJSONLine(seq: Int64, event json: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    let head: StaticString = "{\"seq\":"
    let middle: StaticString = ",\"event\":"
    if seq >= 0 {
        // The head, the number and ",\"event\":" go in with one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { t in
            let base = t.baseAddress!
            base.update(from: head.utf8Start, count: 7)
            var v = UInt64(seq)
            var digits = 0
            repeat { digits += 1; v /= 10 } while v > 0
            v = UInt64(seq)
            for k in stride(from: 7 + digits - 1, through: 7, by: -1) {
                base[k] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
            }
            (base + 7 + digits).update(from: middle.utf8Start, count: 9)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: t[0..<(16 + digits)]))
        }
    } else {
        out += Array("{\"seq\":\(seq),\"event\":".utf8)
    }
    let bytes = json.assumingMemoryBound(to: UInt8.self)
    if isPrintableASCII(json) {
        out.append(contentsOf: bytes)
    } else {
        appendASCIIJSON(bytes, to: &out)
    }
    out.append(125)
    out.append(10)
}

/// JSON text with control, DEL, C1 and bidi characters escaped as \uXXXX.
public func asciiJSON(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        // JSONEncoder already escapes C0; the sanitiser's set adds DEL, C1 and the bidi controls.
        if Sanitizer.isUnsafe(u) {
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}
