import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Hit-testing: a cell back to what is drawn there")
struct HitTestTests {
    var desk: Desk { TUIFixture.state.0 }
    var feed: LiveFeed { TUIFixture.state.1 }

    func hit(_ m: AppModel, _ x: Int, _ y: Int) -> Hit { m.hitTest(x: x, y: y, desk: desk, feed: feed) }

    @Test func tabsAndTheChrome() {
        let m = TUIFixture.model(80, 24)
        let buf = TUIFixture.render(m)
        for tab in m.layout.tabs {
            for x in tab.area.columns { #expect(hit(m, x, 1) == .tab(tab.screen)) }
            // What is drawn in the tab's cells is its label.
            #expect(tab.area.columns.map { buf[$0, 1].text }.joined() == Layout.tabLabel(tab.screen))
        }
        #expect(hit(m, 11, 1) == .nothing)  // the gap between two tabs
        #expect(hit(m, 60, 1) == .nothing)
        #expect(hit(m, 5, 0) == .nothing && hit(m, 5, 23) == .nothing)  // header, status line
        #expect(hit(m, -1, 5) == .nothing && hit(m, 80, 5) == .nothing && hit(m, 5, 24) == .nothing)
        #expect(hit(TUIFixture.model(60, 20), 3, 1) == .nothing)  // too small: nothing is clickable
    }

    @Test(arguments: [80, 120, 200])
    func sourceColumnTitlesAreWhereTheyAreDrawn(width: Int) {
        let m = TUIFixture.model(width, 30)
        let header = Array(TUIFixture.render(m).text.split(separator: "\n")[3])
        let cols = SourcesScreen.visibleColumns(in: m.layout.columnHeader)
        for c in cols {
            for x in c.span { #expect(hit(m, x, 3) == .sourceColumn(c.id), "\(width) x=\(x)") }
            let drawn = String(header[min(header.count, c.x)..<min(header.count, c.x + c.width)]).trimmingCharacters(in: .whitespaces)
            #expect(drawn.replacingOccurrences(of: "↓", with: "") == c.title, "\(width) \(c.id)")
        }
        #expect(hit(m, cols[0].span.upperBound, 3) == .nothing)  // the gap after the first column
    }

    @Test func sourceRowsMapToTheRowDrawnThere() {
        var m = TUIFixture.model(80, 24)
        TUIFixture.press(&m, .right)  // expand the first source: 6 rows
        let rows = m.sourceRows(desk)
        let lines = TUIFixture.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = m.layout.tableRows.y
        for (i, row) in rows.enumerated() {
            #expect(hit(m, 10, first + i) == .sourceRow(i))
            #expect(lines[first + i].contains(row.key.subID ?? row.key.source))
        }
        #expect(hit(m, 10, first + rows.count) == .nothing)  // below the last row
    }

    @Test func flowRowsFollowTheScroll() {
        var m = TUIFixture.model(100, 24)
        TUIFixture.press(&m, .char("2"), .pageDown, .pageDown)
        let items = m.flowItems(feed)
        let top = m.flowTopShown(items)
        #expect(top > 0)
        let lines = TUIFixture.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)
        for offset in 0..<m.layout.visibleTableRows {
            let y = m.layout.tableRows.y + offset
            #expect(hit(m, 3, y) == .flowRow(top + offset))
            #expect(lines[y].contains(items[top + offset].leadID))
        }
        // The highlighted row is the selected item.
        let selectedY = m.layout.tableRows.y + m.flowSelectedIndex(items) - top
        #expect(hit(m, 3, selectedY) == .flowRow(m.flowSelectedIndex(items)))
        let cols = FlowScreen.visibleColumns(in: m.layout.columnHeader)
        #expect(cols.map(\.id) == FlowColumnID.allCases)  // vertical shows from 100 columns
        for c in cols { #expect(hit(m, c.x, 3) == .flowColumn(c.id)) }
        #expect(!FlowScreen.visibleColumns(in: TUIFixture.model(80, 24).layout.columnHeader).contains { $0.id == .vertical })
    }

    @Test func dialogsTakeTheClickAndOtherScreensHaveNoTable() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("?"))
        #expect(hit(m, 3, 1) == .overlay && hit(m, 10, 5) == .overlay)
        var c = TUIFixture.model()
        TUIFixture.press(&c, .char("b"))
        #expect(hit(c, 10, 5) == .overlay)
        var roi = TUIFixture.model()
        TUIFixture.press(&roi, .char("3"))
        #expect(hit(roi, 10, 5) == .nothing && hit(roi, 27, 1) == .tab(.roi))
    }
}
