import Testing
@testable import LeadDeckCore

/// The lead index keeps bought leads packed (sources, sub-IDs and states by number). These check it against a
/// plain dictionary of entries kept the way the index used to keep them.
@Suite struct PackedLeadsTests {
    static let t0 = Timestamp(iso8601: "2026-09-01T12:00:00Z")!

    static func offer(_ i: Int, at t: Timestamp, subID: String? = nil) -> Offer {
        let states = ["CA", "", "TX", "東京", "N\u{202E}Y"]
        return Offer(leadID: "L\(i)", sourceID: "S\(i % 7)", subID: subID ?? "sub/\(i % 13)", vertical: Vertical.allCases[i % Vertical.allCases.count],
                     state: states[i % states.count], postalCode: "", city: "", saleType: i % 3 == 0 ? .exclusive : .shared,
                     maxSells: 4, price: Money(cents: 1_000 + Int64(i)), receivedAt: t, firstName: "", lastName: "", phone: "", email: "")
    }

    @Test func itKeepsWhatAPlainDictionaryKeeps() {
        var index = LeadIndex()
        var plain: [String: LeadIndex.Entry] = [:]
        var prunedThrough: Int64 = 0
        var t = Self.t0
        for i in 0..<6_000 {
            t = t + 900  // 62 days in all: the first leads are dropped after 45
            let o = Self.offer(i, at: t)
            let bought = i % 4 != 1
            let e = Event.offer(OfferEvent(offer: o, decision: bought ? .bought(o.saleType) : .rejected(.price), tier: 1))
            index.apply(e)
            if bought {
                plain[o.leadID] = LeadIndex.Entry(lead: LeadRef(sourceID: o.sourceID, subID: o.subID, vertical: o.vertical, mode: o.saleType,
                                                                boughtAt: o.receivedAt, price: o.price, state: o.state))
                let day = floorDiv(t.seconds, 86_400)
                if day > prunedThrough {
                    prunedThrough = day
                    plain = plain.filter { $0.value.lead.boughtAt.seconds > t.seconds - LeadIndex.keepDays * 86_400 }
                }
            }
            // Outcomes for an earlier lead, when it is still kept.
            let earlier = "L\(i / 2)"
            if let kept = plain[earlier], i % 5 == 0 {
                let kind: OutcomeKind = [.contacted, .converted, .returned][i % 3]
                index.apply(.outcome(OutcomeEvent(time: t, leadID: earlier, kind: kind, lead: kept.lead)))
                switch kind {
                case .contacted: plain[earlier]?.contacted = true
                case .converted: plain[earlier]?.converted = true
                case .returned: plain[earlier]?.returned = true
                }
            }
        }
        #expect(index.count == plain.count && plain.count > 2_000)
        #expect(index.entries == plain)
        for (id, e) in plain { #expect(index[id] == e) }
        #expect(index["L0"] == nil)
    }

    @Test func equalWhateverOrderTheNamesCameIn() {
        var a = LeadIndex(), b = LeadIndex()
        let offers = (0..<50).map { Self.offer($0, at: Self.t0 + Int64($0)) }
        for o in offers { a.apply(.offer(OfferEvent(offer: o, decision: .bought(o.saleType), tier: 1))) }
        for o in offers.reversed() { b.apply(.offer(OfferEvent(offer: o, decision: .bought(o.saleType), tier: 1))) }
        #expect(a == b)
        b.apply(.outcome(OutcomeEvent(time: Self.t0 + 99, leadID: "L3", kind: .contacted, lead: b["L3"]!.lead)))
        #expect(a != b)
    }

    @Test func subIDsInventedPerLeadDoNotPileUp() {
        var index = LeadIndex()
        var t = Self.t0
        for i in 0..<30_000 {
            t = t + 600  // 208 days: most leads are dropped, and with them their one-off sub-IDs
            let o = Self.offer(i, at: t, subID: "one-off-\(i)")
            index.apply(.offer(OfferEvent(offer: o, decision: .bought(o.saleType), tier: 1)))
        }
        #expect(index.count < 7_000)
        let last = try! #require(index["L29999"])
        #expect(last.lead.subID == "one-off-29999" && last.lead.sourceID == "S\(29_999 % 7)")
        #expect(index.namesKept <= 4 * max(index.count, 1024) + 200)
    }
}
