import Foundation
import LeadDeckCore
import Testing

/// Issue 10's buying rules: the buyer's time zone with daylight saving, hours per weekday and per source, and
/// even pacing of the daily budget.
@Suite struct TimeZoneTests {
    static let newYork = LocalClock(zone: "America/New_York")!
    static func t(_ iso: String) -> Timestamp { Timestamp(iso8601: iso)! }

    @Test func daysWhenClocksChangeHave23And25Hours() {
        let c = Self.newYork
        // 2026-03-08: clocks go forward at 02:00 EST; 2026-11-01: back at 02:00 EDT.
        let march8 = c.startOfDay(Self.t("2026-03-08T17:00:00Z"))
        #expect(march8 == Self.t("2026-03-08T05:00:00Z"))
        #expect(c.startOfDay(Self.t("2026-03-09T17:00:00Z")).seconds - march8.seconds == 23 * 3600)
        let nov1 = c.startOfDay(Self.t("2026-11-01T17:00:00Z"))
        #expect(nov1 == Self.t("2026-11-01T04:00:00Z"))
        #expect(c.startOfDay(Self.t("2026-11-02T17:00:00Z")).seconds - nov1.seconds == 25 * 3600)
        // 23:30 EST on Nov 1 is still Nov 1; 00:30 EST is Nov 2.
        #expect(c.day(Self.t("2026-11-02T04:30:00Z")) == c.day(Self.t("2026-11-01T04:30:00Z")))
        #expect(c.day(Self.t("2026-11-02T05:30:00Z")) == c.day(Self.t("2026-11-01T04:30:00Z")) + 1)
    }

    @Test func theRepeatedHourIsTwoRealHoursOfTheSameLocalHour() {
        let c = Self.newYork
        let first = Self.t("2026-11-01T05:30:00Z"), second = Self.t("2026-11-01T06:30:00Z")  // 01:30 EDT, 01:30 EST
        #expect(c.hourOfDay(first) == 1 && c.hourOfDay(second) == 1)
        #expect(c.hourIndex(second) == c.hourIndex(first) + 1)
        #expect(c.formatTime(first) == "01:30:00" && c.formatTime(second) == "01:30:00")
        // Spring forward: 01:59 EST is followed by 03:00 EDT.
        #expect(c.hourOfDay(Self.t("2026-03-08T06:59:00Z")) == 1 && c.hourOfDay(Self.t("2026-03-08T07:00:00Z")) == 3)
        #expect(c.offsetSeconds(at: Self.t("2026-07-01T12:00:00Z")) == -4 * 3600)
        #expect(c.offsetSeconds(at: Self.t("2026-12-01T12:00:00Z")) == -5 * 3600)
    }

    @Test func aFixedOffsetClockKeepsItsHoursAndWeekdays() {
        let fixed = LocalClock(utcOffsetMinutes: -300)
        let t = Fixture.monday9am
        #expect(fixed.hourIndex(t) == floorDiv(t.seconds - 18_000, 3600))
        #expect(fixed.hourOfDay(t) == 9 && fixed.weekday(t) == 0)
        #expect(Self.newYork.weekday(Self.t("2026-11-01T17:00:00Z")) == 6)  // a Sunday
        #expect(fixed.name == "UTC-05:00" && LocalClock(utcOffsetMinutes: 330).name == "UTC+05:30")
    }

    @Test func zonesAreParsedStoredAndRefused() throws {
        #expect(try LocalClock.parse("America/Chicago").get().zone == "America/Chicago")
        #expect(try LocalClock.parse("UTC+5:30").get() == LocalClock(utcOffsetMinutes: 330))
        #expect(try LocalClock.parse("UTC-05:00").get() == LocalClock(utcOffsetMinutes: -300))
        for bad in ["Mars/Olympus", "EST", "UTC+15:00", "america/new_york", "", "UTC+5:3"] {
            #expect((try? LocalClock.parse(bad).get()) == nil, "\(bad)")
        }
        let data = try JSONEncoder().encode(Self.newYork)
        #expect(String(decoding: data, as: UTF8.self).contains("\"zone\":\"America\\/New_York\""))
        #expect(try JSONDecoder().decode(LocalClock.self, from: data) == Self.newYork)
        let unknown = Data(#"{"utcOffsetMinutes":0,"zone":"Nowhere/Land"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LocalClock.self, from: unknown) }
        #expect(try JSONDecoder().decode(LocalClock.self, from: Data(#"{"utcOffsetMinutes":-300}"#.utf8)) == LocalClock(utcOffsetMinutes: -300))
    }

    @Test func capsAndHoursFollowTheZoneAcrossBothChanges() {
        var p = Fixture.policy()
        p.clock = Self.newYork
        // 08:30 EDT on Friday Oct 30 is open; the same UTC time on Monday Nov 2 is 07:30 EST, closed.
        #expect(Engine.decide(Fixture.offer(at: Self.t("2026-10-30T12:30:00Z")), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(at: Self.t("2026-11-02T12:30:00Z")), policy: p, ledger: Ledger()) == .rejected(.closed))
        // A daily cap of 1 holds over the whole 25-hour Nov 1, and resets at its local midnight.
        p.hours = nil
        p.sources["S1"] = SourceSettings(priority: 1)  // the whole of the global caps
        p.dailyCap = 1
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-01T04:30:00Z"))).decision == .bought(.shared))
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-02T04:30:00Z"))).decision == .rejected(.cap))
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-02T05:30:00Z"))).decision == .bought(.shared))
        // An hourly cap of 1: the two 01:00 hours of Nov 1 are two hours.
        p.dailyCap = nil
        p.hourlyCap = 1
        desk = Desk(catalog: Fixture.catalog(), policy: p)
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-01T05:30:00Z"))).decision == .bought(.shared))
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-01T05:40:00Z"))).decision == .rejected(.cap))
        #expect(desk.process(Fixture.offer(at: Self.t("2026-11-01T06:30:00Z"))).decision == .bought(.shared))
        // The 23-hour day: 03:30 EDT on March 8 is the day's third hour of buying after midnight.
        desk = Desk(catalog: Fixture.catalog(), policy: p)
        #expect(desk.process(Fixture.offer(at: Self.t("2026-03-08T06:59:00Z"))).decision == .bought(.shared))
        #expect(desk.process(Fixture.offer(at: Self.t("2026-03-08T07:00:00Z"))).decision == .bought(.shared))
    }
}

@Suite struct WeekdayHoursTests {
    @Test func hoursPerWeekdayParseDescribeAndStore() throws {
        let h = try #require(try BusinessHours.parse("Mon-Fri 8-21, sat 10-16, sun closed").get())
        #expect(h.week[0] == HourRange(open: 8, close: 21) && h.week[4] == HourRange(open: 8, close: 21))
        #expect(h.week[5] == HourRange(open: 10, close: 16) && h.week[6] == nil)
        #expect(BusinessHours.describe(h) == "Mon-Fri 08-21, Sat 10-16, Sun closed")
        #expect(try BusinessHours.parse("mon-fri 9-17").get().map { BusinessHours.describe($0) } == "Mon-Fri 09-17, Sat-Sun closed")
        let data = try JSONEncoder().encode(h)
        #expect(try JSONDecoder().decode(BusinessHours.self, from: data) == h)
        #expect(String(decoding: data, as: UTF8.self).contains(#""week":["08-21","08-21","08-21","08-21","08-21","10-16","closed"]"#))
        // Every day alike keeps the short form older policies use.
        let same = try JSONEncoder().encode(BusinessHours(open: 8, close: 21))
        #expect(try JSONSerialization.jsonObject(with: same) as? [String: Int] == ["open": 8, "close": 21])
        for bad in ["mon-fri 8-25", "fri-mon 8-21", "mon 8-21, mon 9-10", "someday 8-21", "mon", "mon-fri 8 21", "8-8"] {
            #expect((try? BusinessHours.parse(bad).get()) == nil, "\(bad)")
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BusinessHours.self, from: Data(#"{"week":["08-21"]}"#.utf8)) }
    }

    @Test func weekdayAndSourceHoursCloseBuying() throws {
        var p = Fixture.policy()
        p.hours = try BusinessHours.parse("mon-fri 8-21, sat 10-16, sun closed").get()
        let monday = Fixture.monday9am  // Monday 09:00 at UTC-5
        let saturday9 = monday - 2 * 86_400, saturday11 = saturday9 + 7200, sunday11 = saturday11 + 86_400
        #expect(Engine.decide(Fixture.offer(at: monday), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(at: saturday9), policy: p, ledger: Ledger()) == .rejected(.closed))
        #expect(Engine.decide(Fixture.offer(at: saturday11), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(at: sunday11), policy: p, ledger: Ledger()) == .rejected(.closed))
        // A source's own hours apply inside the global ones; other sources are not affected.
        p = try PolicyChange.sourceHours(source: "S1", from: nil, to: BusinessHours(open: 10, close: 12)).apply(to: p)
        #expect(Engine.decide(Fixture.offer(source: "S1", at: monday), policy: p, ledger: Ledger()) == .rejected(.closed))
        #expect(Engine.decide(Fixture.offer(source: "S2", at: monday), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(source: "S1", at: monday + 3600), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(source: "S1", at: sunday11), policy: p, ledger: Ledger()) == .rejected(.closed))
        let ping = Ping(pingID: "P1", sourceID: "S1", subID: "a", vertical: .autoInsurance, state: "CA", postalCode: "90001",
                        saleType: .shared, maxSells: 4, floor: nil, receivedAt: monday)
        #expect(Engine.bid(ping, policy: p, ledger: Ledger()) == .noBid(.closed))
    }

    @Test func newSettingsApplyUndoAndRefuseBadValues() throws {
        let p = Fixture.policy()
        let zone = try #require(LocalClock(zone: "America/Los_Angeles"))
        let changes: [PolicyChange] = [
            .sourceHours(source: "S1", from: nil, to: BusinessHours(open: 9, close: 17)),
            .pacing(from: .asap, to: .even),
            .timezone(from: p.clock, to: zone),
            .states(from: p.states, to: ["CA", "NV", "TX"]),
            .states(from: p.states, to: []),
        ]
        for c in changes {
            let after = try c.apply(to: p)
            #expect(after != p && c.isInForce(in: after), "\(c.summary)")
            var back = try c.inverse.apply(to: after)
            back.sources = back.sources.filter { $0.value != .default }  // an entry put back to the defaults
            #expect(back == p, "\(c.summary)")
            let coded = try JSONDecoder().decode(PolicyChange.self, from: try JSONEncoder().encode(c))
            #expect(coded == c)
            #expect(c.rebased(on: p) == c)
        }
        #expect(changes[1].summary == "pacing asap -> even")
        #expect(changes[2].summary == "time zone UTC-05:00 -> America/Los_Angeles")
        #expect(changes[3].summary == "states CA, TX -> CA, NV, TX")
        #expect(changes[4].summary == "states CA, TX -> all")
        #expect(throws: PolicyError.self) { try PolicyChange.states(from: [], to: ["ZZ"]).apply(to: p) }
        // Adding and removing: one rule for the CLI and the dashboard.
        #expect(try p.states(adding: ["nv"], removing: ["TX"]) == ["CA", "NV"])
        #expect(throws: PolicyError.self) { try p.states(adding: [], removing: ["CA", "TX"]) }  // nothing left
        #expect(throws: PolicyError.self) { try p.states(adding: ["ZZ"], removing: []) }
        var everyState = p
        everyState.states = []
        // Adding to "every state" would narrow buying to the added ones: refused.
        #expect(throws: PolicyError.self) { try everyState.states(adding: ["NV"], removing: []) }
        #expect(throws: PolicyError.self) { try PolicyChange.sourceHours(source: "S1", from: nil, to: BusinessHours(open: 3, close: 3)).apply(to: p) }
        #expect(throws: PolicyError.self) { try PolicyChange.timezone(from: p.clock, to: LocalClock(utcOffsetMinutes: 15 * 60)).apply(to: p) }
    }
}

@Suite struct PacingTests {
    /// A day of offers from 00:00 to 24:00 local, `perHour(hour)` spread evenly over each hour, from sources S1
    /// and S2 in turn, $20 each.
    static func day(_ start: Timestamp, perHour: (Int) -> Int) -> [Offer] {
        var out: [Offer] = []
        for h in 0..<24 {
            let n = perHour(h)
            for i in 0..<n {
                let at = start + Int64(h * 3600 + i * 3600 / n)
                out.append(Fixture.offer(source: i % 2 == 0 ? "S1" : "S2", at: at))
            }
        }
        return out
    }

    static let monday0 = Fixture.monday9am - 9 * 3600  // Monday 00:00 at UTC-5

    /// Spend per local hour of the day starting at `start`.
    static func spendByHour(_ desk: inout Desk, _ offers: [Offer]) -> (spend: [Int64], reasons: [RejectReason: Int]) {
        var spend = [Int64](repeating: 0, count: 24), reasons: [RejectReason: Int] = [:]
        for o in offers {
            let e = desk.process(o)
            switch e.decision {
            case .bought: spend[desk.policy.clock.hourOfDay(o.receivedAt)] += o.price.cents
            case .rejected(let r): reasons[r, default: 0] += 1
            }
        }
        return (spend, reasons)
    }

    @Test func evenPacingSpreadsTheBudgetOverTheOpenHours() throws {
        var p = Fixture.policy(budget: .dollars(6_000))  // open 08-20: 12 hours
        p.pacing = .even
        p.sources = ["S1": SourceSettings(priority: 1), "S2": SourceSettings(priority: 1)]
        // Volume twice the budget, busier at midday: 40 offers an hour at 08, up to 100 at 13.
        let volume = { (h: Int) in 40 + 60 * max(0, 5 - abs(13 - h)) / 5 }
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        _ = Self.spendByHour(&desk, Self.day(Self.monday0, perHour: volume))  // day 1 teaches the hours' volume
        let (spend, reasons) = Self.spendByHour(&desk, Self.day(Self.monday0 + 86_400, perHour: volume))
        let weights = desk.paceWeights.weights
        let open = Array(8..<20), total = open.reduce(Int64(0)) { $0 + weights[$1] }
        var spentSoFar: Int64 = 0
        for h in open {
            let share = p.dailyBudget.cents * weights[h] / total
            #expect(spend[h] <= 2 * share, "hour \(h) spent \(spend[h]) of a share of \(share)")
            spentSoFar += spend[h]
            #expect(spend[h] > 0, "hour \(h) bought nothing")
        }
        #expect(weights[13] > weights[8], "learned: 13:00 is busier than 08:00")
        #expect(spentSoFar <= p.dailyBudget.cents && spentSoFar >= p.dailyBudget.cents * 95 / 100, "\(spentSoFar)")
        #expect((reasons[.pacing] ?? 0) > 0, "the pace, not the budget, held spending back")
    }

    @Test func aFollowerReplayingTheLogHoldsTheEnginesPace() throws {
        var p = Fixture.policy(budget: .dollars(6_000))
        p.pacing = .even
        var engine = Desk(catalog: Fixture.catalog(), policy: p)
        var follower = Desk(catalog: Fixture.catalog(), policy: p)
        let volume = { (h: Int) in 20 + 4 * h }
        for o in Self.day(Self.monday0, perHour: volume) + Self.day(Self.monday0 + 86_400, perHour: volume) {
            follower.apply(.offer(engine.process(o)))
        }
        let at = Self.monday0 + 86_400 + 15 * 3600
        #expect(follower.paceWeights == engine.paceWeights)
        #expect(try #require(follower.paceLine(at: at)) == (try #require(engine.paceLine(at: at))))
    }

    @Test func asapSpendsAsOffersComeAndNeverSaysPacing() {
        let p = Fixture.policy(budget: .dollars(6_000))
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        let (spend, reasons) = Self.spendByHour(&desk, Self.day(Self.monday0, perHour: { _ in 60 }))
        #expect(reasons[.pacing] == nil && (reasons[.budget] ?? 0) > 0)
        #expect(spend[8] == 60 * 2000 && spend[19] == 0, "the money is gone before closing")
    }

    @Test func theRuleOfTheReadmeExample() throws {
        // $45,000 over 08-21 (13 hours, no history: equal weights); at 10:15, 2.25 hours into the day.
        var p = Fixture.policy(budget: .dollars(45_000))
        p.hours = BusinessHours(open: 8, close: 21)
        p.pacing = .even
        let at = Self.monday0 + 10 * 3600 + 15 * 60
        let line = try #require(PaceLine.at(at, budget: p.dailyBudget, hours: p.hours, clock: p.clock, weights: .uniform))
        #expect(line.pace == Money(cents: 778_846) && line.slice == Money(cents: 346_153))
        #expect(line.limit(share: 100) == Money(cents: 1_124_999) && line.limit(share: 50) == Money(cents: 562_499))
        // A tier-5 source stops at half the line; tier 1 buys up to it.
        var ledger = Ledger()
        ledger.roll(to: at, clock: p.clock, dedupeWindowDays: 30)
        ledger.recordPurchase(Fixture.offer(price: .dollars(6_000), at: at))
        p.sources["S2"] = SourceSettings(priority: 5)
        #expect(Engine.decide(Fixture.offer(source: "S2", at: at), policy: p, ledger: ledger) == .rejected(.pacing))
        #expect(Engine.decide(Fixture.offer(source: "S1", at: at), policy: p, ledger: ledger) == .bought(.shared))
        p.pacing = .asap
        #expect(Engine.decide(Fixture.offer(source: "S2", at: at), policy: p, ledger: ledger) == .bought(.shared))
    }

    @Test func countersFromEveryEarlierLayoutStillRead() throws {
        for n in [17, 20] {
            let old = "[" + Array(repeating: "1", count: n).joined(separator: ",") + "]"
            let c = try JSONDecoder().decode(Counters.self, from: Data(old.utf8))
            #expect(c.rejected[.budget] == 1 && c.rejected[.pacing] == 0 && c.returned == 1)
            #expect(c.won == (n == 20 ? 1 : 0))
        }
        var c = Counters()
        c.rejected[.pacing] = 7
        c.won = 3
        let back = try JSONDecoder().decode(Counters.self, from: try JSONEncoder().encode(c))
        #expect(back == c && Counters.fieldOrder.count == 21 && Counters.fieldOrder.last == "rejected.pacing")
    }
}

@Suite struct HourPriceTests {
    @Test func anHoursPercentScalesTheMaximumPriceAndTheBid() throws {
        var p = Fixture.policy()  // auto shared max $30, hours 08-20 at UTC-5
        p.hourPriceShare = try Policy.parseHourPrices(["8-10", "60", "18-20", "80%"]).get()
        #expect(Policy.describeHourPrices(p.hourPriceShare) == "08-10 60%, 18-20 80%")
        let nine = Fixture.monday9am, noon = nine + 3 * 3600, seven = nine + 10 * 3600
        // $20 is above 60% of $30 ($18) at 09:00, within it at noon (100%) and at 19:00 (80%: $24).
        #expect(Engine.decide(Fixture.offer(price: .dollars(20), at: nine), policy: p, ledger: Ledger()) == .rejected(.price))
        #expect(Engine.decide(Fixture.offer(price: .dollars(18), at: nine), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(price: .dollars(20), at: noon), policy: p, ledger: Ledger()) == .bought(.shared))
        #expect(Engine.decide(Fixture.offer(price: .dollars(20), at: seven), policy: p, ledger: Ledger()) == .bought(.shared))
        // A ping's bid: the hour's percent of the maximum first, then the tier's share (tier 3: 80%), each
        // rounded down: $30 x 60% = $18.00, x 80% = $14.40.
        let ping = Ping(pingID: "P1", sourceID: "S1", subID: "a", vertical: .autoInsurance, state: "CA", postalCode: "90001",
                        saleType: .shared, maxSells: 4, floor: nil, receivedAt: nine)
        #expect(Engine.bid(ping, policy: p, ledger: Ledger()) == .bid(Money(cents: 1_440)))
    }

    @Test func hourPricesParseChangeUndoAndRefuseBadValues() throws {
        let p = Fixture.policy()
        let to = try Policy.parseHourPrices(["22-6", "50"]).get()
        #expect(to[23] == 50 && to[0] == 50 && to[5] == 50 && to[6] == 100 && to[12] == 100)
        let c = PolicyChange.hourPrices(from: p.hourPriceShare, to: to)
        let after = try c.apply(to: p)
        let back = try c.inverse.apply(to: after)
        #expect(after.hourPriceShare == to && c.isInForce(in: after) && back == p)
        #expect(c.summary == "hour prices 100% all day -> 00-06 50%, 22-24 50%")
        #expect(try JSONDecoder().decode(PolicyChange.self, from: try JSONEncoder().encode(c)) == c)
        #expect(try Policy.parseHourPrices(["reset"]).get() == Policy.fullPriceAllDay)
        for bad in [["0-7"], ["0-7", "120"], ["7-7", "50"], ["0-25", "50"], ["x", "50"], []] {
            #expect((try? Policy.parseHourPrices(bad).get()) == nil, "\(bad)")
        }
        #expect(throws: PolicyError.self) { try PolicyChange.hourPrices(from: p.hourPriceShare, to: [50]).apply(to: p) }
        // Policies written before it read as 100% all day.
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(p)) as? [String: Any])
        object.removeValue(forKey: "hourPriceShare")
        #expect(try JSONDecoder().decode(Policy.self, from: try JSONSerialization.data(withJSONObject: object)).hourPriceShare == Policy.fullPriceAllDay)
    }
}
