import Testing
@testable import LeadDeckCore

@Suite("Money, time and statistics")
struct MoneyAndStatsTests {
    @Test func moneyParsesDecimalsExactly() {
        #expect(Money(decimalString: "18.5") == Money(cents: 1850))
        #expect(Money(decimalString: "18.05") == Money(cents: 1805))
        #expect(Money(decimalString: "1200") == Money(cents: 120_000))
        #expect(Money(decimalString: "0.10") == Money(cents: 10))
        for bad in ["", "1.234", "-3", "1e3", "12.", ".5", "abc", "1.2.3"] { #expect(Money(decimalString: bad) == nil) }
    }

    @Test func moneyFormatsAndDividesWithRounding() {
        #expect(Money(cents: 123_456_789).formatted == "$1,234,567.89")
        #expect(Money(cents: -1205).formatted == "-$12.05")
        #expect(Money(cents: 1000).divided(by: 3) == Money(cents: 333))
        #expect(Money(cents: 1001).divided(by: 2) == Money(cents: 501))  // half rounds away from zero
        #expect(Money(cents: -1001).divided(by: 2) == Money(cents: -501))
        #expect(Money(cents: 5).divided(by: 0) == nil)
    }

    @Test func sumsOfManyOddAmountsStayExact() {
        // 0.1 + 0.2 style drift cannot happen with cents: a million 10-cent leads is exactly $100,000.
        var c = Counters()
        for _ in 0..<1_000_000 { c.count(.bought(.shared), price: Money(cents: 10)) }
        #expect(c.spend == Money(cents: 10_000_000))
    }

    @Test func wilsonIntervalMatchesKnownValues() {
        let r = Rate(2, of: 3)
        let i = r.interval!
        #expect(abs(i.low - 0.2077) < 0.001)
        #expect(abs(i.high - 0.9385) < 0.001)
        #expect(Rate(0, of: 0).interval == nil)
        let zero = Rate(0, of: 20).interval!
        #expect(zero.low == 0 && abs(zero.high - 0.1611) < 0.001)
        #expect(Rate(2, of: 3).detailText == "66.7% [20.8-93.9%] n=3")
    }

    @Test func derivedMetricsFollowTheFormulas() {
        var c = Counters()
        for _ in 0..<10 { c.count(.bought(.exclusive), price: .dollars(40)) }
        let lead = LeadRef(sourceID: "S", subID: "a", vertical: .autoInsurance, mode: .exclusive, boughtAt: Fixture.monday9am, price: .dollars(40))
        for k in [OutcomeKind.contacted, .contacted, .contacted, .contacted, .converted, .converted, .returned] {
            c.count(OutcomeEvent(time: Fixture.monday9am, leadID: "x", kind: k, revenue: k == .converted ? .dollars(500) : nil,
                                 refund: k == .returned ? .dollars(40) : nil, lead: lead))
        }
        let m = MetricsRow(c)
        #expect(m.cpl == .dollars(40))
        #expect(m.effectiveCPL == .dollars(40))  // (400 - 40) / (10 - 1)
        #expect(m.contactRate.value == 0.4)
        #expect(m.conversionRate.value == 0.2)
        #expect(m.returnRate.value == 0.1)
        #expect(m.cpa == .dollars(180))  // 360 / 2
        #expect(abs(m.roi! - (1000.0 - 360.0) / 360.0) < 1e-12)
        #expect(abs(m.roas! - 1000.0 / 360.0) < 1e-12)
    }

    @Test func timestampsRoundTrip() {
        let t = Timestamp(iso8601: "2026-11-02T14:05:09Z")!
        #expect(t.iso8601 == "2026-11-02T14:05:09Z")
        #expect(Timestamp(iso8601: "2026-11-02T09:05:09-05:00") == t)
        #expect(Timestamp(iso8601: "2026-13-02T14:05:09Z") == nil)
        #expect(Timestamp(iso8601: "yesterday") == nil)
        let clock = LocalClock(utcOffsetMinutes: -300)
        #expect(clock.format(t) == "2026-11-02 09:05")
        #expect(clock.hourOfDay(t) == 9)
        #expect(EngineSessionStart.check == "2026-11-02T05:00:00Z")
    }
}

/// The documented default start of a fresh store's simulation (kept in the store module), as text.
enum EngineSessionStart { static let check = Timestamp(seconds: 1_793_595_600).iso8601 }
