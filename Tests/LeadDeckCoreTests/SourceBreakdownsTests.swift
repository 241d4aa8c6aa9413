import Foundation
import LeadDeckCore
import Testing

/// Per-source breakdowns (returns by reason, results by state and by hour of day) and the lead's state that
/// lets outcomes count by state.
@Suite struct SourceBreakdownsTests {
    static let clock = LocalClock(utcOffsetMinutes: -300)

    static func bought(_ o: Offer, _ mode: PurchaseMode = .shared) -> Event { .offer(OfferEvent(offer: o, decision: .bought(mode), tier: 1)) }

    static func lead(_ o: Offer, _ mode: PurchaseMode = .shared) -> LeadRef {
        LeadRef(sourceID: o.sourceID, subID: o.subID, vertical: o.vertical, mode: mode, boughtAt: o.receivedAt, price: o.price, state: o.state)
    }

    @Test func offersAndOutcomesCountByStateHourAndReason() {
        var book = MetricsBook(clock: Self.clock)
        let nine = Fixture.monday9am, two = Fixture.monday9am + 5 * 3600
        let a = Fixture.offer(state: "CA", price: .dollars(20), at: nine)
        let b = Fixture.offer(state: "tx", price: .dollars(90), at: nine + 1800)
        let c = Fixture.offer(state: "CA", sale: .exclusive, price: .dollars(40), at: two)
        book.apply(Self.bought(a))
        book.apply(.offer(OfferEvent(offer: b, decision: .rejected(.price), tier: 1)))
        book.apply(Self.bought(c, .exclusive))
        // Outcomes a day later still count in the state and the hour their lead was bought in.
        book.apply(.outcome(OutcomeEvent(time: nine + 86_400, leadID: a.leadID, kind: .contacted, lead: Self.lead(a))))
        book.apply(.outcome(OutcomeEvent(time: nine + 90_000, leadID: a.leadID, kind: .converted, revenue: .dollars(500), lead: Self.lead(a))))
        book.apply(.outcome(OutcomeEvent(time: two + 86_400, leadID: c.leadID, kind: .returned, refund: .dollars(40),
                                         reason: "  Wrong Number\n", lead: Self.lead(c, .exclusive))))

        let s = book.breakdowns["S1"]
        let ca = s.states["CA"], tx = s.states["TX"]
        #expect(ca?.offered == 2 && ca?.bought == 2 && ca?.spend == .dollars(60))
        #expect(ca?.contacted == 1 && ca?.sold == 1 && ca?.revenue == .dollars(500))
        #expect(ca?.returned == 1 && ca?.refunds == .dollars(40))
        #expect(tx?.offered == 1 && tx?.bought == 0 && tx?.spend == .zero, "a rejected offer counts as offered only; states are upper-cased")
        #expect(s.hours[9].offered == 2 && s.hours[9].bought == 1 && s.hours[9].sold == 1 && s.hours[9].revenue == .dollars(500))
        #expect(s.hours[14].bought == 1 && s.hours[14].returned == 1 && s.hours[14].refunds == .dollars(40))
        #expect(s.hours.enumerated().allSatisfy { [9, 14].contains($0.offset) || $0.element == SourceBreakdowns.Tally() })
        #expect(s.returns == ["wrong number": { var r = SourceBreakdowns.ReturnTally(); r.count = 1; r.refunded = .dollars(40); return r }()])
        #expect(s.withoutState == 0)
        #expect(book.breakdowns.countedSince == nil)
        // The tally's counters give the usual formulas: ROI = (revenue - net spend) / net spend.
        #expect(MetricsRow(ca!.counters).roi == Double(50_000 - 2_000) / 2_000)
    }

    @Test func anOutcomeWhoseLeadHasNoStateCountsApart() {
        var book = MetricsBook(clock: Self.clock)
        let a = Fixture.offer(at: Fixture.monday9am)
        book.apply(Self.bought(a))
        var old = Self.lead(a)
        old.state = nil
        book.apply(.outcome(OutcomeEvent(time: a.receivedAt + 60, leadID: a.leadID, kind: .returned, refund: .dollars(20), lead: old)))
        let s = book.breakdowns["S1"]
        #expect(s.withoutState == 1)
        #expect(s.states["CA"]?.returned == 0, "not guessed from the offer")
        #expect(s.hours[9].returned == 1)
        #expect(s.returns[SourceBreakdowns.noReasonKey]?.count == 1)
    }

    @Test func reasonsAndStatesAreBounded() {
        var book = MetricsBook(clock: Self.clock)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let codes = (0..<70).map { String([letters[$0 / 26], letters[$0 % 26]]) }
        for (i, code) in codes.enumerated() {
            let o = Fixture.offer(state: code, at: Fixture.monday9am + Int64(i))
            book.apply(Self.bought(o))
            book.apply(.outcome(OutcomeEvent(time: o.receivedAt + 60, leadID: o.leadID, kind: .returned, refund: .dollars(20),
                                             reason: "reason \(i % 25) " + String(repeating: "x", count: 100), lead: Self.lead(o))))
        }
        book.apply(Self.bought(Fixture.offer(state: "California", at: Fixture.monday9am + 100)))
        let s = book.breakdowns["S1"]
        #expect(s.states.count == SourceBreakdowns.statesKept + 1)
        #expect(s.states[SourceBreakdowns.otherKey]?.bought == Int64(70 - SourceBreakdowns.statesKept) + 1,
                "states past the limit, and a malformed one, fold into other")
        #expect(s.states[SourceBreakdowns.otherKey]?.returned == Int64(70 - SourceBreakdowns.statesKept))
        #expect(s.returns.count == SourceBreakdowns.reasonsKept + 1)
        #expect(s.returns[SourceBreakdowns.otherKey]?.count == 10, "reasons 20-24, seen twice each in 70 returns")
        #expect(s.returns.keys.allSatisfy { $0.count <= SourceBreakdowns.reasonLength })
        #expect(s.returns.values.reduce(0) { $0 + $1.count } == 70)
        #expect(SourceBreakdowns.stateKey("California") == SourceBreakdowns.unknownState)
        #expect(SourceBreakdowns.reasonKey(" \t") == SourceBreakdowns.noReasonKey)
    }

    @Test func aSimulationsBreakdownsAddUpToEachSourcesTotals() {
        var desk = Desk(catalog: Fixture.catalog(["S1", "S2", "S3"], volume: 3000), policy: Fixture.policy())
        var sim = MarketSimulator(seed: 7, start: Fixture.monday9am - 9 * 3600)
        sim.advance(to: sim.now + 3 * 86_400, catalog: desk.catalog, desk: &desk) { _ in }
        for id in ["S1", "S2", "S3"] {
            let c = desk.metrics.table(.source, window: .all)[MetricKey(.source, id)]!
            let b = desk.metrics.breakdowns[id]
            for tallies in [b.hours, Array(b.states.values)] {
                let t = tallies.reduce(SourceBreakdowns.Tally()) { var t = $0; t.add($1); return t }
                #expect(t.offered == c.offered && t.bought == c.bought && t.spend == c.spend)
                #expect(t.contacted == c.contacted && t.sold == c.converted && t.revenue == c.revenue)
                #expect(t.returned == c.returned && t.refunds == c.refunds)
            }
            #expect(b.returns.values.reduce(0) { $0 + $1.count } == c.returned)
            #expect(b.returns.values.reduce(Money.zero) { $0 + $1.refunded } == c.refunds)
            #expect(Set(b.returns.keys).isSubset(of: Set(ReturnReason.all)))
            #expect(c.returned > 0 && c.converted > 0)
        }
    }

    @Test func checkpointRoundTripAndAnOldDocumentWithoutBreakdowns() throws {
        var desk = Desk(catalog: Fixture.catalog(), policy: Fixture.policy())
        var sim = MarketSimulator(seed: 3, start: Fixture.monday9am)
        sim.advance(to: sim.now + 86_400, catalog: desk.catalog, desk: &desk) { _ in }
        let book = desk.metrics
        let data = try JSONEncoder().encode(book)
        #expect(try JSONDecoder().decode(MetricsBook.self, from: data) == book)

        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["breakdowns"] != nil)
        object["breakdowns"] = nil
        let old = try JSONDecoder().decode(MetricsBook.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.breakdowns.sources.isEmpty)
        #expect(old.breakdowns.countedSince == book.latest, "they count from the checkpoint's time and say so")
        #expect(old.table(.source, window: .all) == book.table(.source, window: .all))
        #expect(old.daily().map(\.counters) == book.daily().map(\.counters))
        // A new store's empty book has nothing before it: no "since".
        let empty = try JSONDecoder().decode(MetricsBook.self, from: JSONEncoder().encode(MetricsBook(clock: Self.clock)))
        #expect(empty.breakdowns.countedSince == nil)
        // A breakdown with a wrong number of hours is refused rather than read short.
        let bad = #"{"sources":{"S1":{"hours":[[0,0,0,0,0,0,0,0]]}}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SourceBreakdowns.self, from: Data(bad.utf8)) }
    }

    @Test func leadStateIsPackedIntoPaddingAndOptionalInJSON() throws {
        /// `LeadRef` as it was before it kept a state.
        struct OldLeadRef {
            var sourceID: String, subID: String, vertical: Vertical, mode: PurchaseMode, boughtAt: Timestamp, price: Money
        }
        #expect(MemoryLayout<LeadRef>.size == MemoryLayout<OldLeadRef>.size)
        #expect(MemoryLayout<LeadRef>.stride == MemoryLayout<OldLeadRef>.stride)

        var lead = LeadRef(sourceID: "S1", subID: "a", vertical: .autoInsurance, mode: .shared, boughtAt: Fixture.monday9am,
                           price: .dollars(20), state: "ny")
        #expect(lead.state == "NY")
        for bad in ["N", "NYC", "N1", "", "東京"] {
            lead.state = bad
            #expect(lead.state == nil, "\(bad)")
        }
        // An outcome logged before states were kept reads with none; one without a state writes none.
        let oldLine = #"{"kind":"returned","lead":{"bought_at":1793628000,"mode":"shared","price":{"cents":2000,"currency":"USD"},"source_id":"S1","sub_id":"a","vertical":"auto"},"lead_id":"L1","reason":"duplicate","refund":{"cents":2000,"currency":"USD"},"time":1793628600}"#
        let outcome = try JSONDecoder().decode(OutcomeEvent.self, from: Data(oldLine.utf8))
        #expect(outcome.lead.state == nil)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try enc.encode(outcome), as: UTF8.self) == oldLine)
        var withState = outcome
        withState.lead.state = "TX"
        let again = try JSONDecoder().decode(OutcomeEvent.self, from: enc.encode(withState))
        #expect(again.lead.state == "TX" && again == withState)
    }

    @Test func leadIndexEntriesReadOldCheckpointsWithoutAState() throws {
        var index = LeadIndex()
        let o = Fixture.offer(state: "FL", at: Fixture.monday9am)
        index.apply(Self.bought(o))
        #expect(index[o.leadID]?.lead.state == "FL")
        let round = try JSONDecoder().decode(LeadIndex.self, from: JSONEncoder().encode(index))
        #expect(round == index)
        let old = #"{"entries":{"L1":["S1","a","auto","shared",1793628000,2000,5]},"prunedThrough":20759}"#
        let loaded = try JSONDecoder().decode(LeadIndex.self, from: Data(old.utf8))
        let e = try #require(loaded["L1"])
        #expect(e.lead.state == nil && e.contacted && e.returned && !e.converted)
    }
}
