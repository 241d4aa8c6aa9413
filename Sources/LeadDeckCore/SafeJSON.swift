/// JSON made safe for a terminal: what `leaddeck log --json` prints.

/// Appends JSON bytes with control, DEL, C1 and bidi characters escaped as \uXXXX (the same as `asciiJSON`,
/// byte by byte: runs of plain ASCII are copied as they are).
public func appendASCIIJSON(_ json: ArraySlice<UInt8>, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    func escape(_ v: UInt32) {
        out += [92, 117, hex[Int(v >> 12 & 15)], hex[Int(v >> 8 & 15)], hex[Int(v >> 4 & 15)], hex[Int(v & 15)]]
    }
    var i = json.startIndex
    var runStart = i
    while i < json.endIndex {
        let b = json[i]
        if b >= 0x20 && b < 0x7F { i += 1; continue }
        out += json[runStart..<i]
        if b < 0x80 {
            escape(UInt32(b))
            i += 1
        } else {
            // A multi-byte UTF-8 sequence (the log holds valid UTF-8): decode the scalar to judge it.
            let n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            let end = min(json.endIndex, i + n)
            var v = UInt32(b) & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F)
            for k in (i + 1)..<end { v = v << 6 | UInt32(json[k] & 0x3F) }
            if let u = Unicode.Scalar(v), Sanitizer.isUnsafe(u) { escape(v) } else { out += json[i..<end] }
            i = end
        }
        runStart = i
    }
    out += json[runStart..<json.endIndex]
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
