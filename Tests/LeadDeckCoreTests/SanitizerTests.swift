import Testing
@testable import LeadDeckCore

@Suite("Sanitizer")
struct SanitizerTests {
    /// Strings of printable ASCII, with now and then a control byte, DEL, or a wider scalar among them.
    static func mixedStrings() -> [String] {
        var random = SystemRandomNumberGenerator()
        let odd: [Unicode.Scalar] = ["\u{0}", "\u{1B}", "\r", "\n", "\u{7F}", "\u{85}", "é", "東", "\u{202E}", "\u{301}"]
        return (0..<3000).map { i in
            var scalars = (0..<Int.random(in: 0...20, using: &random)).map { _ in Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random)) }
            if i % 3 == 0, !scalars.isEmpty { scalars[Int.random(in: 0..<scalars.count, using: &random)] = odd.randomElement(using: &random)! }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars)
            return String(s)
        }
    }

    @Test func thePlainASCIIShortcutGivesWhatTheScalarPathGives() {
        for text in Self.mixedStrings() {
            let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            #expect(Sanitizer.isPlainASCII(text) == plain, "\(text.debugDescription)")
            #expect(Sanitizer.width(text) == text.unicodeScalars.reduce(0) { $0 + Sanitizer.width($1) })
            for columns in 0...22 {
                for right in [false, true] {
                    #expect(Sanitizer.fit(text, columns, alignRight: right) == Sanitizer.fitScalars(text, columns, alignRight: right),
                            "\(text.debugDescription) \(columns) \(right)")
                }
            }
        }
    }

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

/// Property: whatever the input, nothing the terminal would act on comes out of the sanitiser.
@Suite("Sanitizer property")
struct SanitizerPropertyTests {
    /// Independent of `Sanitizer.isUnsafe`: the characters issue 6 names.
    static func forbidden(_ v: UInt32) -> Bool {
        v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    @Test func noControlOrBidiCharacterEverGetsThrough() {
        var rng = SeededRandom(seed: 6)
        // Every forbidden scalar on its own, then 50,000 random strings weighted toward the dangerous ranges.
        var inputs: [String] = (0..<0x2070).compactMap { Unicode.Scalar($0).map { "a\($0)b" } }
        let ranges: [ClosedRange<UInt32>] = [0...0x1F, 0x7F...0x9F, 0x200B...0x206F, 0x20...0x7E, 0x0600...0x06FF,
                                             0x3000...0x30FF, 0x1F300...0x1F64F, 0xFE00...0xFEFF, 0xA0...0x10FF]
        for _ in 0..<50_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &rng) {
                let r = ranges[Int.random(in: 0..<ranges.count, using: &rng)]
                if let u = Unicode.Scalar(UInt32.random(in: r, using: &rng)) { s.append(u) }
            }
            inputs.append(String(s))
        }
        var leaked = 0
        for input in inputs {
            for out in [Sanitizer.clean(input), Sanitizer.fit(input, 12), Sanitizer.fit(input, 3, alignRight: true)] {
                if out.unicodeScalars.contains(where: { Self.forbidden($0.value) }) { leaked += 1 }
            }
            // Nothing safe is lost: a clean input comes out unchanged.
            if !input.unicodeScalars.contains(where: { Self.forbidden($0.value) }) && Sanitizer.clean(input) != input { leaked += 1 }
        }
        #expect(leaked == 0)
        #expect(inputs.count > 50_000)
    }
}
