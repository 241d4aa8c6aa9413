/// Copying an id to the clipboard of the terminal the dashboard runs in, with the OSC 52 escape sequence
/// (`ESC ] 52 ; c ; BASE64 ST`), which works over ssh and needs no clipboard program.
///
/// Only ids made of ASCII letters, digits, `-` and `_` are copied: lead ids arrive from outside, and whatever
/// is copied ends up pasted into shells and forms, so text a source supplied is never put on the clipboard.
public enum Clipboard {
    /// The longest id copied: the longest lead id ingest accepts (source ids are at most 40).
    public static let maxIDLength = 64

    /// Why `id` may not be copied, or nil when it may: 1-64 ASCII letters, digits, `-` or `_`.
    public static func refusal(_ id: String) -> String? {
        if id.isEmpty { return "the id is empty" }
        if id.utf8.count > maxIDLength { return "the id is longer than \(maxIDLength) characters" }
        let safe = id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
        return safe ? nil : "the id has characters other than letters, digits, '-' and '_'"
    }

    /// The OSC 52 sequence that puts `id` on the system clipboard, or nil when `id` may not be copied.
    public static func osc52(_ id: String) -> String? {
        guard refusal(id) == nil else { return nil }
        return "\u{1B}]52;c;\(base64(Array(id.utf8)))\u{1B}\\"
    }

    /// Standard base64 (RFC 4648, with `=` padding).
    public static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            for k in 0..<4 {
                out.append(k <= n ? alphabet[Int(triple >> (18 - 6 * UInt32(k)) & 63)] : UInt8(ascii: "="))
            }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
