import Testing
@testable import LeadDeckCore

@Suite("Sanitizer")
struct SanitizerTests {
    @Test func controlAndBidiCharactersBecomeVisiblePlaceholders() {
        let hostile = "Evil\u{1B}[31mRed\rOver\u{9B}2J\u{202E}txet\u{7F}"
        let clean = Sanitizer.clean(hostile)
        #expect(clean == "Evil␛[31mRed␍Over\u{FFFD}2J\u{FFFD}txet␡")
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value <= 0x9F) })
        #expect(Sanitizer.clean("Plain name 東京") == "Plain name 東京")
    }

    @Test func widthsCountWideCharactersTwice() {
        #expect(Sanitizer.width("東京 Leads") == 10)
        #expect(Sanitizer.width("e\u{301}") == 1)
        #expect(Sanitizer.fit("東京東京", 5) == "東京…")
        #expect(Sanitizer.width(Sanitizer.fit("東京東京", 5)) == 5)
        #expect(Sanitizer.fit("abc", 5, alignRight: true) == "  abc")
        let long = String(repeating: "x", count: 500)
        #expect(Sanitizer.fit(long, 20).count == 20)
    }
}
