import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Rect and clipping")
struct RectTests {
    @Test func splittingInsettingAndContaining() {
        let r = Rect(x: 2, y: 3, width: 10, height: 5)
        #expect(r.rows == 3..<8 && r.columns == 2..<12)
        #expect(r.contains(x: 2, y: 3) && r.contains(x: 11, y: 7))
        #expect(!r.contains(x: 12, y: 3) && !r.contains(x: 2, y: 8) && !r.contains(x: 1, y: 3))
        let (top, rest) = r.split(top: 2)
        #expect(top == Rect(x: 2, y: 3, width: 10, height: 2) && rest == Rect(x: 2, y: 5, width: 10, height: 3))
        let (above, bottom) = r.split(bottom: 1)
        #expect(above.height == 4 && bottom == Rect(x: 2, y: 7, width: 10, height: 1))
        let (left, right) = r.split(left: 4)
        #expect(left.width == 4 && right == Rect(x: 6, y: 3, width: 6, height: 5))
        // Asking for more than there is gives all of it, and an empty rest.
        #expect(r.split(top: 99).rest.isEmpty && r.split(top: 99).top == r)
        #expect(r.inset(by: 1) == Rect(x: 3, y: 4, width: 8, height: 3))
        #expect(r.inset(by: 9).isEmpty)
        #expect(r.row(0) == Rect(x: 2, y: 3, width: 10, height: 1) && r.row(5).isEmpty)
        #expect(r.intersection(Rect(x: 10, y: 0, width: 10, height: 4)) == Rect(x: 10, y: 3, width: 2, height: 1))
        #expect(r.intersection(Rect(x: 50, y: 50, width: 1, height: 1)).isEmpty)
        #expect(Rect(x: 0, y: 0, width: -3, height: 2).isEmpty)
    }

    @Test func writesFillsAndRestylesStayInsideTheClip() {
        var buf = Buffer(width: 10, height: 3)
        let area = Rect(x: 2, y: 1, width: 4, height: 1)
        buf.clipped(to: area) { buf in
            buf.write("abcdefgh", x: 0, y: 1)  // starts left of the area, runs past it
            buf.write("zzz", x: 0, y: 0)  // a row outside the area
            buf.fill(x: 0, y: 2, width: 10, height: 1, style: .bad)
            buf.restyle(x: 0, y: 1, width: 10) { $0.reverse = true }
        }
        #expect(buf.text == "\n  cdef\n")
        #expect((0..<10).filter { buf[$0, 1].style.reverse } == [2, 3, 4, 5])
        #expect((0..<10).allSatisfy { buf[$0, 2].style == .plain })
        // The clip is the whole buffer again afterwards.
        #expect(buf.clip == buf.area)
        buf.write("0123456789", x: 0, y: 0)
        #expect(buf.text.hasPrefix("0123456789\n"))
    }

    @Test func nestedClipsIntersectAndWideCharactersAreNotHalved() {
        var buf = Buffer(width: 10, height: 1)
        buf.clipped(to: Rect(x: 1, y: 0, width: 6, height: 1)) { outer in
            outer.clipped(to: Rect(x: 3, y: 0, width: 20, height: 1)) { inner in
                #expect(inner.clip == Rect(x: 3, y: 0, width: 4, height: 1))
                inner.write("東京x", x: 3, y: 0)  // 東 in 3-4, 京 in 5-6; x would be column 7, outside
            }
            outer.write("東京", x: 5, y: 0)  // 東 takes 5-6; 京 would reach column 8, outside
        }
        #expect(buf.text == "   東東")
        #expect(buf[4, 0].text == "" && buf[6, 0].text == "" && buf[7, 0].text == " ")
    }

    @Test func copyShowsAWindowOfATallPage() {
        var page = Buffer(width: 4, height: 6)
        for y in 0..<6 { page.write("r\(y)", x: 0, y: y) }
        var buf = Buffer(width: 6, height: 4)
        buf.copy(page, from: 2, into: Rect(x: 1, y: 1, width: 5, height: 2))
        #expect(buf.text == "\n r2\n r3\n")
    }

    @Test func widgetsDrawOnlyInTheirArea() {
        var buf = Buffer(width: 12, height: 8)
        let area = Rect(x: 2, y: 2, width: 5, height: 3)
        Widgets.barChart(&buf, in: area, groups: [[5, 9], [9, 1], [3, 3], [8, 8]], styles: [.plain], groupWidth: 2, ascii: true)
        for y in 0..<8 {
            for x in 0..<12 where !area.contains(x: x, y: y) { #expect(buf[x, y].text == " ", "(\(x), \(y))") }
        }
        #expect(buf[3, 2].text == "#")  // the tallest bar reaches the top row of the area
        var framed = Buffer(width: 12, height: 6)
        Widgets.box(&framed, in: Rect(x: 1, y: 1, width: 8, height: 3), title: "a long title", ascii: true)
        #expect(framed.text == "\n +- a l-+\n |      |\n +------+\n\n")
    }
}
