import LeadDeckCore
@testable import LeadDeckTUI
import Testing

/// Issue 7, defect 6 and "evidence before colour": a first run must not look like a disaster. Figures on too
/// few leads are dimmed and sort last; figures whose sales are still coming in are marked "~"; neither is red.
@Suite struct EvidenceTests {
    static let clock = LocalClock(utcOffsetMinutes: -300)
    static let t0 = Timestamp(iso8601: "2026-11-02T14:00:00Z")!

    /// A desk where `AUT01` bought `few` leads and `HOM02` bought `many`, all at `t0`, with `sales` converted.
    static func desk(few: Int, many: Int, fewRevenue: Int64 = 0, manyRevenue: Int64 = 0, at: Timestamp = t0, now: Timestamp? = nil) -> Desk {
        var desk = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        func buy(_ source: String, _ i: Int) {
            let o = Offer(leadID: "\(source)-\(i)", sourceID: source, subID: "a1", vertical: source == "AUT01" ? .autoInsurance : .homeInsurance,
                          state: "TX", postalCode: "75001", city: "Dallas", saleType: .shared, maxSells: 3, price: .dollars(10),
                          receivedAt: at, firstName: "A", lastName: "B", phone: "", email: "")
            desk.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 3)))
        }
        for i in 0..<few { buy("AUT01", i) }
        for i in 0..<many { buy("HOM02", i) }
        func sell(_ id: String, _ revenue: Int64) {
            guard revenue > 0, let e = desk.leads[id] else { return }
            desk.apply(.outcome(OutcomeEvent(time: at + 60, leadID: id, kind: .converted, revenue: Money(cents: revenue), lead: e.lead)))
        }
        sell("AUT01-0", fewRevenue)
        sell("HOM02-0", manyRevenue)
        if let now {
            // A rejected offer moves the store's clock to `now`.
            let o = Offer(leadID: "clock", sourceID: "SOL03", subID: "a1", vertical: .solar, state: "TX", postalCode: "75001",
                          city: "Dallas", saleType: .shared, maxSells: 3, price: .dollars(10), receivedAt: now,
                          firstName: "A", lastName: "B", phone: "", email: "")
            desk.apply(.offer(OfferEvent(offer: o, decision: .rejected(.filtered), tier: 3)))
        }
        return desk
    }

    static func row(_ rows: [SourceRow], _ id: String) -> SourceRow { rows.first { $0.key.source == id && $0.key.subID == nil }! }

    static func roiCell(_ r: SourceRow) -> (String, Style) {
        let col = SourcesScreen.columns.first { $0.id == .roi }!
        return SourcesScreen.cell(col, r, MetricsRow(r.counters), ascii: false)
    }

    @Test func aLossOnTooFewLeadsIsDimmedNotRed() {
        // Two days later, so nothing is maturing: only the evidence rule applies.
        let d = Self.desk(few: 5, many: 60, now: Self.t0 + 2 * 86_400)
        let rows = SourceTable.rows(desk: d, window: .all, sort: .roi, descending: true, filter: "", expanded: [])
        let few = Self.row(rows, "AUT01"), many = Self.row(rows, "HOM02")
        #expect(!few.hasEvidence && many.hasEvidence)
        #expect(Self.roiCell(few).0 == "-100.0%")
        #expect(Self.roiCell(few).1 == .dim, "a -100% on five leads is not a verdict")
        #expect(Self.roiCell(many).1 == .bad, "on sixty leads it is")
    }

    @Test func thinEvidenceSortsAfterTheRestEitherWay() {
        // AUT01: +1,900% on two leads. HOM02: -50% on sixty. By ROI high to low, HOM02 still comes first.
        let d = Self.desk(few: 2, many: 60, fewRevenue: 40_000, manyRevenue: 30_000, now: Self.t0 + 2 * 86_400)
        for descending in [true, false] {
            let rows = SourceTable.rows(desk: d, window: .all, sort: .roi, descending: descending, filter: "", expanded: [])
            let order = rows.filter { $0.counters.bought > 0 }.map(\.key.source)
            #expect(order == ["HOM02", "AUT01"], "descending \(descending): \(order)")
        }
    }

    @Test func youngLeadsAreMarkedMaturingAndNeverRed() {
        // Sixty leads bought an hour ago, none sold yet: -100% is what every first run shows.
        let d = Self.desk(few: 0, many: 60, now: Self.t0 + 3600)
        let rows = SourceTable.rows(desk: d, window: .all, sort: .roi, descending: true, filter: "", expanded: [])
        let r = Self.row(rows, "HOM02")
        #expect(r.maturing)
        let (text, style) = Self.roiCell(r)
        #expect(text == "~-100%", "\(text)")
        #expect(style == .dim)
        // The same leads two days on are mature: the loss is shown as one.
        let later = Self.desk(few: 0, many: 60, now: Self.t0 + 2 * 86_400)
        let m = Self.row(SourceTable.rows(desk: later, window: .all, sort: .roi, descending: true, filter: "", expanded: []), "HOM02")
        #expect(!m.maturing)
        #expect(Self.roiCell(m) == ("-100.0%", .bad))
    }

    @Test func matureOnlyLeavesOutYoungCohorts() {
        let d = Self.desk(few: 0, many: 60, now: Self.t0 + 3600)
        let rows = SourceTable.rows(desk: d, window: .all, sort: .roi, descending: true, filter: "", expanded: [], matureOnly: true)
        #expect(Self.row(rows, "HOM02").counters.bought == 0, "every lead is younger than the usual lag")
        let later = Self.desk(few: 0, many: 60, now: Self.t0 + 3 * 86_400)
        let old = SourceTable.rows(desk: later, window: .all, sort: .roi, descending: true, filter: "", expanded: [], matureOnly: true)
        #expect(Self.row(old, "HOM02").counters.bought == 60)
    }

    @Test func theKeyTogglesMatureOnlyAndTheInfoLineSaysSo() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("a"))
        #expect(m.matureOnly)
        let top = TUIFixture.render(m).text.split(separator: "\n")[2]
        #expect(top.contains("mature leads only"), "\(top)")
    }
}

/// Issue 7, defect 7: one status vocabulary. A source with a blocked sub-ID is `partial`: it matches neither
/// `blocked` nor `active`, and the row, the detail and the CLI say the same word.
@Suite struct StatusWordTests {
    @Test func aSourceWithOneBlockedSubIDIsPartialEverywhere() {
        var desk = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        desk.apply(.policy(PolicyEvent(time: Timestamp(seconds: 1), actor: "t", change: .block(source: "AUT01", subID: "a1"))))
        desk.apply(.policy(PolicyEvent(time: Timestamp(seconds: 2), actor: "t", change: .block(source: "HOM02", subID: nil))))
        func ids(_ filter: String) -> [String] {
            SourceTable.rows(desk: desk, window: .all, sort: .name, descending: false, filter: filter, expanded: []).map(\.key.source).sorted()
        }
        #expect(ids("blocked") == ["HOM02"])
        #expect(ids("partial") == ["AUT01"])
        #expect(ids("status:active") == ["BAD04", "SOL03"])
        #expect(ids("active") == ["BAD04", "SOL03"])
        let rows = SourceTable.rows(desk: desk, window: .all, sort: .name, descending: false, filter: "", expanded: ["AUT01"])
        let col = SourcesScreen.columns.first { $0.id == .status }!
        let aut = rows.first { $0.key.source == "AUT01" && $0.key.subID == nil }!
        #expect(SourcesScreen.cell(col, aut, MetricsRow(aut.counters), ascii: false).0 == "prt")
        let sub = rows.first { $0.key.subID == "a1" }!
        #expect(SourcesScreen.cell(col, sub, MetricsRow(sub.counters), ascii: false).0 == "BLK")
        let source = desk.catalog.source("AUT01")!
        let detail = DetailScreen.content(source, m: TUIFixture.model(), desk: desk, feed: LiveFeed()).map { $0.map(\.0).joined() }
        #expect(detail[1].hasPrefix("status partial (1 of 2 sub-IDs blocked)"), "\(detail[1])")
    }
}

/// Alerts in the dashboard: a line in the header, a red tab, and the Alerts screen (key 5).
@Suite struct AlertScreenTests {
    @Test func anAlertTodayShowsInTheHeaderTheTabAndTheList() throws {
        var (desk, feed) = TUIFixture.state
        let now = desk.metrics.latest
        desk.apply(.alert(AlertEvent(time: now, kind: .budget, source: nil, text: "daily budget spent out at 14:40: $9,000 of $9,000")))
        desk.apply(.alert(AlertEvent(time: now, kind: .cap, source: "AUT01", text: "AUT01 reached its daily cap of 5 leads at 15:00")))
        var m = TUIFixture.model()
        let top = Renderer.render(m, desk: desk, feed: feed, info: TUIFixture.info)
        let header = String(top.text.split(separator: "\n")[0])
        #expect(header.contains("! cap reached +1"), "\(header)")
        let tabRow = 1
        let tabX = try #require(m.layout.tabs.first { $0.screen == .alerts }).area.x + 1
        #expect(top[tabX, tabRow].style.fg == .red)
        m.handle(.char("5"), desk: desk, feed: feed)
        #expect(m.screen == .alerts)
        let text = Renderer.render(m, desk: desk, feed: feed, info: TUIFixture.info).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[2].contains("2 alerts kept, 2 today"), "\(lines[2])")
        #expect(lines[4].contains("cap reached") && lines[4].contains("AUT01 reached its daily cap"), "newest first: \(lines[4])")
        #expect(lines[5].contains("budget out") && lines[5].contains("daily budget spent out at 14:40"))
    }

    @Test func noAlertsSaysWhatWouldRaiseOne() {
        var m = TUIFixture.model()
        m.handle(.char("5"), desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        #expect(TUIFixture.render(m).text.contains("No alerts. The engine raises one when the budget is spent out"))
    }
}
