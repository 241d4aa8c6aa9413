import LeadDeckCore
import LeadDeckTUI
import Testing

/// Issue 10 on screen: spend against the pace in the header, and the new settings at the `:` prompt.
@Suite struct BuyingRulesScreenTests {
    /// The fixture's desk with even pacing in force.
    static let paced: Desk = {
        var desk = TUIFixture.state.0
        desk.apply(.policy(PolicyEvent(time: desk.metrics.latest, actor: "alice", change: .pacing(from: .asap, to: .even))))
        return desk
    }()

    @Test func theHeaderShowsSpendAgainstThePace() throws {
        let m = TUIFixture.model()
        let buf = Renderer.render(m, desk: Self.paced, feed: TUIFixture.state.1, info: TUIFixture.info)
        let header = String(buf.text.split(separator: "\n")[0])
        let line = try #require(Self.paced.paceLine(at: Self.paced.metrics.latest))
        let spent = Self.paced.ledger.spentToday
        let gap = spent - line.pace
        let said = gap.cents >= 0 ? "ahead \(gap.formattedWhole)" : "behind \((Money.zero - gap).formattedWhole)"
        #expect(header.contains("\(spent.formattedWhole)/$9,000, \(said)"), "\(header)")
        let wide = Renderer.render(TUIFixture.model(160, 40), desk: Self.paced, feed: TUIFixture.state.1, info: TUIFixture.info)
        #expect(String(wide.text.split(separator: "\n")[0]).contains("pace \(line.pace.formattedWhole)"))
        #expect(header.contains("┃"), "the pace is marked on the budget bar: \(header)")
        expectSnapshot(buf, "sources-even-pacing")
        // asap: no pace shown.
        let plain = String(TUIFixture.render(m).text.split(separator: "\n")[0])
        #expect(!plain.contains("pace") && !plain.contains("┃"))
    }

    @Test func newSettingsAtThePrompt() {
        let desk = TUIFixture.state.0, p = desk.policy
        var m = TUIFixture.model()
        let selected = m.target(desk)!.source
        #expect(SettingsPromptTests.type(&m, "pacing even") == [.change(.pacing(from: .asap, to: .even))])
        #expect(SettingsPromptTests.type(&m, "timezone America/Chicago") == [.change(.timezone(from: p.clock, to: LocalClock(zone: "America/Chicago")!))])
        #expect(SettingsPromptTests.type(&m, "hours mon-fri 8-21, sat 10-16") == [.change(.hours(from: p.hours, to: BusinessHours(week: [
            HourRange(open: 8, close: 21), HourRange(open: 8, close: 21), HourRange(open: 8, close: 21), HourRange(open: 8, close: 21),
            HourRange(open: 8, close: 21), HourRange(open: 10, close: 16), nil])))])
        #expect(SettingsPromptTests.type(&m, "hours source 9-17") == [.change(.sourceHours(source: selected, from: nil, to: BusinessHours(open: 9, close: 17)))])
        #expect(SettingsPromptTests.type(&m, "states CA tx") == [.change(.states(from: p.states, to: ["CA", "TX"]))])
        var evening = Policy.fullPriceAllDay
        for h in 18..<24 { evening[h] = 70 }
        #expect(SettingsPromptTests.type(&m, "hourprice 18-24 70") == [.change(.hourPrices(from: p.hourPriceShare, to: evening))])
        for (text, message) in [("pacing slow", "is not asap or even"), ("hourprice 1-2 200", "not a percent"), ("timezone Mars/Base", "not a time zone"),
                                ("states ZZ", "not a US state code"), ("states -TX", "every state is bought"),
                                ("hours mon 9-17, mon 10-11", "mon is given twice")] {
            #expect(SettingsPromptTests.type(&m, text).isEmpty, "\(text)")
            #expect(m.status?.isError == true && m.status?.text.contains(message) == true, "\(text): \(m.status?.text ?? "")")
        }
    }
}
