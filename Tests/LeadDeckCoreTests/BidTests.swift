import Foundation
import Testing
@testable import LeadDeckCore

/// The bid on a ping: the rules judged without contact data, the tier's share of the maximum price, the floor.
@Suite("Bidding on pings")
struct BidTests {
    static let t = Timestamp(seconds: 1_793_595_600 + 10 * 3600)

    static func policy() -> Policy {
        Policy(globalMode: .shared, dailyBudget: .dollars(1000), dailyCap: nil, hourlyCap: nil,
               maxPrice: ["auto": PriceLimit(shared: Money(cents: 4001), exclusive: .dollars(97))], verticals: [.autoInsurance],
               states: [], hours: nil, clock: LocalClock(utcOffsetMinutes: -300), dedupeWindowDays: 30,
               sources: ["S1": SourceSettings(priority: 1)])
    }

    static func ping(_ sale: PurchaseMode = .shared, floor: Money? = nil, source: String = "S1", state: String = "TX") -> Ping {
        Ping(pingID: "p", sourceID: source, subID: "default", vertical: .autoInsurance, state: state, postalCode: "75001",
             saleType: sale, maxSells: sale == .shared ? 3 : 1, floor: floor, receivedAt: t)
    }

    @Test func theBidIsTheTiersShareOfTheMaximumRoundedDown() {
        var p = Self.policy()
        let expected: [Int: Int64] = [1: 4001, 2: 3600, 3: 3200, 4: 2600, 5: 2000]
        for (tier, cents) in expected {
            p.sources["S1"] = SourceSettings(priority: tier)
            #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .bid(Money(cents: cents)), "tier \(tier)")
        }
        p.tierBidShare = [100, 100, 100, 100, 0]
        p.sources["S1"] = SourceSettings(priority: 5)
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.floor), "a zero bid is no bid")
    }

    @Test func rulesWithoutContactDataInOrder() {
        var p = Self.policy()
        #expect(Engine.bid(Self.ping(.exclusive), policy: p, ledger: Ledger()) == .noBid(.mode))
        #expect(Engine.bid(Self.ping(floor: Money(cents: 4002)), policy: p, ledger: Ledger()) == .noBid(.floor))
        #expect(Engine.bid(Self.ping(floor: Money(cents: 4001)), policy: p, ledger: Ledger()) == .bid(Money(cents: 4001)))
        p.states = ["CA"]
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.filtered))
        p.states = []
        p.hours = BusinessHours(open: 12, close: 13)
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.closed))
        p.hours = nil
        p.dailyBudget = Money(cents: 4000)
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.budget), "the bid itself must fit the budget")
        p.dailyBudget = .dollars(1000)
        p.sources["S1"] = SourceSettings(priority: 1, dailyCap: 0)
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.cap))
        p.sources["S1"] = SourceSettings(blocked: true, priority: 1, dailyCap: 0)
        #expect(Engine.bid(Self.ping(), policy: p, ledger: Ledger()) == .noBid(.blocked), "blocked comes first")
    }

    @Test func aPolicyWithoutTierBidShareReadsTheDefault() throws {
        let data = try JSONEncoder().encode(Self.policy())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["tierBidShare"] != nil)
        object.removeValue(forKey: "tierBidShare")
        let old = try JSONDecoder().decode(Policy.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.tierBidShare == Policy.defaultTierBidShare)
        var bad = Self.policy()
        bad.tierBidShare = [100, 90]
        #expect(bad.validationErrors().contains { $0.contains("tierBidShare") })
    }

    @Test func countersFromBeforePingsStillRead() throws {
        let old = "[" + Array(repeating: "1", count: 17).joined(separator: ",") + "]"
        let c = try JSONDecoder().decode(Counters.self, from: Data(old.utf8))
        #expect(c.offered == 1 && c.returned == 1 && c.pinged == 0 && c.won == 0)
        var n = Counters()
        n.count(BidDecision.bid(.dollars(1)))
        n.count(BidDecision.noBid(.mode))
        n.count(.bought(.shared), price: .dollars(1), forBid: true)
        let back = try JSONDecoder().decode(Counters.self, from: try JSONEncoder().encode(n))
        #expect(back == n)
        #expect(back.bidRate == 0.5 && back.winRate == 1)
    }
}
