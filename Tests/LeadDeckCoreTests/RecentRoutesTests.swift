import Testing
@testable import LeadDeckCore

/// The metrics' front cache of routes (`RecentRoutes`) finds a route by its strings' bits: it may miss, but must
/// never answer with another route's positions, and the book must count the same with it as a plain tally does.
@Suite("Recent routes: found by their strings' bits, never mistaken")
struct RecentRoutesTests {
    /// A string with the same text as `s` in other storage (a long one gets a buffer of its own).
    static func copy(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }

    static func routes(_ rng: inout SeededRandom, count: Int) -> [MetricsBook.Routes.Key] {
        (0..<count).map { n in
            // Short ids (held in the string itself) and long ones (a buffer elsewhere), ids that share a start.
            let long = rng.next() % 3 == 0
            let source = long ? "SOURCE-WITH-A-LONG-NAME-\(n % 40)" : "S\(n % 40)"
            let sub = long ? "sub-id-that-is-long-\(n)" : "b\(n)"
            let modes: [PurchaseMode?] = [nil, .shared, .exclusive]
            let exchanges: [String?] = [nil, "x1", "an-exchange-with-a-long-name"]
            return MetricsBook.Routes.Key(source: source, subID: sub, vertical: Vertical.allCases[n % Vertical.allCases.count],
                                          mode: modes[Int(rng.next() % 3)], exchange: exchanges[Int(rng.next() % 3)])
        }
    }

    @Test func aRouteIsAnsweredWithItsOwnPositionsOrNotAtAll() {
        var rng = SeededRandom(seed: 3)
        let keys = Self.routes(&rng, count: 2_000)
        var cache = RecentRoutes()
        var remembered: [Int: [Int]] = [:]
        for (n, k) in keys.enumerated() {
            #expect(cache.positions(of: k) == nil || remembered[n] != nil)
            cache.remember(k, [n, n + 1])
            remembered[n] = [n, n + 1]
        }
        var hits = 0
        for (n, k) in keys.enumerated() {
            // The same route in strings of other storage: the same answer, or a miss.
            let other = MetricsBook.Routes.Key(source: Self.copy(k.source), subID: Self.copy(k.subID), vertical: k.vertical,
                                               mode: k.mode, exchange: k.exchange.map(Self.copy))
            for key in [k, other] {
                if let p = cache.positions(of: key) {
                    #expect(p == [n, n + 1], "route \(n) answered with \(p)")
                    hits += 1
                }
            }
        }
        // 2,000 routes in 2,048 places, one route a place: where two met, the later one stays.
        #expect(hits > 100)
        // A route that differs in one part only is not taken for another.
        for k in keys.prefix(200) {
            var m = k
            m.mode = k.mode == .shared ? .exclusive : .shared
            if let p = cache.positions(of: m) { #expect(keys.firstIndex(of: m).map { [$0, $0 + 1] } == p) }
        }
    }

    @Test func theBookCountsEveryOfferUnderItsOwnSlices() {
        var rng = SeededRandom(seed: 5)
        let keys = Self.routes(&rng, count: 700)
        var book = MetricsBook(clock: LocalClock(utcOffsetMinutes: 0))
        var offered: [MetricKey: Int64] = [:]
        for n in 0..<6_000 {
            let k = keys[Int(rng.next() % UInt64(keys.count))]
            // Half the offers carry their strings in storage of their own, as a decoded log's do.
            let fresh = n % 2 == 0
            let offer = Offer(leadID: "L\(n)", sourceID: fresh ? Self.copy(k.source) : k.source, subID: fresh ? Self.copy(k.subID) : k.subID,
                              vertical: k.vertical, state: "TX", postalCode: "75001", city: "Dallas", saleType: k.mode ?? .shared,
                              maxSells: 3, price: Money(cents: 1_000), receivedAt: Timestamp(seconds: 1_790_000_000 + Int64(n)),
                              firstName: "", lastName: "", phone: "", email: "", exchange: k.exchange)
            book.apply(.offer(OfferEvent(offer: offer, decision: .rejected(.filtered), tier: 1)))
            MetricsBook.forEachKey(source: k.source, subID: k.subID, vertical: k.vertical, mode: offer.saleType,
                                   exchange: k.exchange) { offered[$0, default: 0] += 1 }
        }
        for (key, count) in offered {
            #expect(book.series[key]?.allTime.offered == count, "\(key)")
        }
    }
}
