import LeadDeckCore
import LeadDeckTUI
import Testing

/// Snapshots of the screens and overlays added for daily use: alerts, the lead's detail, column setup, the
/// settings prompt, marked rows and a frozen order.
@Suite("New screens as text snapshots")
struct OverlaySnapshotTests {
    @Test func alertsScreen() {
        var (desk, feed) = TUIFixture.state
        let now = desk.metrics.latest
        desk.apply(.alert(AlertEvent(time: now - 3600, kind: .budget, source: nil, text: "daily budget spent out at 19:59: $9,000 of $9,000; offers are rejected until midnight")))
        desk.apply(.alert(AlertEvent(time: now, kind: .belowBreakEven, source: "SOL03", text: "SOL03 is below break-even: ROI -83.0% on 41 mature leads ($5,460 spent, $928 revenue)")))
        var m = TUIFixture.model()
        m.handle(.char("5"), desk: desk, feed: feed)
        expectSnapshot(Renderer.render(m, desk: desk, feed: feed, info: TUIFixture.info), "alerts-120x40")
        _ = feed
    }

    @Test func leadDetailOverLiveFlow() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("2"), .enter)
        expectSnapshot(TUIFixture.render(m), "flow-lead-detail")
    }

    @Test func columnSetupOverlay() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("C"), .down, .down, .char(" "))
        expectSnapshot(TUIFixture.render(m), "column-setup")
    }

    @Test func settingsPromptAndMarkedRows() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .char("x"), .char("x"), .char("Z"), .char(":"), .char("c"), .char("a"), .char("p"), .char("s"))
        expectSnapshot(TUIFixture.render(m), "settings-prompt-marked-frozen")
    }
}
