import LeadDeckCore
import LeadDeckTUI
import Testing

/// The filter language of the Sources and Live flow screens: `key:value`, `!` negation, numeric comparisons,
/// errors for what it does not know, and the per-screen history ↑/↓ recall.
@Suite struct FilterTests {
    /// AUT01 bought 5 leads at $10 and sold none (ROI -100%, conversion 0%); HOM02 bought 40 at $10 and sold
    /// one for $1,000 (ROI +150%, CPA $400, conversion 2.5%); SOL03 and BAD04 bought nothing (no CPL, ROI, ...).
    static let desk = EvidenceTests.desk(few: 5, many: 40, manyRevenue: 100_000)

    /// The source ids (no sub-ID rows) a Sources filter keeps on `desk`, sorted.
    static func ids(_ filter: String, desk: Desk = desk) -> [String] {
        SourceTable.rows(desk: desk, window: .all, sort: .name, descending: false, filter: filter, expanded: [])
            .map(\.key.source).sorted()
    }

    static func error(_ filter: String) -> String? {
        if case .failure(let e) = RowFilter.parse(filter) { return e.description }
        return nil
    }

    static func flowError(_ filter: String) -> String? {
        if case .failure(let e) = FlowFilter.parse(filter) { return e.description }
        return nil
    }

    /// Types a filter like a user: `/`, erase the draft, the text, Enter.
    static func apply(_ m: inout AppModel, _ text: String) {
        TUIFixture.press(&m, .char("/"))
        for _ in m.filterDraft { TUIFixture.press(&m, .backspace) }
        for c in text { TUIFixture.press(&m, .char(c)) }
        TUIFixture.press(&m, .enter)
    }

    // MARK: Sources: key:value and text

    @Test func keyValueFieldsOnSources() {
        #expect(Self.ids("vertical:auto") == ["AUT01", "BAD04"])
        #expect(Self.ids("vertical:personal") == [])  // legal's label: a known value, no such source here
        #expect(Self.ids("channel:search") == ["HOM02"])
        #expect(Self.ids("channel:web_form") == ["AUT01"])
        #expect(Self.ids("mode:exclusive") == ["SOL03"])
        #expect(Self.ids("tier:1") == ["AUT01"])
        #expect(Self.ids("pri:3") == ["HOM02", "SOL03"])
        #expect(Self.ids("status:active") == ["AUT01", "BAD04", "HOM02", "SOL03"])
        #expect(Self.ids("source:aut") == ["AUT01"])
        #expect(Self.ids("id:HOM02") == ["HOM02"])
        #expect(Self.ids("name:harbor") == ["HOM02"])
        #expect(Self.ids("name:solar") == ["SOL03"])
        #expect(Self.ids("name:東京") == ["BAD04", "SOL03"])  // BAD04's hostile name has 東京 too
        #expect(Self.ids("aut") == ["AUT01", "BAD04"])  // id, or the vertical "auto"
        #expect(Self.ids("vertical:auto tier:5") == ["BAD04"])  // every word must match
        #expect(Self.ids("VERTICAL:Auto") == ["AUT01", "BAD04"])  // case does not matter
    }

    @Test func sourceMatchesSubIDRowsBySourceSlashSub() {
        let f = try! RowFilter.parse("source:aut01/a").get()
        let rows = SourceTable.rows(desk: Self.desk, window: .all, sort: .name, descending: false, filter: "", expanded: ["AUT01"])
        #expect(rows.filter(f.matches).map { $0.key.subID } == ["a1"])
    }

    // MARK: Negation

    @Test func negationOnAnyWord() {
        #expect(Self.ids("!vertical:auto") == ["HOM02", "SOL03"])
        #expect(Self.ids("!aut") == ["HOM02", "SOL03"])
        #expect(Self.ids("!tier:3 !tier:1") == ["BAD04"])
        var blocked = Self.desk
        blocked.apply(.policy(PolicyEvent(time: Timestamp(seconds: 1), actor: "t", change: .block(source: "HOM02", subID: nil))))
        #expect(Self.ids("blocked", desk: blocked) == ["HOM02"])
        #expect(Self.ids("!blocked", desk: blocked) == ["AUT01", "BAD04", "SOL03"])
        #expect(Self.ids("!status:blocked vertical:auto", desk: blocked) == ["AUT01", "BAD04"])
    }

    // MARK: Numbers

    @Test func roiIsInPercent() {
        #expect(Self.ids("roi<0") == ["AUT01"])
        #expect(Self.ids("roi>=0") == ["HOM02"])
        #expect(Self.ids("roi=150") == ["HOM02"])
        #expect(Self.ids("roi>149.9%") == ["HOM02"])
        #expect(Self.ids("roi<=-100") == ["AUT01"])
    }

    @Test func aRowWithoutTheFigureMatchesNoComparisonButMatchesItsNegation() {
        // SOL03 and BAD04 bought nothing: no ROI, CPL, CPA or rates.
        #expect(Self.ids("roi!=150") == ["AUT01"])
        #expect(Self.ids("!roi<0") == ["BAD04", "HOM02", "SOL03"])
        #expect(Self.ids("cpl>0") == ["AUT01", "HOM02"])
        #expect(Self.ids("!cpl>0") == ["BAD04", "SOL03"])
        #expect(Self.ids("cpa>0") == ["HOM02"])  // AUT01 has no sale, so no CPA
        #expect(Self.ids("conv<1") == ["AUT01"])
        // An empty desk: no row has an ROI, so no comparison matches and every negation does.
        let empty = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        #expect(Self.ids("roi<0", desk: empty).isEmpty && Self.ids("roi>=0", desk: empty).isEmpty)
        #expect(Self.ids("!roi<0", desk: empty).count == 4)
    }

    @Test func countsDollarsAndPercents() {
        #expect(Self.ids("leads>=30") == ["HOM02"])
        #expect(Self.ids("leads<30") == ["AUT01", "BAD04", "SOL03"])  // no leads is a count of 0
        #expect(Self.ids("leads=5") == ["AUT01"])
        #expect(Self.ids("spend>100") == ["HOM02"])
        #expect(Self.ids("spend>=$50") == ["AUT01", "HOM02"])
        #expect(Self.ids("spend<1,000") == ["AUT01", "BAD04", "HOM02", "SOL03"])
        #expect(Self.ids("cpl>50").isEmpty)
        #expect(Self.ids("cpl=10") == ["AUT01", "HOM02"])
        #expect(Self.ids("cpl>9.99") == ["AUT01", "HOM02"])
        #expect(Self.ids("cpa=400") == ["HOM02"])
        #expect(Self.ids("conv=2.5") == ["HOM02"])
        #expect(Self.ids("cont=0") == ["AUT01", "HOM02"])
        #expect(Self.ids("ret>0").isEmpty)
        #expect(Self.ids("pri<=2") == ["AUT01"])
        #expect(Self.ids("tier>=5") == ["BAD04"])
        #expect(Self.ids("pri!=3") == ["AUT01", "BAD04"])
    }

    @Test func todayCountsLeadsBoughtToday() {
        let rows = SourceTable.rows(desk: Self.desk, window: .all, sort: .name, descending: false, filter: "", expanded: [])
        let expected = rows.filter { $0.boughtToday > 0 }.map(\.key.source).sorted()
        #expect(expected == ["AUT01", "HOM02"])
        #expect(Self.ids("today>0") == expected)
        #expect(Self.ids("today=40") == ["HOM02"])
    }

    @Test func fixtureFiguresAgreeWithTheColumns() {
        // On the simulated desk, each comparison keeps exactly the rows whose column says so.
        let (desk, _) = TUIFixture.state
        let rows = SourceTable.rows(desk: desk, window: .all, sort: .name, descending: false, filter: "", expanded: [])
        func ids(_ f: String) -> [String] { Self.ids(f, desk: desk) }
        func keep(_ p: (MetricsRow) -> Bool) -> [String] { rows.filter { p(MetricsRow($0.counters)) }.map(\.key.source).sorted() }
        #expect(ids("roi<0") == keep { ($0.roi ?? 0) < 0 && $0.roi != nil })
        #expect(ids("roi>20") == keep { ($0.roi ?? 0) > 0.2 })
        #expect(ids("cpl>20") == keep { ($0.cpl?.cents ?? 0) > 2000 })
        #expect(ids("leads>=30") == keep { $0.counters.bought >= 30 })
        #expect(ids("conv>=5") == keep { ($0.conversionRate.value ?? 0) >= 0.05 })
    }

    // MARK: Errors

    @Test func unknownKeysAndMalformedNumbersAreErrors() {
        let foo = Self.error("foo:bar")
        #expect(foo?.hasPrefix("filter: unknown key \"foo\" (known: vertical, channel, mode, tier, status, source, name, roi, leads") == true, "\(foo ?? "")")
        #expect(Self.error("roix<3")?.hasPrefix("filter: unknown key \"roix\" (did you mean roi? known:") == true)
        #expect(Self.error("roi<abc") == "filter: \"abc\" in \"roi<abc\" is not a number, as in roi<0")
        #expect(Self.error("roi<") == "filter: \"roi<\" needs a number, as in roi<0")
        #expect(Self.error("cpl>nan") != nil && Self.error("cpl>0x10") != nil && Self.error("leads>1e3") != nil)
        #expect(Self.error("roi:5") == "filter: roi takes a comparison, as in roi<0")
        #expect(Self.error("vertical>3")?.hasPrefix("filter: vertical is not a number") == true)
        #expect(Self.error("vertical:") == "filter: \"vertical:\" needs a value, as in vertical:auto")
        #expect(Self.error("vertical:atuo")?.hasPrefix("filter: no vertical begins with \"atuo\" (vertical: auto, home,") == true)
        #expect(Self.error("status:zzz") != nil && Self.error("tier:7") != nil)
        #expect(Self.error("!") != nil)
        #expect(Self.error("aut !blocked roi<0 leads>=30 cpl>50") == nil)
        #expect(Self.error("") == nil && Self.error("10:30") == nil)  // no key before the colon: plain text
        // A filter that does not parse matches nothing: it is never a silent "everything".
        #expect(Self.ids("foo:bar").isEmpty)
    }

    @Test func anUnknownKeyLeavesTheFilterInForceAndSaysWhy() {
        var m = TUIFixture.model()
        let desk = TUIFixture.state.0
        Self.apply(&m, "vertical:solar")
        #expect(m.filter == "vertical:solar" && m.status == nil)
        Self.apply(&m, "foo:bar")
        #expect(!m.editingFilter)
        #expect(m.filter == "vertical:solar")
        #expect(m.sourceRows(desk).map(\.key.source) == ["SOL03"])
        #expect(m.status?.isError == true)
        #expect(m.status?.text.hasPrefix("filter: unknown key \"foo\" (known: vertical, channel") == true)
        let lines = TUIFixture.render(m).text.split(separator: "\n")
        #expect(lines.last?.hasPrefix(" filter: unknown key \"foo\"") == true, "\(lines.last ?? "")")
        #expect(m.filterHistory == ["vertical:solar"])  // a refused filter is not remembered
        // Fixed and applied: the refusal goes away.
        Self.apply(&m, "tier:5")
        #expect(m.filter == "tier:5" && m.status == nil)
    }

    @Test func theDraftPreviewsWhileItParsesAndShowsItsErrorWhileItDoesNot() {
        var m = TUIFixture.model()
        let desk = TUIFixture.state.0
        Self.apply(&m, "tier:5")
        TUIFixture.press(&m, .char("/"))
        for _ in 0..<6 { TUIFixture.press(&m, .backspace) }
        for c in "vertical:sol" { TUIFixture.press(&m, .char(c)) }
        #expect(m.sourceRows(desk).map(\.key.source) == ["SOL03"])  // live preview
        #expect(m.filter == "tier:5")  // not applied yet
        for _ in 0..<12 { TUIFixture.press(&m, .backspace) }
        for c in "roi<" { TUIFixture.press(&m, .char(c)) }
        #expect(m.sourceRows(desk).map(\.key.source) == ["BAD04"])  // the filter in force, while the draft is incomplete
        #expect(m.filterDraftError?.message == "\"roi<\" needs a number, as in roi<0")
        let bar = String(TUIFixture.render(m).text.split(separator: "\n").last!)
        #expect(bar.contains("filter: roi<▏") && bar.contains("needs a number"), "\(bar)")
        TUIFixture.press(&m, .escape)
        #expect(m.filter.isEmpty && !m.editingFilter && m.sourceRows(desk).count == 4)
    }

    // MARK: History

    @Test func upAndDownRecallEarlierFiltersMostRecentFirst() {
        var m = TUIFixture.model()
        Self.apply(&m, "vertical:solar")
        Self.apply(&m, "tier:5")
        Self.apply(&m, "  vertical:solar ")  // again: moves to the front, once, tidied
        #expect(m.filterHistory == ["vertical:solar", "tier:5"])
        TUIFixture.press(&m, .char("/"))
        for _ in m.filterDraft { TUIFixture.press(&m, .backspace) }
        for c in "ab" { TUIFixture.press(&m, .char(c)) }
        TUIFixture.press(&m, .up)
        #expect(m.filterDraft == "vertical:solar")
        TUIFixture.press(&m, .up)
        #expect(m.filterDraft == "tier:5")
        TUIFixture.press(&m, .up)
        #expect(m.filterDraft == "tier:5")  // the oldest stays
        TUIFixture.press(&m, .down)
        #expect(m.filterDraft == "vertical:solar")
        TUIFixture.press(&m, .down)
        #expect(m.filterDraft == "ab")  // past the newest: what was being typed
        TUIFixture.press(&m, .down)
        #expect(m.filterDraft == "ab")
        TUIFixture.press(&m, .up, .up, .enter)
        #expect(m.filter == "tier:5")
        #expect(m.filterHistory == ["tier:5", "vertical:solar"])
    }

    @Test func eachScreenHasItsOwnHistory() {
        var m = TUIFixture.model()
        Self.apply(&m, "vertical:solar")
        TUIFixture.press(&m, .char("2"))
        TUIFixture.press(&m, .char("/"), .up)
        #expect(m.filterDraft.isEmpty)  // the Sources history is not the flow's
        TUIFixture.press(&m, .escape)
        Self.apply(&m, "decision:bought")
        #expect(m.flowFilter == "decision:bought" && m.flowFilterHistory == ["decision:bought"])
        #expect(m.filterHistory == ["vertical:solar"] && m.filter == "vertical:solar")
        TUIFixture.press(&m, .char("/"))
        for _ in m.filterDraft { TUIFixture.press(&m, .backspace) }
        TUIFixture.press(&m, .up)
        #expect(m.filterDraft == "decision:bought")
    }

    @Test func theHistoryKeepsTheLatestFifty() {
        var m = TUIFixture.model()
        for i in 0..<55 { Self.apply(&m, "a\(i)") }
        #expect(m.filterHistory.count == AppModel.filterHistoryLimit && AppModel.filterHistoryLimit == 50)
        #expect(m.filterHistory.first == "a54" && m.filterHistory.last == "a5")
        // Esc and empty filters are not remembered.
        TUIFixture.press(&m, .char("/"), .char("z"), .escape)
        Self.apply(&m, "")
        #expect(m.filterHistory.first == "a54")
    }

    // MARK: Live flow

    @Test func flowKeysAndNumbers() {
        var m = TUIFixture.model()
        let feed = TUIFixture.state.1
        let all = m.flowItems(feed)
        func items(_ f: String) -> [FeedItem] { m.flowFilter = f; return m.flowItems(feed) }
        let state = all.first { !$0.state.isEmpty }!.state
        #expect(items("state:\(state.lowercased())") == all.filter { $0.state == state })
        #expect(items("!state:\(state)") == all.filter { $0.state != state })
        #expect(items("vertical:solar") == all.filter { $0.vertical == .solar } && !items("vertical:solar").isEmpty)
        #expect(items("source:aut01") == all.filter { $0.sourceID == "AUT01" })
        #expect(items("source:aut01/b2") == all.filter { $0.sourceID == "AUT01" && $0.subID == "b2" })
        #expect(items("mode:exclusive") == all.filter { $0.saleType == .exclusive } && !items("sale:exclusive").isEmpty)
        #expect(items("sale:shared") == all.filter { $0.saleType == .shared })
        let dear = all.filter { $0.price > .dollars(50) }
        #expect(!dear.isEmpty && dear.count < all.count)
        #expect(items("price>50") == dear && items("price>$50.00") == dear)
        #expect(items("!price>50").count == all.count - dear.count)
        #expect(items("decision:bought") == all.filter { $0.decision?.isBought == true })
        #expect(items("!decision:bought") == all.filter { $0.decision?.isBought != true })
        #expect(items("decision:rejected vertical:auto price<=20")
                == all.filter { if case .rejected? = $0.decision { return $0.vertical == .autoInsurance && $0.price <= .dollars(20) } else { return false } })
    }

    @Test func flowErrorsLeaveTheFlowFilterInForce() {
        #expect(Self.flowError("roi<0")?.hasPrefix("filter: unknown key \"roi\" (known: vertical, state, source, decision, mode, price)") == true,
                "\(Self.flowError("roi<0") ?? "")")
        #expect(Self.flowError("decision:bougt")?.hasPrefix("filter: no decision begins with \"bougt\"") == true)
        #expect(Self.flowError("price>cheap") != nil && Self.flowError("state>2") != nil)
        #expect(Self.flowError("state:TX !decision:cap price>=12.5 sale:excl") == nil)
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("2"))
        Self.apply(&m, "decision:bought")
        let bought = m.flowItems(TUIFixture.state.1)
        Self.apply(&m, "foo:1")
        #expect(m.flowFilter == "decision:bought" && m.flowItems(TUIFixture.state.1) == bought)
        #expect(m.status?.isError == true && m.status?.text.hasPrefix("filter: unknown key \"foo\"") == true)
    }

    // MARK: Help

    @Test func theHelpExplainsTheSyntax() {
        let help = Renderer.helpLines(TUIFixture.model()).joined(separator: " ")
        for word in ["roi<0", "!vertical:auto", "state:", "decision:bought|rejected|REASON", "<=", "!="] {
            #expect(help.contains(word), "\(word)")
        }
    }
}
