import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore
import Testing

/// Alerts: raised by the engine, recorded in the log (every terminal sees the same), once per condition a day.
@Suite struct AlertTests {
    static func store(budget: Money, dailyCapOf source: (String, Int)? = nil) throws -> MemoryStore {
        let seed = try EngineFixture.fileStore()
        var policy = try seed.loadPolicyDocument().policy
        policy.dailyBudget = budget
        if let (id, cap) = source { policy.sources[id, default: SourceSettings()].dailyCap = cap }
        return MemoryStore(catalog: seed.catalog, policy: policy)
    }

    static func alerts(_ store: MemoryStore) -> [AlertEvent] {
        store.records.compactMap { if case .alert(let a) = $0.event { return a } else { return nil } }
    }

    @Test func aSpentBudgetRaisesOneAlertADayInTheLog() throws {
        let store = try Self.store(budget: .dollars(300))
        let session = try EngineSession(store: store, seed: 4, start: EngineFixture.monday9am - 9 * 3600)
        for _ in 0..<20 { try session.advance(to: session.now + 3600) }  // Monday 00:00 to 20:00
        let monday = Self.alerts(store).filter { $0.kind == .budget }
        #expect(monday.count == 1, "\(monday.map(\.text))")
        #expect(monday.first?.text.contains("daily budget spent out at") == true)
        #expect(session.state.desk.recentAlerts.contains(monday[0]))
        for _ in 0..<20 { try session.advance(to: session.now + 3600) }  // into Tuesday afternoon
        #expect(Self.alerts(store).filter { $0.kind == .budget }.count == 2, "a new day, a new alert")
        // A viewer (a second terminal) sees the same alerts from the log.
        let viewer = try store.loadState(leads: false)
        #expect(viewer.desk.recentAlerts.filter { $0.kind == .budget } == Self.alerts(store).filter { $0.kind == .budget })
    }

    @Test func aRestartedEngineDoesNotRaiseTheSameAlertAgainThatDay() throws {
        let store = try Self.store(budget: .dollars(300))
        let first = try EngineSession(store: store, seed: 4, start: EngineFixture.monday9am - 9 * 3600)
        for _ in 0..<14 { try first.advance(to: first.now + 3600) }
        try first.checkpoint()
        try first.advance(to: first.now + 1800)  // a tail after the checkpoint
        first.close()
        let second = try EngineSession(store: store, seed: nil, start: nil)
        try second.advance(to: second.now + 3 * 3600)
        #expect(Self.alerts(store).filter { $0.kind == .budget }.count == 1)
    }

    @Test func aSourceReachingItsCapRaisesAnAlertNamingIt() throws {
        let store = try Self.store(budget: .dollars(1_000_000), dailyCapOf: ("AUT01", 5))
        let session = try EngineSession(store: store, seed: 2, start: EngineFixture.monday9am)
        try session.advance(to: session.now + 8 * 3600)
        let caps = Self.alerts(store).filter { $0.kind == .cap }
        #expect(caps.map(\.source) == ["AUT01"], "\(caps.map(\.text))")
        #expect(caps.first?.text.contains("AUT01 reached its daily cap of 5 leads") == true)
    }

    @Test func aSourceBelowBreakEvenOnMatureLeadsIsFlaggedOnce() {
        // Built by hand: 40 mature leads at $10 with one sale of $50: ROI -87.5%.
        let seedCatalog = Catalog(sources: [Source(id: "S01", name: "s", vertical: .autoInsurance, channel: .search,
                                                   subIDs: [SubSource(id: "a", name: "a")], market: nil)],
                                  buyer: BuyerProfile(speed: 0.5, brand: 0.3))
        let policy = Policy(globalMode: .shared, dailyBudget: .dollars(10_000), dailyCap: nil, hourlyCap: nil,
                            maxPrice: ["auto": PriceLimit(shared: .dollars(50), exclusive: .dollars(90))], verticals: [.autoInsurance],
                            states: [], hours: nil, clock: LocalClock(utcOffsetMinutes: 0), dedupeWindowDays: 0, sources: [:])
        var desk = Desk(catalog: seedCatalog, policy: policy)
        let t0 = Timestamp(seconds: 1_793_600_000)
        for i in 0..<40 {
            let o = Offer(leadID: "L\(i)", sourceID: "S01", subID: "a", vertical: .autoInsurance, state: "TX", postalCode: "1",
                          city: "x", saleType: .shared, maxSells: 3, price: .dollars(10), receivedAt: t0, firstName: "a",
                          lastName: "b", phone: "", email: "")
            desk.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 3)))
        }
        desk.apply(.outcome(OutcomeEvent(time: t0 + 3600, leadID: "L0", kind: .converted, revenue: .dollars(50), lead: desk.leads["L0"]!.lead)))
        let later = t0 + 3 * 86_400
        let o = Offer(leadID: "now", sourceID: "S01", subID: "a", vertical: .autoInsurance, state: "TX", postalCode: "1", city: "x",
                      saleType: .exclusive, maxSells: 1, price: .dollars(10), receivedAt: later, firstName: "a", lastName: "b", phone: "", email: "")
        desk.apply(.offer(OfferEvent(offer: o, decision: .rejected(.mode), tier: 3)))
        let found = AlertRules.check(desk, at: later, full: true)
        #expect(found.map(\.kind) == [.belowBreakEven], "\(found)")
        #expect(found.first?.text.contains("ROI -87.5% on 40 mature leads") == true, "\(found.first?.text ?? "")")
        desk.apply(.alert(found[0]))
        #expect(AlertRules.check(desk, at: later + 60, full: true).isEmpty, "once a day")
        #expect(AlertRules.check(desk, at: later, full: false).isEmpty, "money rules run only on a full check")
    }
}
