import Foundation
import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Key handling")
struct KeyHandlingTests {
    var desk: Desk { TUIFixture.state.0 }

    @Test func tabDigitsAndEscapeSwitchScreens() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .tab)
        #expect(m.screen == .flow)
        TUIFixture.press(&m, .tab, .tab)
        #expect(m.screen == .detail)
        TUIFixture.press(&m, .tab)
        #expect(m.screen == .alerts)
        TUIFixture.press(&m, .tab)
        #expect(m.screen == .sources)
        TUIFixture.press(&m, .backTab)
        #expect(m.screen == .alerts)
        TUIFixture.press(&m, .char("3"))
        #expect(m.screen == .roi)
        TUIFixture.press(&m, .char("1"), .down, .enter)
        #expect(m.screen == .detail)
        TUIFixture.press(&m, .escape)
        #expect(m.screen == .sources)
    }

    @Test func quitIsAnEffect() {
        var m = TUIFixture.model()
        #expect(TUIFixture.press(&m, .char("q")) == [.quit])
    }

    @Test func movingTheSelectionAndScrolling() {
        var m = TUIFixture.model(120, 24)
        TUIFixture.press(&m, .right, .down)  // expand the first source, step onto its first sub-ID
        let rows = m.sourceRows(desk)
        #expect(rows[m.selectedIndex(rows)].key.subID != nil)
        TUIFixture.press(&m, .end)
        #expect(m.selectedIndex(m.sourceRows(desk)) == m.sourceRows(desk).count - 1)
        TUIFixture.press(&m, .home)
        #expect(m.selectedIndex(m.sourceRows(desk)) == 0)
        TUIFixture.press(&m, .char("j"), .char("k"), .char("k"))
        #expect(m.selectedIndex(m.sourceRows(desk)) == 0)
    }

    @Test func sortCyclesAndReverses() {
        var m = TUIFixture.model()
        #expect(m.sort == .today)
        TUIFixture.press(&m, .char("s"))  // spend is not shown at 120 columns, so CPL comes next
        #expect(m.sort == .cpl && !m.descending)
        let ascending = m.sourceRows(desk).compactMap { MetricsRow($0.counters).cpl }
        #expect(ascending == ascending.sorted())
        TUIFixture.press(&m, .char("S"))
        let descending = m.sourceRows(desk).compactMap { MetricsRow($0.counters).cpl }
        #expect(descending == ascending.sorted().reversed())
    }

    @Test func filterTextAndTokens() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("/"))
        #expect(m.editingFilter)
        for c in "vertical:solar" { TUIFixture.press(&m, .char(c)) }
        TUIFixture.press(&m, .enter)
        #expect(!m.editingFilter)
        #expect(m.sourceRows(desk).map(\.key.source) == ["SOL03"])
        TUIFixture.press(&m, .escape)
        #expect(m.filter.isEmpty && m.sourceRows(desk).count == 4)
        m.filter = "tier:5"
        #expect(m.sourceRows(desk).map(\.key.source) == ["BAD04"])
        m.filter = "mode:exclusive"
        #expect(m.sourceRows(desk).map(\.key.source) == ["SOL03"])
        m.filter = "nothing-matches-this"
        #expect(m.sourceRows(desk).isEmpty)
        #expect(TUIFixture.render(m).text.contains("no source matches the filter"))
    }

    @Test func blockAsksFirstAndCancelIsTheDefault() {
        var m = TUIFixture.model()
        let first = m.sourceRows(desk)[0].key.source
        #expect(TUIFixture.press(&m, .char("b")).isEmpty)
        #expect(m.confirmation != nil)
        #expect(TUIFixture.press(&m, .enter).isEmpty)  // Enter cancels
        #expect(m.confirmation == nil && m.status?.text == "cancelled")
        TUIFixture.press(&m, .char("b"))
        #expect(TUIFixture.press(&m, .char("y")) == [.change(.block(source: first, subID: nil))])
    }

    @Test func blockingASubIDRow() {
        var m = TUIFixture.model()
        let first = m.sourceRows(desk)[0].key.source
        TUIFixture.press(&m, .right, .down, .char("b"))
        #expect(TUIFixture.press(&m, .char("y")) == [.change(.block(source: first, subID: "a1"))])
    }

    @Test func priorityModeAndGlobalModeKeys() {
        var m = TUIFixture.model()
        m.filter = "HOM02"
        #expect(TUIFixture.press(&m, .char("+")) == [.change(.priority(source: "HOM02", from: 3, to: 2))])
        #expect(TUIFixture.press(&m, .char("-")) == [.change(.priority(source: "HOM02", from: 3, to: 4))])
        #expect(TUIFixture.press(&m, .char("m")) == [.change(.sourceMode(source: "HOM02", from: .inherit, to: .shared))])
        #expect(TUIFixture.press(&m, .char("M")).isEmpty)  // asks first: every inheriting source changes
        #expect(m.confirmation?.question.hasPrefix("Switch the global mode to exclusive?") == true)
        #expect(TUIFixture.press(&m, .char("y")) == [.change(.globalMode(from: .shared, to: .exclusive))])
        m.filter = "AUT01"
        #expect(TUIFixture.press(&m, .char("+")).isEmpty)  // already tier 1
        #expect(m.status?.text.contains("already 1") == true)
        #expect(TUIFixture.press(&m, .char("u")) == [.undo])
        #expect(TUIFixture.press(&m, .ctrl("r")) == [.redo])
    }

    @Test func readOnlyRefusesAndHidesChanges() {
        var m = TUIFixture.model(readOnly: true)
        for k: Key in [.char("b"), .char("+"), .char("-"), .char("m"), .char("M"), .char("u"), .ctrl("r")] {
            #expect(TUIFixture.press(&m, k).isEmpty)
            #expect(m.confirmation == nil)
            #expect(m.status?.isError == true)
        }
        m.status = nil
        let screen = TUIFixture.render(m).text
        #expect(!screen.contains("b block") && screen.contains("READ-ONLY"))
        #expect(!Renderer.helpLines(m).joined().contains("block / unblock"))
    }

    @Test func sourcesWithoutAFigureSortLastBothWays() {
        var m = TUIFixture.model()
        m.sort = .cpa
        for descending in [false, true] {
            m.descending = descending
            let rows = m.sourceRows(desk)
            let firstMissing = rows.firstIndex { MetricsRow($0.counters).cpa == nil } ?? rows.count
            #expect(rows[firstMissing...].allSatisfy { MetricsRow($0.counters).cpa == nil })
        }
    }

    @Test func theFlowHighlightStaysOnItsLeadAsNewLeadsArrive() {
        var m = TUIFixture.model()
        var feed = TUIFixture.state.1
        TUIFixture.press(&m, .char("2"))
        _ = m.handle(.down, desk: desk, feed: feed)
        _ = m.handle(.down, desk: desk, feed: feed)
        let chosen = m.flowItems(feed)[m.flowSelectedIndex(m.flowItems(feed))].leadID
        let extra = Offer(leadID: "NEW2", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "CA", postalCode: "",
                          city: "", saleType: .shared, maxSells: 3, price: .dollars(15), receivedAt: desk.metrics.latest + 1,
                          firstName: "", lastName: "", phone: "2025550123", email: "")
        feed.add(.offer(OfferEvent(offer: extra, decision: .bought(.shared), tier: 1)))
        let items = m.flowItems(feed)
        #expect(items[m.flowSelectedIndex(items)].leadID == chosen)
        _ = m.handle(.enter, desk: desk, feed: feed)
        #expect(m.showLeadDetail, "Enter on Live flow opens the lead first")
        _ = m.handle(.enter, desk: desk, feed: feed)
        #expect(m.screen == .detail && m.detailSource == items[m.flowSelectedIndex(items)].sourceID)
    }

    @Test func detailFromAnyScreenShowsTheHighlightedSource() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .down)
        let highlighted = m.sourceRows(desk)[1].key.source
        TUIFixture.press(&m, .char("3"), .char("4"))
        #expect(m.detailSource == highlighted)
    }

    @Test func detailAndROIScrollingStaysWithinTheContent() {
        var m = TUIFixture.model(80, 24)
        TUIFixture.press(&m, .enter)
        TUIFixture.press(&m, .end)
        let bottom = m.detailScroll
        #expect(bottom > 0)
        TUIFixture.press(&m, .down, .down, .down)
        #expect(m.detailScroll == bottom)
        TUIFixture.press(&m, .up)
        #expect(m.detailScroll == bottom - 1)
        TUIFixture.press(&m, .home)
        #expect(m.detailScroll == 0)
        TUIFixture.press(&m, .char("3"))
        for _ in 0..<50 { TUIFixture.press(&m, .down) }
        let roiBottom = m.roiScroll
        TUIFixture.press(&m, .up)
        #expect(m.roiScroll == roiBottom - 1)
        #expect(TUIFixture.render(m).text.split(separator: "\n")[1].contains("↑/↓ PgDn:"))
    }

    @Test func pauseFreezesTheFeedButNotTheEngine() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("2"), .char(" "))
        #expect(m.paused)
        var later = TUIFixture.state.1
        let extra = Offer(leadID: "NEW1", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "CA", postalCode: "90001",
                          city: "LA", saleType: .shared, maxSells: 3, price: .dollars(15), receivedAt: desk.metrics.latest + 1,
                          firstName: "A", lastName: "B", phone: "2025550199", email: "")
        later.add(.offer(OfferEvent(offer: extra, decision: .bought(.shared), tier: 1)))
        #expect(m.flowItems(later).first?.leadID != "NEW1")
        TUIFixture.press(&m, .char(" "))
        #expect(m.flowItems(later).first?.leadID == "NEW1")
    }

    @Test func helpOpensAndCloses() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("?"))
        #expect(m.showHelp)
        #expect(TUIFixture.press(&m, .char("q")).isEmpty)  // q closes help rather than quitting
        #expect(!m.showHelp)
    }

    @Test func undoAndRedoBookkeeping() {
        var m = TUIFixture.model()
        let c = PolicyChange.priority(source: "HOM02", from: 3, to: 2)
        m.applied(c, origin: .user)
        #expect(m.undoStack == [c] && m.redoStack.isEmpty)
        let undone = m.undoStack.removeLast()
        m.applied(undone.inverse, origin: .undo)
        #expect(m.redoStack == [c])
        let redo = m.redoStack.removeLast()
        m.applied(redo, origin: .redo)
        #expect(m.undoStack == [c])
    }
}

@Suite("Key table")
struct KeyTableTests {
    @Test func everyActionHasAKeyAndNoKeyIsAmbiguous() {
        for a in Action.allCases { #expect(Bindings.all.contains { $0.action == a }, "no key for \(a)") }
        for s in ScreenID.allCases {
            var seen: [Key: Action] = [:]
            for b in Bindings.all where b.applies(to: s) {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k.label) is bound twice on \(s.title)")
                    seen[k] = b.action
                }
            }
        }
    }

    @Test func helpAndHintsComeFromTheSameTable() {
        let m = TUIFixture.model()
        // Descriptions may wrap onto a second, indented line: compare with the spacing collapsed.
        let help = Renderer.helpLines(m).joined(separator: " ").split(separator: " ").joined(separator: " ")
        for b in Bindings.all { #expect(help.contains(b.description), "\(b.description)") }
        let bar = TUIFixture.render(m).text.split(separator: "\n").last.map(String.init) ?? ""
        for b in Bindings.visible(on: .sources, readOnly: false).prefix(4) where b.hint != nil {
            #expect(bar.contains(b.hint!))
        }
    }
}

/// Issue 7's first defects: a key press must never change a source nobody chose.
@Suite("Selection and dialogs stay where the user put them")
struct SelectionRuleTests {
    /// Applies the model's change effects to `desk`, as the runtime does.
    func run(_ m: inout AppModel, _ desk: inout Desk, _ keys: Key...) -> [PolicyChange] {
        var changes: [PolicyChange] = []
        for k in keys {
            for e in m.handle(k, desk: desk, feed: TUIFixture.state.1) {
                if case .change(let c) = e {
                    changes.append(c)
                    desk.apply(.policy(PolicyEvent(time: Timestamp(seconds: 1), actor: "t", change: c)))
                }
            }
        }
        return changes
    }

    @Test func aChangeThatTakesTheSourceOutOfTheFilterKeepsItSelected() {
        var desk = TUIFixture.state.0
        var m = TUIFixture.model()
        m.filter = "tier:3"
        let first = m.sourceRows(desk)[0].key.source
        #expect(m.sourceRows(desk).count == 2)
        // Four presses of "-": every one lowers the same source, which leaves the filter after the first.
        let changes = run(&m, &desk, .char("-"), .char("-"), .char("-"), .char("-"))
        #expect(changes.allSatisfy { if case .priority(let s, _, _) = $0 { return s == first } else { return false } }, "\(changes)")
        #expect(desk.policy.settings(for: first).priority == 5)
        let rows = m.sourceRows(desk)
        #expect(rows[m.selectedIndex(rows)].key.source == first)
        #expect(rows.contains { $0.key.source == first && $0.outsideFilter })
        #expect(Renderer.render(m, desk: desk, feed: TUIFixture.state.1, info: TUIFixture.info).text.contains("∉\(first) "))
        // Moving on lets it go.
        _ = run(&m, &desk, .down)
        #expect(!m.sourceRows(desk).contains { $0.key.source == first })
        #expect(m.sourceRows(desk).count == 1)
    }

    @Test func theSameForModeUnderAModeFilter() {
        var desk = TUIFixture.state.0
        var m = TUIFixture.model()
        m.filter = "mode:exclusive"
        let first = m.sourceRows(desk)[0].key.source
        let changes = run(&m, &desk, .char("m"), .char("m"), .char("m"))
        #expect(changes.allSatisfy { if case .sourceMode(let s, _, _) = $0 { return s == first } else { return false } }, "\(changes)")
    }

    @Test func decisionBoughtAndTheWordBoughtMatchBoughtRows() {
        var m = TUIFixture.model()
        let feed = TUIFixture.state.1
        m.flowFilter = "decision:bought"
        let bought = m.flowItems(feed)
        #expect(!bought.isEmpty)
        #expect(bought.allSatisfy { if case .bought? = $0.decision { return true } else { return false } })
        m.flowFilter = "bought"
        #expect(m.flowItems(feed).count >= bought.count)
        m.flowFilter = "decision:rejected"
        #expect(m.flowItems(feed).allSatisfy { if case .rejected? = $0.decision { return true } else { return false } })
        m.flowFilter = "decision:cap"
        #expect(m.flowItems(feed).allSatisfy { $0.decision == .rejected(.cap) })
    }

    @Test func aHiddenDialogTakesNoKeys() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("M"))
        #expect(m.confirmation != nil)
        m.width = 50
        m.height = 15
        #expect(TUIFixture.press(&m, .char("y")).isEmpty)
        #expect(m.confirmation != nil)
        m.width = 120
        m.height = 40
        // Only a lower-case y confirms, as help says.
        #expect(TUIFixture.press(&m, .char("Y")).isEmpty)
        #expect(m.confirmation == nil)
    }
}

@Suite("Sorting by what is on screen")
struct VisibleSortTests {
    @Test func sCyclesOnlyThroughShownColumnsAndTheArrowCutsNoTitle() {
        for width in [80, 100, 120, 200] {
            var m = TUIFixture.model(width, 40)
            var seen: [SortColumn] = []
            for _ in 0..<20 {
                TUIFixture.press(&m, .char("s"))
                seen.append(m.sort)
                let header = TUIFixture.render(m).text.split(separator: "\n")[3]
                let words = header.replacingOccurrences(of: "↓", with: " ").replacingOccurrences(of: "↑", with: " ").split(separator: " ").map(String.init)
                // Every title whole: the arrow never replaces a letter.
                #expect(words.allSatisfy { w in SourcesScreen.columns.contains { $0.title == w } }, "\(width): \(header)")
                #expect(header.contains("↓") || header.contains("↑"))
            }
            let shown = Set(SourcesScreen.visibleSorts(width: width))
            #expect(Set(seen) == shown, "\(width)")
        }
        #expect(!SourcesScreen.visibleSorts(width: 120).contains(.spend))
    }
}

@Suite("Small-terminal message")
struct TooSmallTests {
    /// The resize back to a usable size can be read before a `y` typed while the dialog was hidden: the dialog
    /// is cancelled when the terminal gets too small, so that `y` finds nothing to confirm.
    @Test func aDialogHiddenByATooSmallTerminalIsCancelled() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("M"))
        #expect(m.confirmation != nil)
        m.width = 50
        m.height = 15
        TUIFixture.press(&m, .resize)
        m.width = 120
        m.height = 40
        TUIFixture.press(&m, .resize)
        #expect(m.confirmation == nil)
        #expect(m.handle(.char("y"), desk: TUIFixture.state.0, feed: TUIFixture.state.1).isEmpty)
    }

    @Test func theMessageIsNeverCut() {
        for (w, h) in [(40, 10), (30, 12), (79, 23), (20, 8)] {
            let m = TUIFixture.model(w, h)
            let text = TUIFixture.render(m).text
            #expect(text.contains("have \(w)x\(h)"), "\(w)x\(h):\n\(text)")
        }
    }
}

/// Issue 7, defect 4: one clock per screen. A change made now (wall clock) on a store whose market runs
/// elsewhere in time is listed at the market time it took effect, beside the leads it stopped.
@Suite struct OneClockTests {
    @Test func changeHistoryUsesTheMarketClockAndSaysWhenItWasMade() throws {
        var (desk, feed) = TUIFixture.state
        _ = feed
        let market = desk.metrics.latest
        let wall = Timestamp(iso8601: "2026-11-27T02:00:00Z")!
        desk.apply(.policy(PolicyEvent(time: wall, actor: "bob", change: .block(source: "AUT01", subID: "a1"), marketTime: market)))
        let source = try #require(desk.catalog.source("AUT01"))
        let text = DetailScreen.content(source, m: TUIFixture.model(), desk: desk, feed: feed)
            .map { $0.map(\.0).joined() }
        let line = try #require(text.first { $0.contains("bob") })
        let clock = desk.policy.clock
        #expect(line.hasPrefix("  \(clock.format(market))"), "\(line)")
        #expect(line.contains("made \(clock.format(wall)) wall clock"))

    }

    @Test func theHeaderSaysWhichClockItShows() {
        let text = String(TUIFixture.render(TUIFixture.model()).text.split(separator: "\n")[0])
        #expect(text.contains("market 2026-11-03"), "\(text)")
    }
}

/// Issue 7, defect 7: the small things that mislead.
@Suite struct SmallDefectTests {
    static func offer(_ i: Int) -> Event {
        let o = Offer(leadID: "N\(i)", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "TX", postalCode: "75001",
                      city: "Dallas", saleType: .shared, maxSells: 3, price: .dollars(10),
                      receivedAt: Timestamp(seconds: 1_793_700_000 + Int64(i)), firstName: "A", lastName: "B", phone: "", email: "")
        return .offer(OfferEvent(offer: o, decision: .rejected(.closed), tier: 3))
    }

    @Test func endOnARunningFeedKeepsTheHighlightAtTheBottom() {
        var feed = LiveFeed(capacity: 50)
        for i in 0..<50 { feed.add(Self.offer(i)) }
        var m = TUIFixture.model()
        m.handle(.char("2"), desk: TUIFixture.state.0, feed: feed)
        m.handle(.char("G"), desk: TUIFixture.state.0, feed: feed)
        #expect(m.flowSelectedIndex(m.flowItems(feed)) == 49)
        // New leads push the selected (oldest) row out of the feed: the highlight stays on the bottom row.
        for i in 50..<60 { feed.add(Self.offer(i)) }
        let items = m.flowItems(feed)
        #expect(m.flowSelectedIndex(items) == items.count - 1)
        let buf = Renderer.render(m, desk: TUIFixture.state.0, feed: feed, info: TUIFixture.info)
        let highlighted = (0..<buf.height).filter { y in (0..<buf.width).contains { buf[$0, y].style.reverse } && y > 1 && y < buf.height - 1 }
        #expect(!highlighted.isEmpty, "a row is still highlighted")
    }

    @Test func helpAt80x24WrapsAtWordsAndScrollsToTheEnd() {
        var m = TUIFixture.model(80, 24)
        let lines = Renderer.helpLines(m)
        let inner = m.layout.helpBox(lines: lines.count).width - 4
        #expect(lines.allSatisfy { Sanitizer.width($0) <= inner }, "\(lines.filter { Sanitizer.width($0) > inner })")
        // Every word of every key description is somewhere in the help (nothing cut).
        let words = Set(lines.joined(separator: " ").split(separator: " ").map(String.init))
        for b in Bindings.all { for w in b.description.split(separator: " ") { #expect(words.contains(String(w)), "\(w)") } }
        m.handle(.char("?"), desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        for _ in 0..<200 { m.handle(.down, desk: TUIFixture.state.0, feed: TUIFixture.state.1) }
        let text = TUIFixture.render(m).text
        let last = Renderer.helpLines(m).last!.trimmingCharacters(in: .whitespaces)
        #expect(text.contains(last), "the last line can be reached: \(last)")
    }

    @Test func thePositionCounterCountsSourcesAndStaysUnderAFilter() {
        var m = TUIFixture.model()
        m.filter = "aut"
        m.expanded = ["AUT01"]
        m.handle(.down, desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        m.handle(.down, desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        m.handle(.down, desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        let info = String(TUIFixture.render(m).text.split(separator: "\n")[2])
        #expect(info.hasSuffix("2/2"), "\(info)")
    }

    @Test func countsHaveThousandsSeparators() {
        var d = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        for i in 0..<1_200 { d.apply(Self.offer(i)) }
        let source = d.catalog.source("AUT01")!
        let text = DetailScreen.content(source, m: TUIFixture.model(), desk: d, feed: LiveFeed()).map { $0.map(\.0).joined() }
        let offered = text.first { $0.hasPrefix("offered") }!
        #expect(offered.contains("1,200"), "\(offered)")
    }
}

/// The README's key table stays in step with the key table the dashboard uses.
@Suite struct ReadmeKeyTableTests {
    @Test func everyKeyIsDocumentedInTheReadme() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let readme = try String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)
        let section = readme.components(separatedBy: "## The dashboard").dropFirst().first ?? ""
        for b in Bindings.all {
            let documented = b.keys.contains { k in
                let label = k.label
                return section.contains("`\(label)`") || section.contains("`\(label) ") || section.contains(" \(label)`")
                    || (label.count == 1 && label.first!.isNumber && section.contains("`1`-`5`"))
            }
            #expect(documented, "README's dashboard section does not list \(b.keys.map(\.label)) (\(b.description))")
        }
    }
}

/// Act where you look: Enter on Live flow opens the lead; b / B block its sub-ID / source, asking first,
/// and never a lead other than the one shown.
@Suite struct FlowActionTests {
    static func offer(_ id: String, _ source: String, _ sub: String, _ t: Int64, bought: Bool) -> Event {
        let o = Offer(leadID: id, sourceID: source, subID: sub, vertical: .autoInsurance, state: "TX", postalCode: "75001",
                      city: "Dallas", saleType: .shared, maxSells: 3, price: .dollars(12),
                      receivedAt: Timestamp(seconds: 1_793_700_000 + t), firstName: "A", lastName: "B", phone: "", email: "")
        return .offer(OfferEvent(offer: o, decision: bought ? .bought(.shared) : .rejected(.price), tier: 3))
    }

    @Test func enterOpensTheLeadAndItsOutcomesThenBBlocksItsSubID() throws {
        var desk = TUIFixture.state.0
        var feed = LiveFeed()
        let e = Self.offer("Q1", "AUT01", "b2", 0, bought: true)
        desk.apply(e)
        feed.add(e)
        let lead = try #require(desk.leads["Q1"]).lead
        let ret = Event.outcome(OutcomeEvent(time: Timestamp(seconds: 1_793_700_900), leadID: "Q1", kind: .returned,
                                             refund: .dollars(12), reason: "wrong number", lead: lead))
        desk.apply(ret)
        feed.add(ret)
        var m = TUIFixture.model()
        m.handle(.char("2"), desk: desk, feed: feed)
        m.handle(.enter, desk: desk, feed: feed)
        #expect(m.showLeadDetail && m.screen == .flow)
        let text = Renderer.render(m, desk: desk, feed: feed, info: TUIFixture.info).text
        #expect(text.contains("lead Q1"))
        #expect(text.contains("decision BOUGHT shared for $12.00"))
        #expect(text.contains("returned  refund $12.00  (wrong number)"), "\(text)")
        // A newer lead arrives: b still acts on the lead shown.
        feed.add(Self.offer("Q2", "HOM02", "a1", 60, bought: false))
        m.handle(.char("b"), desk: desk, feed: feed)
        #expect(m.confirmation?.question == "Block sub-ID AUT01/b2?")
        #expect(m.handle(.char("y"), desk: desk, feed: feed) == [.change(.block(source: "AUT01", subID: "b2"))])
        m.handle(.char("B"), desk: desk, feed: feed)
        #expect(m.confirmation?.question.hasPrefix("Block source AUT01 (") == true)
        m.handle(.escape, desk: desk, feed: feed)
        m.handle(.escape, desk: desk, feed: feed)
        #expect(!m.showLeadDetail)
    }

    @Test func aSecondEnterGoesToTheSourceAndReadOnlyCannotBlock() {
        var feed = LiveFeed()
        feed.add(Self.offer("Q3", "SOL03", "a1", 0, bought: false))
        var m = TUIFixture.model(readOnly: true)
        m.handle(.char("2"), desk: TUIFixture.state.0, feed: feed)
        m.handle(.enter, desk: TUIFixture.state.0, feed: feed)
        m.handle(.char("b"), desk: TUIFixture.state.0, feed: feed)
        #expect(m.confirmation == nil)
        m.handle(.enter, desk: TUIFixture.state.0, feed: feed)
        #expect(m.screen == .detail && m.detailSource == "SOL03")
    }
}

/// Settings without leaving: `:` then a short command, saved as a change (undoable), or one clear error.
@Suite struct SettingsPromptTests {
    static func type(_ m: inout AppModel, _ text: String) -> [Effect] {
        var effects = m.handle(.char(":"), desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        for c in text { effects = m.handle(.char(c), desk: TUIFixture.state.0, feed: TUIFixture.state.1) }
        return m.handle(.enter, desk: TUIFixture.state.0, feed: TUIFixture.state.1)
    }

    @Test func eachSettingBecomesOneChange() {
        let p = TUIFixture.state.0.policy
        var m = TUIFixture.model()
        #expect(Self.type(&m, "budget 7,500") == [.change(.dailyBudget(from: p.dailyBudget, to: .dollars(7_500)))])
        // `caps` without `global` applies to the highlighted source.
        let selected = m.target(TUIFixture.state.0)!.source
        #expect(Self.type(&m, "caps 150 none") == [.change(.caps(source: selected, from: LeadCaps(p, source: selected), to: LeadCaps(daily: 150, hourly: nil)))])
        #expect(Self.type(&m, "caps global 900 90") == [.change(.caps(source: nil, from: LeadCaps(p, source: nil), to: LeadCaps(daily: 900, hourly: 90)))])
        #expect(Self.type(&m, "hours 9-17") == [.change(.hours(from: p.hours, to: BusinessHours(open: 9, close: 17)))])
        #expect(Self.type(&m, "maxprice solar 90 310") == [.change(.maxPrice(vertical: "solar", from: p.maxPrice["solar"], to: PriceLimit(shared: .dollars(90), exclusive: .dollars(310))))])
        #expect(Self.type(&m, "dedupe 7") == [.change(.dedupe(from: p.dedupeWindowDays, to: 7))])
    }

    @Test func aBadSettingSaysWhatIsWrongAndChangesNothing() {
        var m = TUIFixture.model()
        for (text, message) in [("budget lots", "is not a dollar amount"), ("hours 9-9", "at different hours"),
                                ("maxprice boats 1 2", "unknown vertical 'boats'"), ("caps 5", "expected caps DAILY HOURLY"),
                                ("speed 3", "unknown setting 'speed'"), ("dedupe 999", "0 to 365")] {
            #expect(Self.type(&m, text).isEmpty, "\(text)")
            #expect(m.status?.isError == true && m.status?.text.contains(message) == true, "\(text): \(m.status?.text ?? "")")
        }
    }

    @Test func readOnlyRefusesThePrompt() {
        var m = TUIFixture.model(readOnly: true)
        _ = m.handle(.char(":"), desk: TUIFixture.state.0, feed: TUIFixture.state.1)
        #expect(!m.editingCommand)
    }
}

/// Bulk actions: x marks rows, b blocks (or unblocks) every marked row after one question.
@Suite struct BulkActionTests {
    @Test func markedSubIDsAreBlockedTogether() {
        var m = TUIFixture.model()
        let desk = TUIFixture.state.0
        m.expanded = ["AUT01"]
        m.selected = SourceRow.Key(source: "AUT01", subID: "a1")
        TUIFixture.press(&m, .char("x"))           // marks a1, moves to b2
        TUIFixture.press(&m, .char("x"))           // marks b2
        #expect(m.marked == [SourceRow.Key(source: "AUT01", subID: "a1"), SourceRow.Key(source: "AUT01", subID: "b2")])
        #expect(TUIFixture.render(m).text.contains("* └ a1"))
        let effects = m.handle(.char("b"), desk: desk, feed: TUIFixture.state.1)
        #expect(effects.isEmpty)
        #expect(m.confirmation?.question == "Block 2 marked: AUT01/a1, AUT01/b2?")
        #expect(m.handle(.char("y"), desk: desk, feed: TUIFixture.state.1)
                == [.changes([.block(source: "AUT01", subID: "a1"), .block(source: "AUT01", subID: "b2")])])
        #expect(m.marked.isEmpty)
    }

    @Test func escClearsTheMarksAndReadOnlyCannotMark() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("x"), .escape)
        #expect(m.marked.isEmpty)
        var r = TUIFixture.model(readOnly: true)
        TUIFixture.press(&r, .char("x"))
        #expect(r.marked.isEmpty)
    }
}
