import Foundation
import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Columns keyed by id")
struct ColumnIDTests {
    var desk: Desk { TUIFixture.state.0 }

    @Test func everySourceColumnHasOneIdAndTheTitleIsOnlyDisplay() {
        #expect(SourcesScreen.columns.map(\.id) == SourceColumnID.allCases)
        #expect(SourceColumnID.allCases.filter { !$0.isSortable } == [.offers])
        // Ids are stable strings, independent of the titles ("CPL", "cont", "source").
        #expect(SourceColumnID(rawValue: "cpl") == .cpl && SourceColumnID(rawValue: "contact") == .contact)
        #expect(SourcesScreen.columns.first { $0.id == .name }?.title == "source")
        #expect(!SourcesScreen.visibleSorts(width: 200).contains(.offers))
        #expect(SourcesScreen.visibleColumns(in: Layout(width: 200, height: 40).columnHeader).contains { $0.id == .offers })
    }

    @Test func placedColumnsDoNotOverlapAndFitTheWidth() {
        for width in [80, 100, 120, 160, 200] {
            let cols = SourcesScreen.visibleColumns(in: Layout(width: width, height: 24).columnHeader)
            #expect(cols.first?.x == 1)
            for (a, b) in zip(cols, cols.dropFirst()) { #expect(b.x == a.span.upperBound + 1) }
            #expect((cols.last?.span.upperBound ?? 0) <= width)
            #expect(SourcesScreen.visibleSorts(width: width) == cols.map(\.id).filter(\.isSortable))
        }
    }

    @Test func sortingIsKeyedByTheColumnId() {
        var m = TUIFixture.model(200, 40)
        for id in SourcesScreen.visibleSorts(width: 200) {
            m.sort = id
            m.descending = SourceTable.defaultDescending(id)
            let rows = m.sourceRows(desk)
            // Rows in the column's order (ties by source id), rows without a figure last.
            for (a, b) in zip(rows, rows.dropFirst()) where SourceTable.hasValue(a, id) && SourceTable.hasValue(b, id) {
                let o = SourceTable.order(a, b, id)
                #expect(m.descending ? o >= 0 : o <= 0, "\(id)")
            }
            // The arrow is drawn on the column with that id (in its padding, or the gap just before it).
            let header = Array(TUIFixture.render(m).text.split(separator: "\n")[3])
            let arrows = header.indices.filter { header[$0] == "↓" || header[$0] == "↑" }
            let col = SourcesScreen.visibleColumns(in: m.layout.columnHeader).first { $0.id == id }!
            #expect(arrows.count == 1 && (col.x - 1..<col.span.upperBound).contains(arrows[0]), "\(id): \(String(header))")
        }
    }

    @Test func sCyclesByIdAndSaysSoInTheStatusLine() {
        var m = TUIFixture.model(200, 40)
        let shown = SourcesScreen.visibleSorts(width: 200)
        let start = shown.firstIndex(of: m.sort)!
        TUIFixture.press(&m, .char("s"))
        #expect(m.sort == shown[(start + 1) % shown.count])
        #expect(m.status?.text.hasPrefix("sorted by \(m.sort.rawValue) ") == true)
    }

    @Test func roiTablesDropCPAWhenNarrowAndKeepTheLabelFirst() {
        let wide = ROIScreen.columns(in: Rect(x: 1, y: 0, width: 58, height: 4))
        #expect(wide.map(\.id) == ROIColumnID.allCases)
        #expect(wide.first?.x == 1 && wide.last?.span.upperBound == 58)
        let narrow = ROIScreen.columns(in: Rect(x: 41, y: 0, width: 38, height: 4))
        #expect(narrow.map(\.id) == [.label, .bought, .cpl, .conv, .roi])
        #expect(TableColumns.column(atX: 41, in: narrow)?.id == .label)
    }
}

/// Column setup (key C), profit $, and sorting by a chosen column with < and >.
@Suite struct ColumnSetupTests {
    @Test func hidingAndMovingColumnsChangesWhatIsDrawnAndKeepsTheSourceColumn() {
        var m = TUIFixture.model(200, 40)
        var cols = SourcesScreen.visibleColumns(in: m.layout.columnHeader, setup: m.columnSetup).map(\.id)
        #expect(cols.contains(.profit) && !cols.contains(.revenue))
        TUIFixture.press(&m, .char("C"))
        #expect(m.showColumnSetup)
        // Down to "revenue" and show it; hide "channel"; move "profit" to the front.
        let revenueRow = m.columnSetup.order.firstIndex(of: .revenue)!
        for _ in 0..<revenueRow { TUIFixture.press(&m, .down) }
        TUIFixture.press(&m, .char(" "))
        m.columnSetup.toggle(.channel)
        m.columnSetupIndex = m.columnSetup.order.firstIndex(of: .profit)!
        for _ in 0..<20 { TUIFixture.press(&m, .char("[")) }
        m.columnSetup.toggle(.name)  // refused: the source column always shows
        TUIFixture.press(&m, .escape)
        #expect(!m.showColumnSetup)
        cols = SourcesScreen.visibleColumns(in: m.layout.columnHeader, setup: m.columnSetup).map(\.id)
        #expect(cols.first == .profit && cols.contains(.revenue) && !cols.contains(.channel) && cols.contains(.name))
        let header = String(TUIFixture.render(m).text.split(separator: "\n")[3])
        #expect(header.hasPrefix("   profit") || header.contains(" profit "), "\(header)")
        #expect(header.contains("revenue") && !header.contains("channel"))
    }

    @Test func angleBracketsSortByTheNeighbouringColumn() {
        var m = TUIFixture.model(200, 40)
        m.sort = .roi
        TUIFixture.press(&m, .char(">"))
        #expect(m.sort == .profit)
        TUIFixture.press(&m, .char("<"), .char("<"))
        #expect(m.sort == .cpa)
    }

    @Test func profitRanksABigLossBelowASmallWin() {
        var m = TUIFixture.model(200, 40)
        m.sort = .profit
        m.descending = true
        let rows = m.sourceRows(TUIFixture.state.0).filter { $0.key.subID == nil && $0.hasEvidence }
        let profits = rows.map { MetricsRow($0.counters).profit.cents }
        #expect(profits == profits.sorted(by: >), "\(profits)")
    }

    @Test func aSavedSetupFromAnotherVersionLoads() throws {
        let json = #"{"order":["roi","pri","warp","name"],"hidden":["name","spend","zzz"]}"#
        let setup = try JSONDecoder().decode(ColumnSetup.self, from: Data(json.utf8))
        #expect(setup.order.prefix(3) == [.roi, .priority, .name])
        #expect(Set(setup.order) == Set(SourceColumnID.allCases), "new columns join at the end, unknown ones are dropped")
        #expect(setup.hidden == [.spend], "the source column cannot be hidden")
    }
}

/// Stable rows: the order holds while the person navigates (or is frozen with Z), so a key never lands on a
/// row that moved under the cursor; it follows the sort again when idle.
@Suite struct StableRowTests {
    static func busier(_ desk: Desk, source: String, leads: Int) -> Desk {
        var d = desk
        for i in 0..<leads {
            let o = Offer(leadID: "X\(source)\(i)", sourceID: source, subID: "a1", vertical: .solar, state: "TX", postalCode: "1",
                          city: "x", saleType: .exclusive, maxSells: 1, price: .dollars(50), receivedAt: d.metrics.latest + 1,
                          firstName: "a", lastName: "b", phone: "", email: "")
            d.apply(.offer(OfferEvent(offer: o, decision: .bought(.exclusive), tier: 3)))
        }
        return d
    }

    @Test func rowsHoldStillWhileNavigatingAndFollowTheSortWhenIdle() {
        var m = TUIFixture.model()
        let desk = TUIFixture.state.0
        let before = m.sourceRows(desk).map(\.key.source)
        TUIFixture.press(&m, .down)
        // SOL03 (third by leads today) suddenly buys the most: the rows must not reorder under the cursor.
        let changed = Self.busier(desk, source: "SOL03", leads: 400)
        #expect(m.sourceRows(changed).map(\.key.source) == before)
        #expect(TUIFixture.render(m).text.contains("order held while you move"))
        m.releaseHeldOrder()
        #expect(m.sourceRows(changed).first?.key.source == "SOL03")
    }

    @Test func zFreezesUntilPressedAgainAndSortingReleasesIt() {
        var m = TUIFixture.model()
        let desk = TUIFixture.state.0
        let before = m.sourceRows(desk).map(\.key.source)
        TUIFixture.press(&m, .char("Z"))
        m.releaseHeldOrder()  // idle: a frozen order stays
        let changed = Self.busier(desk, source: "SOL03", leads: 400)
        #expect(m.sourceRows(changed).map(\.key.source) == before)
        TUIFixture.press(&m, .char("Z"))
        #expect(m.sourceRows(changed).first?.key.source == "SOL03")
        TUIFixture.press(&m, .char("Z"), .char("S"))
        #expect(!m.orderFrozen && m.heldOrder == nil)
    }
}

@Suite struct PreferencesModelTests {
    @Test func preferencesRoundTripThroughJSONAndSkipWhatTheyDoNotKnow() throws {
        var m = TUIFixture.model()
        m.sort = .profit
        m.descending = false
        m.window = .today
        m.matureOnly = true
        m.columnSetup.toggle(.channel)
        m.expanded = ["AUT01"]
        m.filterHistory = ["roi<0", "vertical:auto"]
        let data = try JSONEncoder().encode(DashboardPreferences(m))
        var fresh = TUIFixture.model()
        try JSONDecoder().decode(DashboardPreferences.self, from: data).apply(to: &fresh)
        #expect(fresh.sort == .profit && !fresh.descending && fresh.window == .today && fresh.matureOnly)
        #expect(fresh.columnSetup == m.columnSetup && fresh.expanded == ["AUT01"] && fresh.filterHistory == m.filterHistory)
        // A newer file's unknown fields and values are skipped.
        let newer = #"{"version":1,"sort":"warp","window":"decade","expanded":["AUT01","bad id!"],"extra":{"x":1}}"#
        var other = TUIFixture.model()
        try JSONDecoder().decode(DashboardPreferences.self, from: Data(newer.utf8)).apply(to: &other)
        #expect(other.sort == .today && other.window == .all && other.expanded == ["AUT01"])
    }
}
