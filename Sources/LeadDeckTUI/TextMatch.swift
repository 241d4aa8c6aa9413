import Foundation
import LeadDeckCore

/// Case-insensitive "contains" for the filters, which test every row of a table with thousands of sources on
/// every frame: plain ASCII is searched byte by byte, folding case as it goes, where `lowercased().contains`
/// builds a lowercased copy and searches it through Foundation.
struct TextMatch: Sendable {
    /// The word searched for, lowercased already.
    let needle: String
    /// Whether the word is lowercase plain ASCII, not empty: only then is the byte search the same search.
    private let byteSearch: Bool

    init(_ lowercasedWord: String) {
        needle = lowercasedWord
        byteSearch = !needle.isEmpty && Sanitizer.isPlainASCII(needle) && !needle.utf8.contains { (0x41...0x5A).contains($0) }
    }

    /// What `text.lowercased().contains(needle)` says.
    func found(in text: String) -> Bool {
        if byteSearch, let found = Self.asciiSearch(text, needle) { return found }
        return text.lowercased().contains(needle)
    }

    /// What `text.lowercased().contains(needle)` says, `needle` being lowercased already.
    static func lowercased(_ text: String, contains needle: String) -> Bool { TextMatch(needle).found(in: text) }

    /// Whether plain ASCII `text`, lowercased, contains `needle` (lowercase ASCII, not empty); nil when `text`
    /// is not plain ASCII.
    private static func asciiSearch(_ text: String, _ needle: String) -> Bool? {
        var text = text, needle = needle
        return text.withUTF8 { h -> Bool? in
            guard !h.contains(where: { $0 >= 0x80 }) else { return nil }
            return needle.withUTF8 { n -> Bool in
                guard n.count <= h.count else { return false }
                let first = n[0]
                outer: for start in 0...(h.count - n.count) {
                    guard fold(h[start]) == first else { continue }
                    for k in 1..<n.count where fold(h[start + k]) != n[k] { continue outer }
                    return true
                }
                return false
            }
        }
    }

    /// An ASCII byte in lower case.
    @inline(__always) private static func fold(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }
}
