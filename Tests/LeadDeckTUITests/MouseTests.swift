import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Mouse: clicks and the wheel through hitTest")
struct MouseTests {
    var desk: Desk { TUIFixture.state.0 }
    var feed: LiveFeed { TUIFixture.state.1 }

    @discardableResult
    func click(_ m: inout AppModel, _ x: Int, _ y: Int, clicks: Int = 1, feed: LiveFeed? = nil) -> [Effect] {
        m.handle(.mouse(MouseEvent(x: x, y: y, button: .left, clicks: clicks)), desk: desk, feed: feed ?? self.feed)
    }

    func wheel(_ m: inout AppModel, down: Bool, times: Int = 1) {
        for _ in 0..<times { _ = m.handle(.mouse(MouseEvent(x: 10, y: 10, button: down ? .wheelDown : .wheelUp)), desk: desk, feed: feed) }
    }

    /// The screen row of table row `offset` (from the first row shown).
    func rowY(_ m: AppModel, _ offset: Int) -> Int { m.layout.tableRows.y + offset }

    @Test func clickingATabSwitchesToItsScreen() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .down)
        let highlighted = m.sourceRows(desk)[1].key.source
        for tab in m.layout.tabs.reversed() {
            #expect(click(&m, tab.area.x + 1, tab.area.y).isEmpty)
            #expect(m.screen == tab.screen)
        }
        click(&m, m.layout.tabs[3].area.x, 1)
        #expect(m.detailSource == highlighted)  // like key 4: the source highlighted on Sources
        click(&m, 11, 1)  // the gap between two tabs does nothing
        #expect(m.screen == .detail)
    }

    @Test func clickingASourceRowSelectsItAndADoubleClickOpensIt() {
        var m = TUIFixture.model(80, 24)
        TUIFixture.press(&m, .right)  // sub-ID rows too
        let rows = m.sourceRows(desk)
        click(&m, 10, rowY(m, 2))
        #expect(m.selectedIndex(m.sourceRows(desk)) == 2 && m.screen == .sources)
        // A single click on the selected row does not open it; the second click of a double click does.
        click(&m, 10, rowY(m, 2))
        #expect(m.screen == .sources)
        click(&m, 10, rowY(m, 4))
        click(&m, 10, rowY(m, 4), clicks: 2)
        #expect(m.screen == .detail && m.detailSource == rows[4].key.source)
        TUIFixture.press(&m, .escape)
        #expect(m.screen == .sources)
        click(&m, 10, rowY(m, rows.count))  // below the last row
        #expect(m.selectedIndex(m.sourceRows(desk)) == 4)
    }

    @Test func aDoubleClickOpensOnlyTheRowItsFirstClickSelected() {
        // The rows moved between the two clicks: the second lands on another row, which it selects but does not open.
        var m = TUIFixture.model()
        click(&m, 10, rowY(m, 1), clicks: 2)
        #expect(m.screen == .sources && m.selectedIndex(m.sourceRows(desk)) == 1)
    }

    @Test func flowRowsSelectAndOpenLikeEnter() {
        var m = TUIFixture.model(100, 24)
        TUIFixture.press(&m, .char("2"), .pageDown)
        let items = m.flowItems(feed)
        let top = m.flowTopShown(items)
        click(&m, 3, rowY(m, 5))
        #expect(m.flowSelectedIndex(items) == top + 5)
        #expect(m.flowTopShown(items) == top)  // the table does not move under the pointer
        click(&m, 3, rowY(m, 5), clicks: 2)
        #expect(m.showLeadDetail, "a double click opens the lead, as Enter does")
        TUIFixture.press(&m, .enter)
        #expect(m.screen == .detail && m.detailSource == items[top + 5].sourceID)
        // Column titles of the flow table do nothing.
        var f = TUIFixture.model(100, 24)
        TUIFixture.press(&f, .char("2"))
        click(&f, 3, f.layout.columnHeader.y)
        #expect(f.screen == .flow && f.status == nil)
    }

    @Test func clickingAColumnTitleSortsByItAndAgainReverses() {
        var m = TUIFixture.model()
        let cols = SourcesScreen.visibleColumns(in: m.layout.columnHeader)
        let cpl = cols.first { $0.id == .cpl }!
        click(&m, cpl.x + 1, m.layout.columnHeader.y)
        #expect(m.sort == .cpl && m.descending == SourceTable.defaultDescending(.cpl))
        #expect(m.status?.text == "sorted by cpl (low to high)")
        let ascending = m.sourceRows(desk).compactMap { MetricsRow($0.counters).cpl }
        click(&m, cpl.x, m.layout.columnHeader.y)
        #expect(m.sort == .cpl && m.descending != SourceTable.defaultDescending(.cpl))
        #expect(m.status?.text == "sorted by cpl (high to low)")
        #expect(m.sourceRows(desk).compactMap { MetricsRow($0.counters).cpl } == ascending.reversed())
        let name = cols.first { $0.id == .name }!
        click(&m, name.x, m.layout.columnHeader.y)
        #expect(m.sort == .name)
        // The sparkline column has no order: the sort stays.
        var wide = TUIFixture.model(200, 40)
        let offers = SourcesScreen.visibleColumns(in: wide.layout.columnHeader).first { $0.id == .offers }!
        click(&wide, offers.x, wide.layout.columnHeader.y)
        #expect(wide.sort == .today && wide.status?.text == "the offers column cannot be sorted")
    }

    @Test func theWheelMovesTheSelectionOrScrollsTheText() {
        var m = TUIFixture.model(80, 24)
        TUIFixture.press(&m, .right)
        let rows = m.sourceRows(desk)  // 4 sources and 2 sub-IDs
        wheel(&m, down: true)
        #expect(m.selectedIndex(rows) == AppModel.wheelStep)
        wheel(&m, down: true)
        #expect(m.selectedIndex(rows) == rows.count - 1)  // stops at the last row
        wheel(&m, down: false)
        #expect(m.selectedIndex(rows) == rows.count - 1 - AppModel.wheelStep)
        wheel(&m, down: false, times: 5)
        #expect(m.selectedIndex(rows) == 0)

        TUIFixture.press(&m, .char("2"))
        wheel(&m, down: true, times: 2)
        #expect(m.flowSelectedIndex(m.flowItems(feed)) == 2 * AppModel.wheelStep)

        TUIFixture.press(&m, .char("1"), .enter)
        wheel(&m, down: true)
        #expect(m.screen == .detail && m.detailScroll == AppModel.wheelStep)

        TUIFixture.press(&m, .char("3"))
        wheel(&m, down: true)
        #expect(m.roiScroll == AppModel.wheelStep)

        TUIFixture.press(&m, .char("?"))
        wheel(&m, down: true, times: 2)
        #expect(m.showHelp && m.helpScroll == 2 * AppModel.wheelStep)
        click(&m, 3, 1)  // clicks on the help do nothing, not even behind it
        #expect(m.showHelp && m.screen == .roi)
    }

    @Test func clicksUnderAConfirmationNeverActOnWhatIsBehind() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("b"))
        let question = m.confirmation
        #expect(question != nil)
        let selected = m.selectedIndex(m.sourceRows(desk))
        let cols = SourcesScreen.visibleColumns(in: m.layout.columnHeader)
        // A tab, a row, a column title, the dialog's text, the wheel: nothing happens, the dialog stays.
        #expect(click(&m, m.layout.tabs[1].area.x, 1).isEmpty)
        #expect(click(&m, 10, rowY(m, 3), clicks: 2).isEmpty)
        #expect(click(&m, cols[6].x, m.layout.columnHeader.y).isEmpty)
        let box = m.layout.confirmBox(textWidth: Sanitizer.width(question!.question))
        #expect(click(&m, box.x + 3, box.y + 2).isEmpty)
        wheel(&m, down: true)
        #expect(m.confirmation == question && m.screen == .sources && m.sort == .today)
        #expect(m.selectedIndex(m.sourceRows(desk)) == selected)
        // [ Cancel ] cancels; nothing is ever confirmed by the mouse.
        let cancel = m.layout.confirmCancelButton(textWidth: Sanitizer.width(question!.question))
        let drawn = TUIFixture.render(m)
        #expect(cancel.columns.map { drawn[$0, cancel.y].text }.joined() == "[ Cancel ]")
        #expect(click(&m, cancel.maxX - 1, cancel.y).isEmpty)
        #expect(m.confirmation == nil && m.status?.text == "cancelled")
        #expect(m.screen == .sources && m.selectedIndex(m.sourceRows(desk)) == selected)
    }

    @Test func aClickWhileTypingAFilterKeepsItAndATooSmallTerminalIgnoresTheMouse() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("/"), .char("a"), .char("u"))
        click(&m, m.layout.tabs[1].area.x, 1)
        #expect(!m.editingFilter && m.filter == "au" && m.screen == .flow)
        var small = TUIFixture.model(60, 20)
        #expect(click(&small, 3, 1).isEmpty && small.screen == .sources)
    }

    @Test func sgrReportsDecode() {
        #expect(RawMouse.sgr("0;10;5M") == RawMouse(.leftPress, x: 9, y: 4))
        #expect(RawMouse.sgr("0;10;5m") == RawMouse(.leftRelease, x: 9, y: 4))
        #expect(RawMouse.sgr("64;1;1M") == RawMouse(.wheelUp, x: 0, y: 0))
        #expect(RawMouse.sgr("65;300;90M") == RawMouse(.wheelDown, x: 299, y: 89))  // past X10's column 223
        #expect(RawMouse.sgr("16;3;3M") == RawMouse(.leftPress, x: 2, y: 2))  // Ctrl held
        for bad in ["2;3;3M", "1;3;3M", "32;3;3M", "35;3;3M", "0;0;3M", "0;3M", "0;3;3", "0;a;3M", "0;;3M", "0;3;3;4M", "0;+3;3M", ""] {
            #expect(RawMouse.sgr(bad) == nil, "\(bad)")
        }
    }

    @Test func aSecondQuickPressOnTheSameCellIsADoubleClick() {
        var c = ClickCounter()
        func press(_ x: Int, _ y: Int, _ at: Double) -> Int? { c.event(RawMouse(.leftPress, x: x, y: y), at: at)?.clicks }
        #expect(press(5, 5, 10.0) == 1)
        #expect(c.event(RawMouse(.leftRelease, x: 5, y: 5), at: 10.1) == nil)
        #expect(press(5, 5, 10.3) == 2)
        #expect(press(5, 5, 10.5) == 1)  // a third press starts again
        #expect(press(5, 5, 11.0) == 1)  // too late
        #expect(press(6, 5, 11.1) == 1)  // another cell
        #expect(c.event(RawMouse(.wheelDown, x: 6, y: 5), at: 11.2) == MouseEvent(x: 6, y: 5, button: .wheelDown))
    }
}
