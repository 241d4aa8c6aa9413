import LeadDeckCore
import Testing

/// Settings as policy changes: each applies, says what it did, undoes exactly, and refuses bad values.
@Suite struct SettingChangeTests {
    @Test func everySettingAppliesAndUndoes() throws {
        let p = Fixture.policy()
        let changes: [PolicyChange] = [
            .caps(source: nil, from: LeadCaps(p, source: nil), to: LeadCaps(daily: 100, hourly: nil)),
            .caps(source: "S1", from: LeadCaps(p, source: "S1"), to: LeadCaps(daily: 5, hourly: 2)),
            .hours(from: p.hours, to: BusinessHours(open: 9, close: 17)),
            .hours(from: p.hours, to: nil),
            .maxPrice(vertical: "solar", from: p.maxPrice["solar"], to: PriceLimit(shared: .dollars(90), exclusive: .dollars(300))),
            .maxPrice(vertical: "auto", from: p.maxPrice["auto"], to: nil),
            .dedupe(from: p.dedupeWindowDays, to: 7),
        ]
        for c in changes where !c.isInForce(in: p) {
            let after = try c.apply(to: p)
            #expect(after != p, "\(c.summary)")
            #expect(c.isInForce(in: after))
            #expect(!c.inverse.isInForce(in: after) || c.inverse == c)
            let back = try c.inverse.apply(to: after)
            #expect(LeadCaps(back, source: c.source) == LeadCaps(p, source: c.source))
            #expect(back.hours == p.hours && back.maxPrice == p.maxPrice && back.dedupeWindowDays == p.dedupeWindowDays, "\(c.summary)")
        }
        #expect(changes[0].summary == "global caps daily \(LeadCaps(p, source: nil).daily.map { "\($0)" } ?? "none") / hourly \(LeadCaps(p, source: nil).hourly.map { "\($0)" } ?? "none") -> daily 100 / hourly none")
        #expect(changes[2].summary.hasSuffix("-> 09-17"))
    }

    @Test func badValuesAreRefused() {
        let p = Fixture.policy()
        #expect(throws: PolicyError.self) { try PolicyChange.caps(source: nil, from: LeadCaps(daily: nil, hourly: nil), to: LeadCaps(daily: -1, hourly: nil)).apply(to: p) }
        #expect(throws: PolicyError.self) { try PolicyChange.hours(from: nil, to: BusinessHours(open: 9, close: 9)).apply(to: p) }
        #expect(throws: PolicyError.self) { try PolicyChange.maxPrice(vertical: "boats", from: nil, to: nil).apply(to: p) }
        #expect(throws: PolicyError.self) { try PolicyChange.dedupe(from: 30, to: 366).apply(to: p) }
        #expect(BusinessHours.parse("8-21") == .success(BusinessHours(open: 8, close: 21)))
        #expect(BusinessHours.parse("always") == .success(nil))
        #expect((try? BusinessHours.parse("8 to 9").get()) == nil)
        #expect(LeadCaps.parseCap("1,500", field: "x") == .success(1500))
        #expect(LeadCaps.parseCap("none", field: "x") == .success(nil))
        #expect((try? LeadCaps.parseCap("-3", field: "x").get()) == nil)
    }

    @Test func aPriceForAVerticalNotBoughtStartsBuyingIt() throws {
        var p = Fixture.policy()
        p.verticals.removeAll { $0 == .solar }
        p.maxPrice["solar"] = nil
        let after = try PolicyChange.maxPrice(vertical: "solar", from: nil, to: PriceLimit(shared: .dollars(50), exclusive: .dollars(200))).apply(to: p)
        #expect(after.verticals.contains(.solar))
    }
}
