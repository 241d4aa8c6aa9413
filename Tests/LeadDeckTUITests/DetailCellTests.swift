import LeadDeckCore
@testable import LeadDeckTUI
import Testing

/// The Detail screen's tables: a right-aligned cell as wide as its column, such as a contact rate on over a
/// thousand leads (`35.0% [32.4-37.7%] n=1,203`, 26 columns), is still set apart from the cell before it.
@Suite struct DetailCellTests {
    @Test func aColumnWideCellNeverTouchesTheOneBeforeIt() {
        let t0 = Timestamp(iso8601: "2026-11-02T15:00:00Z")!
        var desk = Desk(catalog: TUIFixture.catalog(), policy: TUIFixture.policy())
        for i in 0..<1_203 {
            let t = t0 + Int64(i)
            let offer = Offer(leadID: "D\(i)", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, state: "CA",
                              postalCode: "90001", city: "Los Angeles", saleType: .shared, maxSells: 4, price: .dollars(20),
                              receivedAt: t, firstName: "Ann", lastName: "Lee", phone: "555\(1_000_000 + i)", email: "")
            desk.apply(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
            guard i % 20 < 7 else { continue }
            let lead = LeadRef(sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, mode: .shared, boughtAt: t, price: offer.price, state: "CA")
            desk.apply(.outcome(OutcomeEvent(time: t + 60, leadID: offer.leadID, kind: .contacted, lead: lead)))
        }
        for width in [100, 120, 160] {
            let m = TUIFixture.model(width, 40)
            let lines = DetailScreen.content(desk.catalog.source("AUT01")!, m: m, desk: desk, feed: LiveFeed())
            let texts = lines.map { $0.map(\.0).joined() }
            let contact = texts.first { $0.hasPrefix("contact rate") }
            #expect(contact?.contains("n=1,203") == true, "\(width): \(contact ?? "no contact rate line")")
            for text in texts where text.contains("n=") {
                // Each figure stands alone: no word holds both a count ("n=…") and a rate.
                let merged = text.split(separator: " ").filter { $0.contains("n=") && $0.contains("%") }
                #expect(merged.isEmpty, "\(width): \(text)")
            }
        }
    }
}
