import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Copying an id with OSC 52")
struct ClipboardTests {
    var desk: Desk { TUIFixture.state.0 }

    @Test func base64MatchesRFC4648() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (text, encoded) in vectors { #expect(Clipboard.base64(Array(text.utf8)) == encoded, "\(text)") }
        #expect(Clipboard.base64([0xFF, 0xEF, 0x00]) == "/+8A")
    }

    @Test func theSequenceCarriesTheIdInBase64() {
        #expect(Clipboard.osc52("AUT01") == "\u{1B}]52;c;QVVUMDE=\u{1B}\\")
        #expect(Clipboard.osc52("lead_42-x") == "\u{1B}]52;c;\(Clipboard.base64(Array("lead_42-x".utf8)))\u{1B}\\")
        #expect(Clipboard.osc52(String(repeating: "a", count: 64)) != nil)
    }

    @Test func unsafeIdsAreRefused() {
        for bad in ["", "a b", "L1\u{1B}]52;c;cm0gLXJmIH4=\u{07}", "x;y", "東京", "a/b", "rm -rf ~", "id\n", String(repeating: "a", count: 65)] {
            #expect(Clipboard.refusal(bad) != nil, "\(bad.debugDescription)")
            #expect(Clipboard.osc52(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func cCopiesTheSelectedSourceOrLead() {
        var m = TUIFixture.model()
        TUIFixture.press(&m, .down)
        let source = m.sourceRows(desk)[1].key.source
        #expect(TUIFixture.press(&m, .char("c")) == [.copy(source)])
        #expect(m.status == StatusMessage(text: "copied source id \(source) to the clipboard (OSC 52)", isError: false))
        // A sub-ID row copies its source's id; the detail screen its source's.
        TUIFixture.press(&m, .right, .down)
        #expect(TUIFixture.press(&m, .char("c")) == [.copy(source)])
        TUIFixture.press(&m, .enter)
        #expect(m.screen == .detail && TUIFixture.press(&m, .char("c")) == [.copy(source)])
        TUIFixture.press(&m, .char("2"), .down)
        let items = m.flowItems(TUIFixture.state.1)
        let lead = items[1].leadID
        #expect(TUIFixture.press(&m, .char("c")) == [.copy(lead)])
        #expect(m.status?.text == "copied lead id \(lead) to the clipboard (OSC 52)")
        // Not on the ROI screen, and not in read-only mode's way (copying changes nothing).
        TUIFixture.press(&m, .char("3"))
        #expect(TUIFixture.press(&m, .char("c")).isEmpty)
        var r = TUIFixture.model(readOnly: true)
        #expect(TUIFixture.press(&r, .char("c")).count == 1)
    }

    @Test func aLeadIdFromOutsideThatIsNotSafeIsNotCopiedNorShown() {
        var feed = TUIFixture.state.1
        let hostile = "L1\u{1B}]52;c;cm0gLXJmIH4=\u{07}"
        let offer = Offer(leadID: hostile, sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "CA", postalCode: "",
                          city: "", saleType: .shared, maxSells: 3, price: .dollars(15), receivedAt: desk.metrics.latest + 1,
                          firstName: "", lastName: "", phone: "2025550123", email: "")
        feed.add(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
        var m = TUIFixture.model()
        _ = m.handle(.char("2"), desk: desk, feed: feed)
        #expect(m.flowItems(feed).first?.leadID == hostile)
        #expect(m.handle(.char("c"), desk: desk, feed: feed).isEmpty)
        #expect(m.status == StatusMessage(text: "not copied: the id has characters other than letters, digits, '-' and '_'", isError: true))
    }
}
