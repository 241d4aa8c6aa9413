import Foundation
@testable import LeadDeckTUI
import Testing

/// The filters' byte-by-byte "contains" for plain ASCII against what it replaced, `lowercased().contains`.
@Suite("Filter text matching")
struct TextMatchTests {
    @Test func saysWhatLowercasedContainsSays() {
        let pieces = ["a", "B", "ab", "AB", "Source", "sou", "rce", " ", "/", "_", "0", "9", "z", "Z", "@", "[", "`", "{",
                      "\u{1}", "\u{7F}", "é", "E\u{301}", "東京", "ß", "İ", "ﬁ"]
        var random = SystemRandomNumberGenerator()
        func text(_ n: ClosedRange<Int>) -> String {
            (0..<Int.random(in: n, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        for _ in 0..<5000 {
            let haystack = text(0...8)
            // Needles as the filter makes them: lowercased words; sometimes a piece of the haystack itself.
            var needle = text(0...3).lowercased()
            if Bool.random(using: &random), !haystack.isEmpty {
                let chars = Array(haystack)
                let a = Int.random(in: 0..<chars.count, using: &random)
                needle = String(chars[a..<Int.random(in: a...chars.count, using: &random)]).lowercased()
            }
            #expect(TextMatch.lowercased(haystack, contains: needle) == haystack.lowercased().contains(needle),
                    "\(haystack.debugDescription) \(needle.debugDescription)")
        }
    }
}
