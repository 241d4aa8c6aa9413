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
