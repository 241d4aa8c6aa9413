import LeadDeckCore
@testable import LeadDeckTUI
import Testing

/// The sources table built the fast way (`SourceListing`: figures once per row, the sort key once per row, the
/// sparkline and maturing marks only for rows drawn) against the plain computation it replaced (`Reference`,
/// below: every row built in full, compared column by column in the sort), on desks with many sources.
@Suite struct SourceListingTests {
    /// 36 sources over three verticals (two of them with a blocked sub-ID, some blocked, some exclusive), two
    /// simulated days, and an offer that brings a sub-ID the catalog does not list.
    static let manySources: Desk = {
        var sources: [Source] = []
        let verticals: [Vertical] = [.autoInsurance, .homeInsurance, .solar]
        for i in 0..<36 {
            let market = MarketProfile(dailyVolume: 40 + 35 * (i % 7), exclusiveShare: 0.3, sharedPrice: .dollars(10 + Int64(i % 9)),
                                       exclusivePrice: .dollars(40), minLegs: 3, maxLegs: 5, contactRate: 0.3 + 0.04 * Double(i % 6),
                                       closeRate: 0.05 + 0.03 * Double(i % 5), saleValue: .dollars(300 + 50 * Int64(i % 4)),
                                       returnRate: 0.05 + 0.02 * Double(i % 4), duplicateRate: 0.02)
            // Names that tie once lowercased, ids out of catalog order: the tie-breaks matter.
            let n = (i * 7) % 36
            sources.append(Source(id: "S\(n < 10 ? "0" : "")\(n)", name: i % 5 == 0 ? "Same Name" : "source \(i)",
                                  vertical: verticals[i % 3], channel: Channel.allCases[i % Channel.allCases.count],
                                  subIDs: [SubSource(id: "a", name: "first"), SubSource(id: "b", name: "second", quality: 0.5)],
                                  market: i % 11 == 10 ? nil : market))
        }
        var policy = TUIFixture.policy()
        var settings: [String: SourceSettings] = [:]
        for (i, s) in sources.enumerated() {
            settings[s.id] = SourceSettings(blocked: i % 13 == 4, blockedSubIDs: i % 6 == 1 ? ["b"] : [], priority: 1 + i % 5,
                                            mode: i % 8 == 3 ? .exclusive : .inherit)
        }
        policy.sources = settings
        var desk = Desk(catalog: Catalog(sources: sources, buyer: BuyerProfile(speed: 0.6, brand: 0.35)), policy: policy)
        var sim = MarketSimulator(seed: 7, start: Timestamp(iso8601: "2026-11-02T05:00:00Z")!)
        sim.advance(to: sim.now + 2 * 86_400 - 3 * 3600, catalog: desk.catalog, desk: &desk) { _ in }
        let o = Offer(leadID: "new-sub", sourceID: "S07", subID: "zz", vertical: .homeInsurance, state: "TX", postalCode: "75001",
                      city: "Dallas", saleType: .shared, maxSells: 3, price: .dollars(12), receivedAt: sim.now,
                      firstName: "A", lastName: "B", phone: "5550001111", email: "")
        desk.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 3)))
        return desk
    }()

    static let desks: [(String, Desk)] = [("many sources", manySources), ("fixture", TUIFixture.state.0),
                                          ("40 days", TUIFixture.longHistory)]
    static let filters = ["", "auto", "!blocked", "roi<0", "leads>=30", "status:partial", "same", "s1", "zzz-no-match"]

    static func fast(_ d: Desk, _ w: Window, _ sort: SortColumn, _ desc: Bool, _ filter: String, _ expanded: Set<String>,
                     _ pinned: String?, _ mature: Bool) -> [SourceRow] {
        SourceTable.listing(desk: d, window: w, sort: sort, descending: desc, filter: filter, expanded: expanded,
                            pinned: pinned, matureOnly: mature).completedRows
    }

    @Test func everySortMatchesThePlainComputation() {
        for (name, d) in Self.desks {
            let ids = d.catalog.sources.map(\.id)
            let expanded: Set<String> = [ids[0], ids[ids.count / 2], "S07"]
            for sort in SortColumn.allCases {
                for desc in [true, false] {
                    for w in Window.allCases {
                        let plain = Reference.rows(desk: d, window: w, sort: sort, descending: desc, filter: "", expanded: expanded)
                        #expect(Self.fast(d, w, sort, desc, "", expanded, nil, false) == plain, "\(name) \(sort) \(desc) \(w)")
                        #expect(SourceTable.rows(desk: d, window: w, sort: sort, descending: desc, filter: "", expanded: expanded) == plain)
                    }
                }
            }
        }
    }

    @Test func everyFilterWindowAndMatureModeMatchesThePlainComputation() {
        for (name, d) in Self.desks {
            let ids = d.catalog.sources.map(\.id)
            for filter in Self.filters {
                for w in Window.allCases {
                    for mature in [false, true] {
                        for sort in [SortColumn.roi, .name, .today, .status] {
                            for expanded in [Set<String>(), Set(ids.prefix(4))] {
                                let pinned = ids.last
                                let plain = Reference.rows(desk: d, window: w, sort: sort, descending: true, filter: filter,
                                                           expanded: expanded, pinned: pinned, matureOnly: mature)
                                #expect(Self.fast(d, w, sort, true, filter, expanded, pinned, mature) == plain,
                                        "\(name) \(filter) \(w) \(mature) \(sort)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func theSummariesMatchTheCompleteRows() {
        for (name, d) in Self.desks {
            for w in Window.allCases {
                for mature in [false, true] {
                    for filter in ["", "auto", "zzz-no-match"] {
                        let l = SourceTable.listing(desk: d, window: w, sort: .roi, descending: true, filter: filter,
                                                    expanded: [d.catalog.sources[0].id], matureOnly: mature)
                        let rows = l.completedRows
                        #expect(l.keys == rows.map(\.key))
                        #expect(l.sourceCount() == rows.count { $0.key.subID == nil })
                        if !rows.isEmpty { #expect(l.sourceCount(prefix: 3) == rows.prefix(3).count { $0.key.subID == nil }) }
                        #expect(l.anyBought == rows.contains { $0.counters.bought > 0 }, "\(name) \(w) \(mature)")
                        #expect(l.anyWithoutEvidence == rows.contains { !$0.hasEvidence })
                        #expect(l.anyMaturing == rows.contains(where: \.maturing), "\(name) \(w) \(mature) \(filter)")
                        #expect(l.anyReturnsMaturing == rows.contains { $0.returnsMaturing && $0.counters.bought > 0 })
                    }
                }
            }
        }
    }

    @Test func heldOrderMatchesThePlainRegrouping() {
        let d = Self.manySources
        let ids = d.catalog.sources.map(\.id)
        let rows = Reference.rows(desk: d, window: .all, sort: .roi, descending: true, filter: "", expanded: Set(ids.prefix(6)))
        for held in [ids, ids.reversed(), Array(ids.prefix(5)), ["nope", ids[9], ids[3]], []] {
            #expect(AppModel.keeping(rows, inOrder: held) == Reference.keeping(rows, inOrder: held))
        }
        // A first row that is a sub-ID starts a group of its own.
        let odd = Array(rows.drop { $0.key.subID == nil })
        #expect(AppModel.keeping(odd, inOrder: ids.reversed()) == Reference.keeping(odd, inOrder: ids.reversed()))
    }

    /// The screen drawn from the listing (rows built only for the lines on screen) against the screen drawn from
    /// rows all built in full by the plain computation: every cell, text and style.
    @Test func framesMatchFramesDrawnFromCompleteRows() {
        for (name, d) in Self.desks {
            let ids = d.catalog.sources.map(\.id)
            for variant in 0..<8 {
                var m = AppModel(width: variant % 2 == 0 ? 120 : 90, height: variant % 3 == 0 ? 40 : 24)
                m.sort = SortColumn.allCases.filter(\.isSortable)[(variant * 5) % 18]
                m.descending = variant % 2 == 0
                m.window = Window.allCases[variant % 3]
                m.matureOnly = variant == 5
                m.ascii = variant == 3
                m.expanded = variant % 2 == 1 ? Set(ids.prefix(5)) : []
                m.filter = ["", "!blocked", "auto", "", "leads>=30", "", "s", ""][variant]
                m.pinned = variant == 4 ? ids.last : nil
                m.selected = SourceRow.Key(source: ids[min(ids.count - 1, 2 + variant * 3)], subID: nil)
                m.top = variant * 4
                m.marked = [SourceRow.Key(source: ids[1], subID: nil), SourceRow.Key(source: ids[0], subID: "a")]
                if variant == 6 { m.heldOrder = ids.reversed() }
                var plainRows = Reference.rows(desk: d, window: m.window, sort: m.sort, descending: m.descending, filter: m.shownFilter,
                                               expanded: m.expanded, pinned: m.pinned, matureOnly: m.matureOnly)
                if let held = m.heldOrder { plainRows = Reference.keeping(plainRows, inOrder: held) }
                var fast = Buffer(width: m.width, height: m.height)
                var plain = Buffer(width: m.width, height: m.height)
                SourcesScreen.render(m, desk: d, layout: m.layout, into: &fast)
                SourcesScreen.render(m, listing: SourceListing(completeRows: plainRows), catalogCount: d.catalog.sources.count,
                                     layout: m.layout, into: &plain)
                #expect(fast.text == plain.text, "\(name) variant \(variant)")
                #expect(fast.cells == plain.cells, "\(name) variant \(variant)")
                #expect(m.sourceRows(d) == plainRows)
            }
        }
    }
}

/// The sources table as it was built before `SourceListing`: every row in full (counters, sparkline, maturing
/// marks), then sorted comparing rows column by column. Kept here as the plain computation to check against.
private enum Reference {
    static func rows(desk: Desk, window: Window, sort: SortColumn, descending: Bool, filter: String,
                     expanded: Set<String>, pinned: String? = nil, matureOnly: Bool = false) -> [SourceRow] {
        let book = desk.metrics
        let lags = book.saleLags
        func counters(_ key: MetricKey, _ vertical: Vertical, _ table: [MetricKey: Counters]) -> Counters {
            matureOnly ? book.matureCounters(key, window: window, lag: lags.usualLag(vertical)) ?? Counters() : table[key] ?? Counters()
        }
        func maturing(_ key: MetricKey, _ vertical: Vertical) -> Bool {
            !matureOnly && (book.youngShare(key, window: window, lag: lags.usualLag(vertical)) ?? 0) > 0.5
        }
        func returnsMaturing(_ key: MetricKey) -> Bool {
            (book.youngShare(key, window: window, lag: SaleLags.returnWindowSeconds) ?? 0) > 0.5
        }
        let metrics = desk.metrics.table(.source, window: window)
        let today = window == .today ? metrics : desk.metrics.table(.source, window: .today)
        let subMetrics = expanded.isEmpty ? [:] : desk.metrics.table(.subid, window: window)
        let subToday = expanded.isEmpty || window == .today ? subMetrics : desk.metrics.table(.subid, window: .today)
        let f = try? RowFilter.parse(filter).get()
        var out: [SourceRow] = []
        var parents: [SourceRow] = []
        for s in desk.catalog.sources {
            let st = desk.policy.settings(for: s.id)
            let key = MetricKey(.source, s.id)
            let row = SourceRow(key: .init(source: s.id, subID: nil), name: s.name, vertical: s.vertical, channel: s.channel,
                                priority: st.priority, blocked: st.blocked,
                                blockedSubs: s.subIDs.filter { st.blockedSubIDs.contains($0.id) }.count, sourceBlocked: false,
                                mode: st.mode,
                                modeInForce: st.mode.resolved(global: desk.policy.globalMode),
                                boughtToday: today[key]?.bought ?? 0, counters: counters(key, s.vertical, metrics),
                                volume: desk.metrics.recentVolume(key), subCount: s.subIDs.count,
                                maturing: maturing(key, s.vertical), returnsMaturing: returnsMaturing(key))
            if f?.matches(row) ?? false {
                parents.append(row)
            } else if s.id == pinned {
                var kept = row
                kept.outsideFilter = true
                parents.append(kept)
            }
        }
        parents.sort { a, b in
            let (na, nb) = (hasValue(a, sort), hasValue(b, sort))
            if na != nb { return na }
            if sort.restsOnEvidence, a.hasEvidence != b.hasEvidence { return a.hasEvidence }
            let o = order(a, b, sort)
            return o == 0 ? a.key.source < b.key.source : (descending ? o > 0 : o < 0)
        }
        for p in parents {
            out.append(p)
            guard expanded.contains(p.key.source), let s = desk.catalog.source(p.key.source) else { continue }
            let st = desk.policy.settings(for: s.id)
            for sub in s.subIDs {
                let key = MetricKey(.subid, "\(s.id)/\(sub.id)")
                out.append(SourceRow(key: .init(source: s.id, subID: sub.id), name: sub.name, vertical: s.vertical,
                                     channel: s.channel, priority: p.priority, blocked: st.blockedSubIDs.contains(sub.id),
                                     blockedSubs: 0, sourceBlocked: st.blocked,
                                     mode: p.mode, modeInForce: p.modeInForce, boughtToday: subToday[key]?.bought ?? 0,
                                     counters: counters(key, s.vertical, subMetrics), volume: [], subCount: 0,
                                     maturing: maturing(key, s.vertical), returnsMaturing: returnsMaturing(key)))
            }
        }
        return out
    }

    static func order(_ a: SourceRow, _ b: SourceRow, _ c: SortColumn) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        func opt<T: Comparable>(_ x: T?, _ y: T?) -> Int {
            switch (x, y) {
            case let (x?, y?): return cmp(x, y)
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            }
        }
        let ma = MetricsRow(a.counters), mb = MetricsRow(b.counters)
        switch c {
        case .priority: return cmp(a.priority, b.priority)
        case .status: return cmp(SourceStatus.allCases.firstIndex(of: a.status)!, SourceStatus.allCases.firstIndex(of: b.status)!)
        case .name: return cmp(a.name.lowercased(), b.name.lowercased())
        case .vertical: return cmp(a.vertical.rawValue, b.vertical.rawValue)
        case .channel: return cmp(a.channel.rawValue, b.channel.rawValue)
        case .mode: return cmp(a.modeInForce.rawValue, b.modeInForce.rawValue)
        case .today: return cmp(a.boughtToday, b.boughtToday)
        case .spend: return cmp(a.counters.spend, b.counters.spend)
        case .cpl: return opt(ma.cpl, mb.cpl)
        case .contact: return opt(ma.contactRate.value, mb.contactRate.value)
        case .conv: return opt(ma.conversionRate.value, mb.conversionRate.value)
        case .cpa: return opt(ma.cpa, mb.cpa)
        case .revenue: return cmp(a.counters.revenue, b.counters.revenue)
        case .profit: return cmp(ma.profit, mb.profit)
        case .roi: return opt(ma.roi, mb.roi)
        case .returns: return opt(ma.returnRate.value, mb.returnRate.value)
        case .bidRate: return opt(a.counters.bidRate, b.counters.bidRate)
        case .winRate: return opt(a.counters.winRate, b.counters.winRate)
        case .offers: return 0
        }
    }

    static func hasValue(_ r: SourceRow, _ c: SortColumn) -> Bool {
        let m = MetricsRow(r.counters)
        switch c {
        case .cpl: return m.cpl != nil
        case .contact, .conv, .returns, .profit: return r.counters.bought > 0
        case .cpa: return m.cpa != nil
        case .roi: return m.roi != nil
        case .bidRate: return r.counters.bidRate != nil
        case .winRate: return r.counters.winRate != nil
        default: return true
        }
    }

    static func keeping(_ rows: [SourceRow], inOrder order: [String]) -> [SourceRow] {
        var groups: [[SourceRow]] = []
        for r in rows {
            if r.key.subID == nil || groups.isEmpty { groups.append([r]) } else { groups[groups.count - 1].append(r) }
        }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let sorted = groups.enumerated().sorted { a, b in
            let (ra, rb) = (rank[a.element[0].key.source] ?? Int.max, rank[b.element[0].key.source] ?? Int.max)
            return ra != rb ? ra < rb : a.offset < b.offset
        }
        return sorted.flatMap(\.element)
    }
}
