import Foundation
import LeadDeckCore
@testable import LeadDeckTUI
import Testing

/// "Why is this source losing money" (dashboard issue): the detail screen's funnel, daily trend, returns by
/// reason, results by state and by hour; the ROI screen's daily chart across the whole width; charts that
/// read without colour.
@Suite struct SourceDiagnosisTests {
    /// The frame with the line starting with `title` at the top of the screen's scrolling part (or, near the
    /// end, scrolled as far as it goes with the line in view); nil when the line never shows.
    static func frame(_ start: AppModel, desk: Desk, feed: LiveFeed = LiveFeed(), scrolledTo title: String) -> Buffer? {
        var m = start
        while true {
            let buf = Renderer.render(m, desk: desk, feed: feed, info: TUIFixture.info)
            let rows = buf.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let top = m.screen == .roi ? m.layout.body.y : m.layout.tableRows.y
            if rows[top].hasPrefix(" " + title) { return buf }
            let before = (m.detailScroll, m.roiScroll)
            _ = m.handle(.down, desk: desk, feed: feed)
            if m.detailScroll == before.0 && m.roiScroll == before.1 {
                return rows[top..<m.layout.status.y].contains { $0.hasPrefix(" " + title) } ? buf : nil
            }
        }
    }

    /// One text of frames, each scrolled to one of `titles`.
    static func frames(_ m: AppModel, desk: Desk, feed: LiveFeed = LiveFeed(), titles: [String]) -> Buffer {
        var text = "", previous = ""
        for title in titles {
            guard let f = frame(m, desk: desk, feed: feed, scrolledTo: title) else {
                Issue.record("\(title) never shows at \(m.width)x\(m.height)")
                continue
            }
            // Near the end the view stops scrolling: a frame already shown is not repeated.
            guard f.text != previous else { continue }
            previous = f.text
            text += "=== scrolled to \(title) ===\n" + f.text + "\n"
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        var out = Buffer(width: m.width, height: lines.count)
        for (y, l) in lines.enumerated() { out.write(String(l), x: 0, y: y) }
        return out
    }

    static let sections = ["Funnel", "Daily trend", "Returns by reason", "By state", "By hour of day"]

    @Test func detailSectionsAt120x40And80x24() {
        let (desk, feed) = TUIFixture.state
        for (w, h) in [(120, 40), (80, 24)] {
            var m = TUIFixture.model(w, h)
            TUIFixture.press(&m, .enter)
            expectSnapshot(Self.frames(m, desk: desk, feed: feed, titles: Self.sections), "detail-sections-\(w)x\(h)")
        }
    }

    @Test func funnelCountsEachStepAsAShareOfTheStepBefore() throws {
        let (desk, feed) = TUIFixture.state
        let source = try #require(desk.catalog.source("AUT01"))
        let c = try #require(desk.metrics.table(.source, window: .all)[MetricKey(.source, "AUT01")])
        let text = DetailScreen.content(source, m: TUIFixture.model(80, 24), desk: desk, feed: feed).map { $0.map(\.0).joined() }
        func row(_ label: String) throws -> [String] {
            try #require(text.first { $0.hasPrefix("  " + label + " ") }).split(separator: " ").map(String.init)
        }
        #expect(try row("offered").last == Fmt.count(c.offered))
        #expect(try row("→ bought").suffix(2) == [Fmt.count(c.bought), Rate(c.bought, of: c.offered).percentText])
        #expect(try row("→ contacted").suffix(2) == [Fmt.count(c.contacted), Rate(c.contacted, of: c.bought).percentText])
        #expect(try row("→ sold").suffix(2) == [Fmt.count(c.converted), Rate(c.converted, of: c.contacted).percentText])
    }

    @Test func breakdownSectionsAgreeWithTheTotals() throws {
        let (desk, _) = TUIFixture.state
        let b = desk.metrics.breakdowns["AUT01"]
        let c = try #require(desk.metrics.table(.source, window: .all)[MetricKey(.source, "AUT01")])
        let hours = b.hours.reduce(SourceBreakdowns.Tally()) { var t = $0; t.add($1); return t }
        let states = b.states.values.reduce(SourceBreakdowns.Tally()) { var t = $0; t.add($1); return t }
        #expect(hours.counters.bought == c.bought && hours.spend == c.spend && hours.sold == c.converted && hours.revenue == c.revenue)
        #expect(states.bought == c.bought && states.spend == c.spend && states.sold == c.converted && states.returned == c.returned)
        #expect(b.returns.values.reduce(0) { $0 + $1.count } == c.returned)
        #expect(b.returns.values.reduce(Money.zero) { $0 + $1.refunded } == c.refunds)
    }

    @Test func returnReasonsAreCleanedOnScreen() throws {
        var desk = TUIFixture.longHistory
        let lead = LeadRef(sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, mode: .shared, boughtAt: desk.metrics.latest,
                           price: .dollars(15), state: "CA")
        desk.apply(.outcome(OutcomeEvent(time: desk.metrics.latest, leadID: "X", kind: .returned, refund: .dollars(15),
                                         reason: "Bad\u{1B}[2J\u{202E}lead\r", lead: lead)))
        let source = try #require(desk.catalog.source("AUT01"))
        let text = DetailScreen.content(source, m: TUIFixture.model(), desk: desk, feed: LiveFeed()).map { $0.map(\.0).joined() }
        #expect(text.contains { $0.hasPrefix("  bad␛[2j\u{FFFD}lead ") }, "reasons are lower-cased, trimmed and cleaned")
        for line in text {
            #expect(!line.unicodeScalars.contains { Sanitizer.isUnsafe($0) }, "\(line)")
        }
    }

    @Test func roiDailyChartShowsAsManyDaysAsFitUpToTheDaysKept() {
        let desk = TUIFixture.longHistory
        #expect(desk.metrics.daily().count == Int(MetricsBook.daysKept))
        for (w, h, days) in [(80, 24, 13), (120, 40, 21), (200, 60, 35)] {
            var m = TUIFixture.model(w, h)
            _ = m.handle(.char("3"), desk: desk, feed: LiveFeed())
            guard let buf = Self.frame(m, desk: desk, scrolledTo: "Daily") else {
                Issue.record("no daily chart at \(w)x\(h)")
                continue
            }
            let dayRow = buf.text.split(separator: "\n").first { $0.hasPrefix("      day ") || $0.contains(" day  ") }
            let labels = dayRow.map { $0.split(separator: " ").dropFirst().count } ?? 0
            #expect(labels == days, "\(w)x\(h): \(dayRow ?? "no day row")")
        }
        var wide = TUIFixture.model(120, 40)
        _ = wide.handle(.char("3"), desk: desk, feed: LiveFeed())
        expectSnapshot(Renderer.render(wide, desk: desk, feed: LiveFeed(), info: TUIFixture.info), "roi-daily-120x40")
        var narrow = TUIFixture.model(80, 24)
        _ = narrow.handle(.char("3"), desk: desk, feed: LiveFeed())
        if let f = Self.frame(narrow, desk: desk, scrolledTo: "Daily") { expectSnapshot(f, "roi-daily-80x24") }
    }

    @Test func detailDailyTrendFillsTheWidthToo() throws {
        let desk = TUIFixture.longHistory
        let source = try #require(desk.catalog.source("AUT01"))
        for (w, days) in [(80, 14), (120, 22), (200, 35)] {
            let text = DetailScreen.content(source, m: TUIFixture.model(w, 40), desk: desk, feed: LiveFeed()).map { $0.map(\.0).joined() }
            let start = try #require(text.firstIndex { $0.hasPrefix("Daily trend") })
            let dayRow = try #require(text[start...].first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("day ") })
            #expect(dayRow.split(separator: " ").count - 1 == days, "\(w): \(dayRow)")
            #expect(text[start + 1].contains("┤"), "the top of the axis is labelled: \(text[start + 1])")
        }
    }

    @Test func spendAndRevenueBarsDifferByGlyphInEveryMode() {
        for ascii in [false, true] {
            #expect(ChartGlyphs.spend(ascii: ascii) != ChartGlyphs.revenue(ascii: ascii))
        }
        // `--ascii` turns the Unicode glyphs into the ASCII ones, so both modes draw the same chart.
        #expect(Renderer.asciiGlyphs[ChartGlyphs.spend(ascii: false)] == ChartGlyphs.spend(ascii: true))
        #expect(Renderer.asciiGlyphs[ChartGlyphs.revenue(ascii: false)] == ChartGlyphs.revenue(ascii: true))
        let desk = TUIFixture.longHistory
        for colors in [true, false] {
            for ascii in [false, true] {
                var m = TUIFixture.model()
                m.colors = colors
                m.ascii = ascii
                _ = m.handle(.char("3"), desk: desk, feed: LiveFeed())
                let buf = Renderer.render(m, desk: desk, feed: LiveFeed(), info: TUIFixture.info)
                let spend = ChartGlyphs.spend(ascii: ascii), revenue = ChartGlyphs.revenue(ascii: ascii)
                var styles: [String: Set<Style>] = [:]
                for y in m.layout.body.rows {
                    for x in 0..<buf.width where [spend, revenue].contains(buf[x, y].text) { styles[buf[x, y].text, default: []].insert(buf[x, y].style) }
                }
                #expect(styles[spend] == [.bad] && styles[revenue] == [.good], "colors \(colors) ascii \(ascii): \(styles)")
                let legend = buf.text.split(separator: "\n").first { $0.hasPrefix(" Daily") }
                #expect(legend?.contains("\(spend) net spend  \(revenue) revenue") == true, "\(legend ?? "no legend")")
            }
        }
    }

    @Test func axisTopsAreRoundAndShortCountsFit() {
        #expect(DailyChart.axisTop(cents: 0) == .dollars(10))
        #expect(DailyChart.axisTop(cents: 1_099) == .dollars(12))
        #expect(DailyChart.axisTop(cents: 889_700) == .dollars(10_000))
        #expect(DailyChart.axisTop(cents: 1_000_000) == .dollars(10_000))
        #expect(DailyChart.axisTop(cents: 1_000_001) == .dollars(12_000))
        #expect(DailyChart.axisTop(cents: 124_000) == .dollars(1_500))
        #expect(DailyChart.axisTop(cents: 350_000) == .dollars(4_000))
        #expect(DailyChart.axisTop(cents: 4_500_000) == .dollars(50_000))
        #expect(DailyChart.axisTop(cents: 61_000_000) == .dollars(800_000))
        for cents: Int64 in [0, 999, 12_345, 9_999_999, 123_456_789_012] {
            let top = DailyChart.axisTop(cents: cents)
            #expect(top.cents >= cents && top.cents % 200 == 0, "\(cents) -> \(top.formatted): a whole top with a whole half")
        }
        #expect(DailyChart.shortCount(999) == "999")
        #expect(DailyChart.shortCount(1_500) == "1.5k")
        #expect(DailyChart.shortCount(1_500, width: 3) == "1k")
        #expect(DailyChart.shortCount(12_345) == "12k")
        #expect(DailyChart.shortCount(2_500_000) == "2.5M")
        #expect(DailyChart.shortDollars(Money(cents: 149_999)) == "1.4k")
        #expect(DetailScreen.short(0.84) == "0.8")
        #expect(DetailScreen.short(12.46) == "12.5")
        #expect(DetailScreen.short(250.2) == "250")
        #expect(DetailScreen.short(20_000) == "10k+")
    }

    @Test func breakdownsFromAnOldCheckpointSayWhenTheyStart() throws {
        let (desk, feed) = TUIFixture.state
        let data = try JSONEncoder().encode(desk.metrics)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["breakdowns"] = nil
        let old = try JSONDecoder().decode(MetricsBook.self, from: JSONSerialization.data(withJSONObject: object))
        let resumed = Desk(catalog: desk.catalog, policy: desk.policy, ledger: desk.ledger, metrics: old, leads: desk.leads)
        let source = try #require(desk.catalog.source("AUT01"))
        let text = DetailScreen.content(source, m: TUIFixture.model(), desk: resumed, feed: feed).map { $0.map(\.0).joined() }
        let since = "since \(desk.policy.clock.format(desk.metrics.latest))"
        #expect(text.contains { $0.hasPrefix("Returns by reason  \(since): 0 returned") }, "\(text.filter { $0.hasPrefix("Returns") })")
        #expect(text.contains { $0.hasPrefix("By state  \(since)") })
        #expect(text.contains { $0.hasPrefix("By hour of day  \(since)") })
    }
}
