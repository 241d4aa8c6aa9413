@testable import LeadDeckCore
@testable import LeadDeckTUI
import Testing

/// `Buffer.write` takes a shortcut for plain ASCII (one cell a byte); the cells must be those the grapheme
/// path writes, clipped and cut the same way.
@Suite("Buffer write shortcut")
struct BufferWriteTests {
    @Test func plainASCIIWritesTheCellsTheGraphemePathWrites() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = String(decoding: (0..<Int.random(in: 0...30, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) },
                              as: UTF8.self)
            let x = Int.random(in: -3...25, using: &random)
            let maxWidth: Int? = Bool.random(using: &random) ? Int.random(in: 0...20, using: &random) : nil
            var fast = Buffer(width: 24, height: 2)
            var slow = fast
            let clipX = Int.random(in: 0...4, using: &random)
            var endFast = 0, endSlow = 0
            fast.clipped(to: Rect(x: clipX, y: 0, width: 24 - clipX, height: 2)) { b in
                endFast = b.write(text, x: x, y: 1, style: .plain, maxWidth: maxWidth)
            }
            slow.clipped(to: Rect(x: clipX, y: 0, width: 24 - clipX, height: 2)) { b in
                guard b.clip.rows.contains(1), x < b.clip.maxX else { endSlow = x; return }
                endSlow = b.writeGraphemes(text, from: x, y: 1, style: .plain, limit: min(b.clip.maxX, x + (maxWidth ?? b.width)))
            }
            #expect(endFast == endSlow, "\(text.debugDescription) x \(x) max \(String(describing: maxWidth))")
            #expect(fast.cells == slow.cells, "\(text.debugDescription) x \(x) max \(String(describing: maxWidth))")
        }
    }

    @Test func plainASCIIPutWritesTheCellsOfTheGeneralPaths() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = String(decoding: (0..<Int.random(in: 0...30, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) },
                              as: UTF8.self)
            let (x, y) = (Int.random(in: -3...25, using: &random), Int.random(in: 0...2, using: &random))
            let w = Int.random(in: 0...20, using: &random)
            let right = Bool.random(using: &random)
            let clip = Rect(x: Int.random(in: 0...4, using: &random), y: 0, width: Int.random(in: 10...24, using: &random), height: 2)
            var fast = Buffer(width: 24, height: 3)
            var slow = fast
            fast.clipped(to: clip) { $0.put(text, x: x, y: y, width: w, right: right) }
            // The general paths only: text fitted scalar by scalar, written grapheme by grapheme.
            slow.clipped(to: clip) { b in
                guard b.clip.rows.contains(y), x < b.clip.maxX else { return }
                b.writeGraphemes(Sanitizer.fitScalars(text, w, alignRight: right), from: x, y: y, style: .plain, limit: min(b.clip.maxX, x + w))
            }
            #expect(fast.cells == slow.cells, "\(text.debugDescription) x \(x) y \(y) w \(w) right \(right) clip \(clip)")
        }
    }

    /// `rowEquals` compares texts by their bits first; it must say what comparing the cells says, also for equal
    /// texts held in different storage (a long grapheme cluster is not a small string).
    @Test func rowEqualsSaysWhatComparingTheCellsSays() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"  // 25 bytes: heap storage
        let texts = ["a", "b", " ", "", "\u{6771}", family, String(family.unicodeScalars.map(Character.init).reduce("") { $0 + String($1) })]
        let styles: [Style] = [.plain, .bold, .selected, .dim, Style(fg: .red, underline: true)]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var a = Buffer(width: 6, height: 2), b = Buffer(width: 6, height: 2)
            for x in 0..<6 {
                let cell = Cell(texts.randomElement(using: &random)!, styles.randomElement(using: &random)!)
                a[x, 1] = cell
                // Mostly the same cell, its text copied into new storage half the time; sometimes another.
                if Int.random(in: 0..<8, using: &random) == 0 {
                    b[x, 1] = Cell(texts.randomElement(using: &random)!, styles.randomElement(using: &random)!)
                } else {
                    b[x, 1] = Cell(Bool.random(using: &random) ? String(decoding: Array(cell.text.utf8), as: UTF8.self) : cell.text, cell.style)
                }
            }
            let plain = (0..<6).allSatisfy { a[$0, 1] == b[$0, 1] }
            #expect(a.rowEquals(1, b) == plain)
            #expect(a.rowEquals(0, b))
        }
        #expect(!Buffer(width: 6, height: 2).rowEquals(0, Buffer(width: 5, height: 2)))
    }
}
