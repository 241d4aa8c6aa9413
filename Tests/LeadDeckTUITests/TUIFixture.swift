import Foundation
import LeadDeckCore
import LeadDeckTUI
import Testing

/// A small deterministic desk: four sources (one with a hostile name), two simulated days, seed 1.
enum TUIFixture {
    static let hostileName = "Evil\u{1B}[31mRed\rCR\u{9B}2J\u{202E}txet 東京リード" + String(repeating: "x", count: 500)

    static func catalog() -> Catalog {
        func market(_ vol: Int, _ shared: Int64, _ excl: Int64) -> MarketProfile {
            MarketProfile(dailyVolume: vol, exclusiveShare: 0.4, sharedPrice: .dollars(shared), exclusivePrice: .dollars(excl),
                          minLegs: 3, maxLegs: 5, contactRate: 0.45, closeRate: 0.2, saleValue: .dollars(700),
                          returnRate: 0.12, duplicateRate: 0.03)
        }
        let subs = [SubSource(id: "a1", name: "brand-search"), SubSource(id: "b2", name: "retarget", quality: 0.6)]
        return Catalog(sources: [
            Source(id: "AUT01", name: "Pioneer Auto Quotes", vertical: .autoInsurance, channel: .webForm, subIDs: subs, market: market(900, 15, 48)),
            Source(id: "HOM02", name: "Harbor Home Leads", vertical: .homeInsurance, channel: .search, subIDs: subs, market: market(600, 14, 40)),
            Source(id: "SOL03", name: "東京 Solar 見積", vertical: .solar, channel: .social, subIDs: subs, market: market(300, 45, 140)),
            Source(id: "BAD04", name: hostileName, vertical: .autoInsurance, channel: .display, subIDs: subs, market: market(400, 12, 40)),
        ], buyer: BuyerProfile(speed: 0.6, brand: 0.35))
    }

    static func policy() -> Policy {
        Policy(globalMode: .shared, dailyBudget: .dollars(9000), dailyCap: 1500, hourlyCap: 200,
               maxPrice: ["auto": PriceLimit(shared: .dollars(30), exclusive: .dollars(80)),
                          "home": PriceLimit(shared: .dollars(30), exclusive: .dollars(80)),
                          "solar": PriceLimit(shared: .dollars(90), exclusive: .dollars(250))],
               verticals: [.autoInsurance, .homeInsurance, .solar], states: [], hours: BusinessHours(open: 8, close: 21),
               clock: LocalClock(utcOffsetMinutes: -300), dedupeWindowDays: 30,
               sources: ["AUT01": SourceSettings(priority: 1), "BAD04": SourceSettings(priority: 5),
                         "SOL03": SourceSettings(mode: .exclusive)])
    }

    /// The desk and feed after two simulated days, with one policy change in the history.
    static let state: (Desk, LiveFeed) = {
        var desk = Desk(catalog: catalog(), policy: policy())
        var sim = MarketSimulator(seed: 1, start: Timestamp(iso8601: "2026-11-02T05:00:00Z")!)
        var feed = LiveFeed()
        sim.advance(to: sim.now + 2 * 86_400 - 3 * 3600, catalog: desk.catalog, desk: &desk) { feed.add($0) }
        let change = PolicyEvent(time: Timestamp(iso8601: "2026-11-03T15:00:00Z")!, actor: "alice",
                                 change: .priority(source: "AUT01", from: 3, to: 1))
        desk.apply(.policy(change))
        return (desk, feed)
    }()

    /// A desk with 40 days of history, more than the 35 days kept: AUT01 buys 10-16 leads a day in three
    /// states, sells some and returns a few, so daily charts have more days than fit a terminal.
    static let longHistory: Desk = {
        var desk = Desk(catalog: catalog(), policy: policy())
        let start = Timestamp(iso8601: "2026-09-28T15:00:00Z")!
        for d in 0..<40 {
            let day = start + Int64(d) * 86_400
            for i in 0..<(10 + d % 7) {
                let t = day + Int64(i) * 600
                let offer = Offer(leadID: "H\(d)-\(i)", sourceID: "AUT01", subID: "a1", vertical: .autoInsurance,
                                  state: ["CA", "TX", "NY"][i % 3], postalCode: "90001", city: "Los Angeles", saleType: .shared,
                                  maxSells: 4, price: .dollars(15 + Int64(d % 5)), receivedAt: t, firstName: "Ann", lastName: "Lee",
                                  phone: "555\(1_000_000 + d * 100 + i)", email: "")
                desk.apply(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
                let lead = LeadRef(sourceID: "AUT01", subID: "a1", vertical: .autoInsurance, mode: .shared, boughtAt: t,
                                   price: offer.price, state: offer.state)
                if i % 6 == d % 6 {
                    desk.apply(.outcome(OutcomeEvent(time: t + 3600, leadID: offer.leadID, kind: .converted,
                                                     revenue: .dollars(100 + 40 * Int64(d % 9)), lead: lead)))
                } else if i % 9 == 1 {
                    desk.apply(.outcome(OutcomeEvent(time: t + 7200, leadID: offer.leadID, kind: .returned, refund: offer.price,
                                                     reason: "wrong number", lead: lead)))
                }
            }
        }
        return desk
    }()

    static let info = DashboardInfo(storePath: "test/store", engine: "live sim x10")

    static func model(_ w: Int = 120, _ h: Int = 40, readOnly: Bool = false) -> AppModel {
        AppModel(width: w, height: h, readOnly: readOnly, ascii: false)
    }

    static func render(_ m: AppModel) -> Buffer {
        Renderer.render(m, desk: state.0, feed: state.1, info: info)
    }

    /// Feeds keys to the model like a user typing, returning the effects of the last one.
    @discardableResult
    static func press(_ m: inout AppModel, _ keys: Key...) -> [Effect] {
        var last: [Effect] = []
        for k in keys { last = m.handle(k, desk: state.0, feed: state.1) }
        return last
    }
}

/// Compares a rendered screen with `Snapshots/NAME.txt`; set UPDATE_SNAPSHOTS=1 to write it instead.
func expectSnapshot(_ buf: Buffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()
    let path = url.appendingPathComponent("Snapshots/\(name).txt").path
    let text = buf.text + "\n"
    if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
        Issue.record("missing snapshot \(name).txt; run with UPDATE_SNAPSHOTS=1", sourceLocation: sourceLocation)
        return
    }
    if expected != text {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let t = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(e, t).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, t.count)
        Issue.record("snapshot \(name) differs at line \(first + 1):\nexpected: \(first < e.count ? String(e[first]) : "<end>")\nactual:   \(first < t.count ? String(t[first]) : "<end>")", sourceLocation: sourceLocation)
    }
}
