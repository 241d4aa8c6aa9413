import LeadDeckCore
import LeadDeckTUI
import Testing

@Suite("Screens as text snapshots")
struct ScreenSnapshotTests {
    @Test func sourcesScreen() {
        expectSnapshot(TUIFixture.render(TUIFixture.model()), "sources-120x40")
        expectSnapshot(TUIFixture.render(TUIFixture.model(80, 24)), "sources-80x24")
    }

    @Test func sourcesExpandedAndFiltered() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("s"), .char("s"), .char("s"), .char("/"), .char("a"), .char("u"), .char("t"), .enter, .right)
        expectSnapshot(TUIFixture.render(m), "sources-sorted-expanded-filtered")
    }

    @Test func flowScreen() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("2"))
        expectSnapshot(TUIFixture.render(m), "flow-120x40")
    }

    @Test func roiScreen() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("3"))
        expectSnapshot(TUIFixture.render(m), "roi-120x40")
        expectSnapshot(TUIFixture.render({ var s = TUIFixture.model(80, 24); TUIFixture.press(&s, .char("3")); return s }()), "roi-80x24")
    }

    @Test func detailScreen() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .enter)
        expectSnapshot(TUIFixture.render(m), "detail-120x40")
    }

    @Test func helpOverlay() {
        var m = TUIFixture.model(100, 40)
        TUIFixture.press(&m, .char("?"))
        expectSnapshot(TUIFixture.render(m), "help-100x40")
    }

    @Test func confirmDialog() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("b"))
        expectSnapshot(TUIFixture.render(m), "confirm-block")
    }

    @Test func asciiModeDrawsOnlyASCIIAndKeepsColumns() {
        var m = TUIFixture.model()
        m.ascii = true
        for key: Key in [.char("1"), .char("2"), .char("3"), .char("4")] {
            TUIFixture.press(&m, key)
            let buf = TUIFixture.render(m)
            let allASCII = buf.text.unicodeScalars.allSatisfy { $0.isASCII }
            #expect(allASCII)
            for y in 0..<buf.height {
                let oneCharacterEach = (0..<buf.width).allSatisfy { buf[$0, y].text.count == 1 }
                #expect(oneCharacterEach, "row \(y) has a cell that is not one ASCII character")
            }
        }
        expectSnapshot(TUIFixture.render({ var s = TUIFixture.model(); s.ascii = true; return s }()), "sources-ascii")
    }

    @Test func tooSmall() {
        expectSnapshot(TUIFixture.render(TUIFixture.model(60, 20)), "too-small-60x20")
        #expect(TUIFixture.render(TUIFixture.model(79, 30)).text.contains("terminal too small: need 80x24, have 79x30"))
    }

    @Test func hostileSourceNameNeverReachesTheScreenRaw() {
        for screen: Key in [.char("1"), .char("2"), .char("3")] {
            var m = TUIFixture.model()
            TUIFixture.press(&m, screen, .char("/"), .char("b"), .char("a"), .char("d"), .enter)
            let buf = TUIFixture.render(m)
            assertClean(buf)
        }
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("/"), .char("B"), .char("A"), .char("D"), .enter, .enter)
        let detail = TUIFixture.render(m)
        assertClean(detail)
        #expect(detail.text.contains("Evil␛[31mRed␍CR\u{FFFD}2J\u{FFFD}txet 東京リード"))
        var list = TUIFixture.model()
        TUIFixture.press(&list, .char("/"), .char("b"), .char("a"), .char("d"), .enter)
        expectSnapshot(TUIFixture.render(list), "hostile-name")
    }

    func assertClean(_ buf: Buffer, sourceLocation: SourceLocation = #_sourceLocation) {
        for u in buf.text.unicodeScalars where u != "\n" {
            let v = u.value
            let bad = v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
            #expect(!bad, "raw control U+\(String(v, radix: 16)) on screen", sourceLocation: sourceLocation)
        }
        // Every row is exactly as wide as the screen: wide characters take two cells, nothing spills.
        for y in 0..<buf.height {
            var w = 0
            for x in 0..<buf.width { w += Sanitizer.width(buf[x, y].text) }
            #expect(w == buf.width, "row \(y) is \(w) columns", sourceLocation: sourceLocation)
        }
    }
}
