import LeadDeckCore
import Testing

@Suite struct MaturityTests {
    @Test func theUsualLagIsTheMedianHourOnceThereAreEnoughSales() {
        var lags = SaleLags()
        #expect(lags.usualLag(.solar) == SaleLags.fallbackSeconds)
        for i in 0..<29 { lags.record(.solar, lagSeconds: Int64(i % 3 == 0 ? 2 : 30) * 3600 + 5) }
        #expect(lags.usualLag(.solar) == SaleLags.fallbackSeconds, "29 sales are not enough")
        lags.record(.solar, lagSeconds: 30 * 3600)
        // 10 sales at 2h, 20 at 30h: half have come by the end of hour 30.
        #expect(lags.usualLag(.solar) == 31 * 3600)
        #expect(lags.usualLag(.legal) == SaleLags.fallbackSeconds, "per vertical")
        lags.record(.legal, lagSeconds: 400 * 86_400)
        #expect(lags.sales(.legal) == 1)
    }

    @Test func theStoreLearnsLagsFromItsOwnSales() {
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 0))
        let t = Timestamp(seconds: 1_793_600_000)
        let lead = LeadRef(sourceID: "S", subID: "a", vertical: .mortgage, mode: .shared, boughtAt: t, price: .dollars(50))
        for i in 0..<40 {
            book.apply(.outcome(OutcomeEvent(time: t + Int64(5 * 3600 + i), leadID: "L\(i)", kind: .converted, revenue: .dollars(900), lead: lead)))
        }
        #expect(book.saleLags.usualLag(.mortgage) == 6 * 3600)
    }
}

@Suite struct ModeSliceTests {
    @Test func offersCountUnderTheirSaleTypeBoughtOrNot() {
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 0))
        for (i, (type, decision)) in [(PurchaseMode.shared, Decision.bought(.shared)), (.shared, .rejected(.price)),
                                       (.exclusive, .rejected(.mode))].enumerated() {
            let o = Offer(leadID: "M\(i)", sourceID: "S", subID: "a", vertical: .solar, state: "TX", postalCode: "1", city: "x",
                          saleType: type, maxSells: type == .shared ? 3 : 1, price: .dollars(10),
                          receivedAt: Timestamp(seconds: 1_793_600_000 + Int64(i)), firstName: "", lastName: "", phone: "", email: "")
            book.apply(.offer(OfferEvent(offer: o, decision: decision, tier: 3)))
        }
        let modes = book.table(.mode, window: .all)
        #expect(modes[MetricKey(.mode, "shared")]?.offered == 2 && modes[MetricKey(.mode, "shared")]?.bought == 1)
        #expect(modes[MetricKey(.mode, "exclusive")]?.offered == 1 && modes[MetricKey(.mode, "exclusive")]?.bought == 0)
    }
}
