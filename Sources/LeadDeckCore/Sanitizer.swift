/// Makes untrusted text (anything from a traffic source or a lead) safe to show in a terminal: control
/// characters (C0, DEL, C1) and bidi controls become visible placeholders, so no text can move the cursor,
/// change colours or reorder a line.
public enum Sanitizer {
    /// The text with every control or bidi character replaced by a visible placeholder.
    public static func clean(_ text: String) -> String {
        if isPlainASCII(text) { return text }
        var needs = false
        for u in text.unicodeScalars where isUnsafe(u) { needs = true; break }
        guard needs else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars { out.append(contentsOf: placeholder(u).unicodeScalars) }
        return String(out)
    }

    /// Whether every byte of `text` is printable ASCII (0x20-0x7E): such text is clean as it is and takes one
    /// column a byte, so the screens skip the Unicode work for it (most of what they draw: figures, ids).
    public static func isPlainASCII(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { b in b.allSatisfy { $0 &- 0x20 < 0x5F } } ?? utf8.allSatisfy { $0 &- 0x20 < 0x5F }
    }

    /// Whether a scalar is a control (C0, DEL, C1) or bidi control that must never reach a terminal raw.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (v >= 0x80 && v <= 0x9F) || (v >= 0x202A && v <= 0x202E)
            || (v >= 0x2066 && v <= 0x2069) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    static func placeholder(_ u: Unicode.Scalar) -> String {
        let v = u.value
        if v < 0x20 { return String(Unicode.Scalar(0x2400 + v)!) }  // ␀..␟, e.g. ESC -> ␛, CR -> ␍
        if v == 0x7F { return "\u{2421}" }  // ␡
        if isUnsafe(u) { return "\u{FFFD}" }
        return String(u)
    }

    /// Columns a scalar takes in a terminal (0, 1 or 2), like wcwidth for the scripts leads carry.
    public static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200D).contains(v) || v == 0xFE0F || (0x1AB0...0x1AFF).contains(v)
            || (0x20D0...0x20FF).contains(v) || (0xFE20...0xFE2F).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    /// Columns a (clean) string takes.
    public static func width(_ s: String) -> Int { isPlainASCII(s) ? s.utf8.count : s.unicodeScalars.reduce(0) { $0 + width($1) } }

    /// Cleans, then cuts to at most `columns` columns (ending in "…" when cut) and pads to exactly that many.
    public static func fit(_ text: String, _ columns: Int, alignRight: Bool = false) -> String {
        guard columns > 0 else { return "" }
        if isPlainASCII(text) {
            let n = text.utf8.count
            if n > columns { return String(decoding: text.utf8.prefix(columns - 1), as: UTF8.self) + "…" }
            let padding = String(repeating: " ", count: columns - n)
            return alignRight ? padding + text : text + padding
        }
        return fitScalars(text, columns, alignRight: alignRight)
    }

    /// `fit` scalar by scalar, for any text (`fit` takes a shortcut for plain ASCII).
    static func fitScalars(_ text: String, _ columns: Int, alignRight: Bool) -> String {
        guard columns > 0 else { return "" }
        let s = clean(text)
        var w = width(s)
        var out = s
        if w > columns {
            out = ""
            w = 0
            for u in s.unicodeScalars {
                let cw = width(u)
                if w + cw > columns - 1 { break }
                out.unicodeScalars.append(u)
                w += cw
            }
            out += "…"
            w += 1
        }
        let padding = String(repeating: " ", count: max(0, columns - w))
        return alignRight ? padding + out : out + padding
    }
}
