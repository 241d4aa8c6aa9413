import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Layout: one place for where things go")
struct LayoutTests {
    var desk: Desk { TUIFixture.state.0 }
    var feed: LiveFeed { TUIFixture.state.1 }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func regionsAtCommonSizes(_ size: (Int, Int)) {
        let (w, h) = size
        let l = Layout(width: w, height: h)
        #expect(!l.tooSmall)
        #expect(l.header == Rect(x: 0, y: 0, width: w, height: 1))
        #expect(l.tabBar == Rect(x: 0, y: 1, width: w, height: 1))
        #expect(l.body == Rect(x: 0, y: 2, width: w, height: h - 3))
        #expect(l.status == Rect(x: 0, y: h - 1, width: w, height: 1))
        #expect(l.info == Rect(x: 0, y: 2, width: w, height: 1))
        #expect(l.columnHeader == Rect(x: 0, y: 3, width: w, height: 1))
        #expect(l.tableRows == Rect(x: 0, y: 4, width: w, height: h - 5))
        // The counts key handling pages by (they were `height - 5`, `height - 3` and `height - 6`).
        #expect(l.visibleTableRows == h - 5 && l.visibleBodyRows == h - 3 && l.textPageStep == h - 6)
        #expect(l.tabs.map(\.area.columns) == [0..<11, 12..<25, 26..<33, 34..<44, 45..<55])
        #expect(l.tabs.map(\.screen) == ScreenID.allCases)
        #expect(l.tabsEnd == 55)
        // The regions tile the screen: every row belongs to exactly one of them.
        let rows = [l.header, l.tabBar, l.info, l.columnHeader, l.tableRows, l.status].flatMap { Array($0.rows) }
        #expect(rows == Array(0..<h))
        #expect(TUIFixture.model(w, h).layout == l)
    }

    @Test func tooSmallBelowTheMinimum() {
        #expect(Layout(width: 79, height: 24).tooSmall && Layout(width: 80, height: 23).tooSmall)
        #expect(!Layout(width: AppModel.minWidth, height: AppModel.minHeight).tooSmall)
        // Degenerate sizes give empty areas, never negative ones.
        let tiny = Layout(width: 3, height: 2)
        #expect(tiny.body.isEmpty && tiny.tableRows.isEmpty && tiny.visibleTableRows == 1)
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func tableRowsDrawnAreTheRowsTheLayoutCounts(_ size: (Int, Int)) {
        let (w, h) = size
        var m = TUIFixture.model(w, h)
        TUIFixture.press(&m, .char("2"))
        let l = m.layout
        let items = m.flowItems(feed)
        #expect(items.count > l.visibleTableRows)
        let lines = TUIFixture.render(m).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let drawn = lines[l.tableRows.rows].filter { !$0.isEmpty }
        #expect(drawn.count == l.visibleTableRows)
        #expect(drawn.first?.contains(items[0].leadID) == true)
        #expect(drawn.last?.contains(items[l.visibleTableRows - 1].leadID) == true)
        // Paging moves by exactly what is on screen.
        TUIFixture.press(&m, .pageDown)
        #expect(m.flowSelectedIndex(items) == l.visibleTableRows)
        #expect(m.flowTop == 1)

        var s = TUIFixture.model(w, h)
        for _ in 0..<4 { TUIFixture.press(&s, .right, .down, .down, .down) }  // expand every source
        let rows = s.sourceRows(desk)
        let sourceLines = TUIFixture.render(s).text.split(separator: "\n", omittingEmptySubsequences: false)[s.layout.tableRows.rows]
        #expect(sourceLines.filter { !$0.isEmpty }.count == min(rows.count, s.layout.visibleTableRows))
    }

    @Test func scrollingScreensCountTheirRowsWithoutDrawing() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            var m = TUIFixture.model(w, h)
            TUIFixture.press(&m, .char("3"))
            let page = ROIScreen.pageHeight(m, desk: desk)
            let buf = TUIFixture.render(m)
            let lines = buf.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if page > m.layout.visibleBodyRows {
                #expect(lines[1].hasSuffix("1-\(m.layout.visibleBodyRows) of \(page)"), "\(w)x\(h): \(lines[1])")
            } else {
                // The whole page shows: its last row is the last non-blank row of the body.
                let body = lines[m.layout.body.rows]
                #expect(body.lastIndex { !$0.isEmpty }.map { $0 - m.layout.body.y + 1 } == page, "\(w)x\(h)")
            }
            TUIFixture.press(&m, .end)
            #expect(m.roiScroll == max(0, page - m.layout.visibleBodyRows))

            var d = TUIFixture.model(w, h)
            TUIFixture.press(&d, .enter)
            let count = DetailScreen.scrollingLineCount(d, desk: desk, feed: feed)
            let note = TUIFixture.render(d).text.split(separator: "\n")[1]
            if count > d.layout.visibleTableRows {
                #expect(note.hasSuffix("1-\(d.layout.visibleTableRows) of \(count)"), "\(w)x\(h): \(note)")
            } else {
                #expect(!note.contains("PgDn"))
            }
            TUIFixture.press(&d, .end)
            #expect(d.detailScroll == max(0, count - d.layout.visibleTableRows))
        }
    }

    @Test func helpScrollStopsAtItsLastPage() {
        var m = TUIFixture.model(80, 24)
        TUIFixture.press(&m, .char("?"))
        for _ in 0..<400 { TUIFixture.press(&m, .down) }
        let lines = Renderer.helpLines(m).count
        let last = lines - m.layout.helpVisibleLines(lines: lines)
        #expect(last > 0 && m.helpScroll == last)
        TUIFixture.press(&m, .up)
        #expect(m.helpScroll == last - 1)
    }
}
