import LeadDeckCore
import Synchronization

/// Small, explicit policies, offers and catalogs for tests.
enum Fixture {
    static let monday9am = Timestamp(iso8601: "2026-11-02T14:00:00Z")!  // 09:00 US Eastern

    static func policy(budget: Money = .dollars(10_000), dailyCap: Int? = nil, hourlyCap: Int? = nil,
                       mode: PurchaseMode = .shared) -> Policy {
        Policy(globalMode: mode, dailyBudget: budget, dailyCap: dailyCap, hourlyCap: hourlyCap,
               maxPrice: ["auto": PriceLimit(shared: .dollars(30), exclusive: .dollars(80)),
                          "solar": PriceLimit(shared: .dollars(90), exclusive: .dollars(300))],
               verticals: [.autoInsurance, .solar], states: ["CA", "TX"], hours: BusinessHours(open: 8, close: 20),
               clock: LocalClock(utcOffsetMinutes: -300), dedupeWindowDays: 30, sources: [:])
    }

    static let counter = Mutex<Int>(0)
    static func offer(source: String = "S1", sub: String = "a", vertical: Vertical = .autoInsurance, state: String = "CA",
                      sale: PurchaseMode = .shared, price: Money = .dollars(20), at: Timestamp = monday9am,
                      phone: String? = nil, id: String? = nil) -> Offer {
        let n = counter.withLock { $0 += 1; return $0 }
        return Offer(leadID: id ?? "T\(n)", sourceID: source, subID: sub, vertical: vertical, state: state,
                     postalCode: "90001", city: "Los Angeles", saleType: sale, maxSells: sale == .shared ? 4 : 1,
                     price: price, receivedAt: at, firstName: "Ann", lastName: "Lee",
                     phone: phone ?? "555\(String(1_000_000 + n))", email: "a\(n)@example.com")
    }

    static func market(volume: Int = 2000, exclusiveShare: Double = 0.5) -> MarketProfile {
        MarketProfile(dailyVolume: volume, exclusiveShare: exclusiveShare, sharedPrice: .dollars(15),
                      exclusivePrice: .dollars(45), minLegs: 4, maxLegs: 5, contactRate: 0.45, closeRate: 0.22,
                      saleValue: .dollars(600), returnRate: 0.1, duplicateRate: 0.0)
    }

    static func catalog(_ ids: [String] = ["S1", "S2"], volume: Int = 2000) -> Catalog {
        Catalog(sources: ids.map {
            Source(id: $0, name: "Source \($0)", vertical: .autoInsurance, channel: .webForm,
                   subIDs: [SubSource(id: "a", name: "a"), SubSource(id: "b", name: "b")], market: market(volume: volume))
        }, buyer: BuyerProfile(speed: 0.6, brand: 0.35))
    }
}
