import LeadDeckCore
import LeadDeckTUI
import Testing

/// Ratios of money can be astronomically large (revenue on a one-cent spend); no screen may trap on them.
@Suite("Extreme values on screen")
struct ExtremeValueTests {
    @Test func roiColumnsCapInsteadOfTrapping() {
        #expect(Fmt.roi(1e300) == "+999k%")
        #expect(Fmt.roi(-1e300) == "-999k%")
        #expect(Fmt.roi(8_999_999_999) == "+999k%")  // $90,000,000 on $0.01
        #expect(Fmt.roi(12.345) == "+1235%")
        #expect(Fmt.roi(.infinity) == "-")
        #expect(Fmt.roi(.nan) == "-")
        #expect(Widgets.sparkline([Int64.max, 1, 0, -5, Int64.min], ascii: true).count == 5)
    }

    @Test func everyScreenDrawsALeadThatSoldForHalfOfInt64OnACent() {
        var desk = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        let bought = Timestamp(iso8601: "2026-11-02T15:00:00Z")!
        let offer = Offer(leadID: "X1", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "CA", postalCode: "",
                          city: "", saleType: .shared, maxSells: 4, price: Money(cents: 1), receivedAt: bought,
                          firstName: "", lastName: "", phone: "", email: "")
        desk.apply(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
        let lead = desk.leads["X1"]!.lead
        desk.apply(.outcome(OutcomeEvent(time: bought + 300, leadID: "X1", kind: .converted,
                                         revenue: Money(cents: Int64.max / 2), lead: lead)))
        var texts: [String] = []
        for screen in ScreenID.allCases {
            var m = TUIFixture.model()
            m.screen = screen
            m.detailSource = "AUT01"
            texts.append(Renderer.render(m, desk: desk, feed: LiveFeed(), info: TUIFixture.info).text)
        }
        #expect(texts[ScreenID.roi.rawValue - 1].contains("+999k%"))
        #expect(texts[ScreenID.roi.rawValue - 1].contains("4.6e18x"))
    }
}
