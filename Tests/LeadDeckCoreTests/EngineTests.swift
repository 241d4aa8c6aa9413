import Testing
@testable import LeadDeckCore

@Suite("Engine rules")
struct EngineTests {
    func decide(_ o: Offer, _ p: Policy, _ l: Ledger = Ledger()) -> Decision {
        var l = l
        l.roll(to: o.receivedAt, clock: p.clock, dedupeWindowDays: p.dedupeWindowDays)
        return Engine.decide(o, policy: p, ledger: l)
    }

    @Test func buysAMatchingOffer() {
        #expect(decide(Fixture.offer(), Fixture.policy()) == .bought(.shared))
        #expect(decide(Fixture.offer(sale: .exclusive, price: .dollars(60)), Fixture.policy(mode: .exclusive)) == .bought(.exclusive))
    }

    @Test func blockedSourceAndSubID() {
        var p = Fixture.policy()
        p.sources["S1"] = SourceSettings(blocked: true)
        #expect(decide(Fixture.offer(), p) == .rejected(.blocked))
        p.sources["S1"] = SourceSettings(blockedSubIDs: ["b"])
        #expect(decide(Fixture.offer(sub: "b"), p) == .rejected(.blocked))
        #expect(decide(Fixture.offer(sub: "a"), p) == .bought(.shared))
    }

    @Test func filteredByVerticalAndState() {
        let p = Fixture.policy()
        #expect(decide(Fixture.offer(vertical: .mortgage), p) == .rejected(.filtered))
        #expect(decide(Fixture.offer(state: "NY"), p) == .rejected(.filtered))
        var open = p
        open.states = []
        #expect(decide(Fixture.offer(state: "NY"), open) == .bought(.shared))
    }

    @Test func closedOutsideHours() {
        let p = Fixture.policy()
        let night = Timestamp(iso8601: "2026-11-02T03:00:00Z")!  // 22:00 Eastern the day before
        #expect(decide(Fixture.offer(at: night), p) == .rejected(.closed))
        let lastOpenMinute = Timestamp(iso8601: "2026-11-03T00:59:00Z")!  // 19:59 Eastern
        #expect(decide(Fixture.offer(at: lastOpenMinute), p) == .bought(.shared))
    }

    @Test func duplicateWithinWindowOnly() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        let first = desk.process(Fixture.offer(phone: "(555) 010-2030"))
        #expect(first.decision == .bought(.shared))
        let again = desk.process(Fixture.offer(source: "S2", at: Fixture.monday9am + 3600, phone: "555-010-2030"))
        #expect(again.decision == .rejected(.duplicate))
        let later = desk.process(Fixture.offer(at: Fixture.monday9am + 31 * 86_400, phone: "5550102030"))
        #expect(later.decision == .bought(.shared))
    }

    @Test func leadsWithoutPhoneOrEmailAreNotDuplicatesOfEachOther() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        var a = Fixture.offer()
        a.phone = ""; a.email = ""
        var b = Fixture.offer(at: Fixture.monday9am + 60)
        b.phone = ""; b.email = ""
        #expect(desk.process(a).decision.isBought)
        #expect(desk.process(b).decision.isBought)
    }

    @Test func offersFromAnHourAlreadyClosedAreOutOfOrder() {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        _ = desk.process(Fixture.offer(at: Fixture.monday9am + 3600))
        #expect(desk.isInOrder(Fixture.monday9am + 3600))
        #expect(!desk.isInOrder(Fixture.monday9am))
        #expect(!desk.isInOrder(Fixture.monday9am - 86_400))
    }

    @Test func aChangeIsInForceUntilSomeoneChangesItAgain() throws {
        let p = Fixture.policy()
        let lower = PolicyChange.priority(source: "S1", from: 3, to: 4)
        let after = try lower.apply(to: p)
        #expect(lower.isInForce(in: after) && !lower.isInForce(in: p))
        let someoneElse = try PolicyChange.priority(source: "S1", from: 4, to: 5).apply(to: after)
        #expect(!lower.isInForce(in: someoneElse))  // undoing now would overwrite their change
        let block = PolicyChange.block(source: "S1", subID: "a")
        #expect(block.isInForce(in: try block.apply(to: p)) && block.inverse.isInForce(in: p))
    }

    @Test func policyValidationBoundsEveryAmount() {
        var p = Fixture.policy(dailyCap: 200_000_000_000_000_000)
        p.dailyBudget = Money(cents: .max / 50)
        p.sources["S1"] = SourceSettings(priority: 9, hourlyCap: -1)
        let errors = p.validationErrors()
        #expect(errors.contains { $0.hasPrefix("dailyCap must be 0 to") })
        #expect(errors.contains { $0.hasPrefix("dailyBudget must be $0 to") })
        #expect(errors.contains("sources.S1.priority must be 1-5, got 9"))
        #expect(errors.contains { $0.hasPrefix("sources.S1.hourlyCap must be 0 to") })
        #expect(Fixture.policy().validationErrors().isEmpty)
    }

    @Test func modeMustMatchTheSourcesModeInForce() {
        var p = Fixture.policy(mode: .shared)
        #expect(decide(Fixture.offer(sale: .exclusive, price: .dollars(50)), p) == .rejected(.mode))
        p.sources["S1"] = SourceSettings(mode: .exclusive)
        #expect(decide(Fixture.offer(sale: .exclusive, price: .dollars(50)), p) == .bought(.exclusive))
        #expect(decide(Fixture.offer(sale: .shared), p) == .rejected(.mode))
        #expect(decide(Fixture.offer(source: "S2", sale: .shared), p) == .bought(.shared))
    }

    @Test func priceAboveTheMaximumForVerticalAndMode() {
        let p = Fixture.policy()
        #expect(decide(Fixture.offer(price: Money(cents: 3000)), p) == .bought(.shared))
        #expect(decide(Fixture.offer(price: Money(cents: 3001)), p) == .rejected(.price))
    }

    @Test func sourceAndGlobalCaps() {
        var p = Fixture.policy(dailyCap: 10, hourlyCap: 5)
        p.sources["S1"] = SourceSettings(priority: 1, dailyCap: 2)
        p.sources["S2"] = SourceSettings(priority: 1)
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        #expect(desk.process(Fixture.offer()).decision.isBought)
        #expect(desk.process(Fixture.offer()).decision.isBought)
        #expect(desk.process(Fixture.offer()).decision == .rejected(.cap))  // the source's own daily cap
        for _ in 0..<3 { #expect(desk.process(Fixture.offer(source: "S2")).decision.isBought) }
        #expect(desk.process(Fixture.offer(source: "S2")).decision == .rejected(.cap))  // global hourly cap 5
        #expect(desk.process(Fixture.offer(source: "S2", at: Fixture.monday9am + 3600)).decision.isBought)  // next hour
    }

    @Test func budgetRejectsThePurchaseThatWouldExceedIt() {
        var p = Fixture.policy(budget: .dollars(50))
        p.sources["S1"] = SourceSettings(priority: 1)
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        #expect(desk.process(Fixture.offer(price: .dollars(20))).decision.isBought)
        #expect(desk.process(Fixture.offer(price: .dollars(20))).decision.isBought)
        #expect(desk.process(Fixture.offer(price: .dollars(20))).decision == .rejected(.budget))
        #expect(desk.process(Fixture.offer(price: .dollars(10))).decision.isBought)  // exactly at the budget
        // A new local day starts a new budget.
        #expect(desk.process(Fixture.offer(price: .dollars(20), at: Fixture.monday9am + 86_400)).decision.isBought)
    }

    @Test func firstFailingRuleGivesTheReason() {
        var p = Fixture.policy(budget: .zero)
        p.sources["S1"] = SourceSettings(blocked: true)
        let everythingWrong = Fixture.offer(vertical: .mortgage, state: "NY", sale: .exclusive, price: .dollars(999),
                                            at: Timestamp(iso8601: "2026-11-02T04:00:00Z")!)
        #expect(decide(everythingWrong, p) == .rejected(.blocked))
        p.sources = [:]
        #expect(decide(everythingWrong, p) == .rejected(.filtered))
        let inFilter = Fixture.offer(sale: .exclusive, price: .dollars(999), at: Timestamp(iso8601: "2026-11-02T04:00:00Z")!)
        #expect(decide(inFilter, p) == .rejected(.closed))
        #expect(decide(Fixture.offer(sale: .exclusive, price: .dollars(999)), p) == .rejected(.mode))
        #expect(decide(Fixture.offer(price: .dollars(999)), p) == .rejected(.price))
        #expect(decide(Fixture.offer(), p) == .rejected(.budget))
    }

    @Test func priorityTiersShareABindingBudget() {
        // Both sources offer the same $10 leads all day; the budget is $1,000. Tier 5 may use only 50% of it.
        var p = Fixture.policy(budget: .dollars(1000))
        p.hours = nil
        p.sources["S1"] = SourceSettings(priority: 1)
        p.sources["S2"] = SourceSettings(priority: 5)
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        var spend: [String: Money] = [:]
        var rejectedForBudget: [String: Int] = [:]
        for i in 0..<300 {
            for s in ["S1", "S2"] {
                let e = desk.process(Fixture.offer(source: s, price: .dollars(10), at: Fixture.monday9am + Int64(i * 60)))
                if e.decision.isBought { spend[s, default: .zero] += .dollars(10) }
                if e.decision == .rejected(.budget) { rejectedForBudget[s, default: 0] += 1 }
            }
        }
        // Tier 5 stops once total spend reaches $500; tier 1 takes the rest of the $1,000.
        #expect(spend["S2"] == .dollars(250))
        #expect(spend["S1"] == .dollars(750))
        #expect(rejectedForBudget["S2"]! > rejectedForBudget["S1"]!)
        #expect(spend.values.reduce(.zero, +) == .dollars(1000))
    }

    @Test func priorityScalesTheGlobalCapsToo() {
        var p = Fixture.policy(dailyCap: 10)
        p.hours = nil
        p.sources["S2"] = SourceSettings(priority: 5)
        var desk = Desk(catalog: Fixture.catalog(), policy: p)
        var bought = 0
        for i in 0..<20 where desk.process(Fixture.offer(source: "S2", at: Fixture.monday9am + Int64(i))).decision.isBought { bought += 1 }
        #expect(bought == 5)  // 50% of the daily cap of 10
    }
}
