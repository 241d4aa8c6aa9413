/// The bought leads of a `LeadIndex` as they are kept in memory: 32 bytes each (a month's store holds 56,000,
/// at 80 bytes each as `LeadIndex.Entry`), with their sources, sub-IDs and states stored once and referred to by
/// number.
struct PackedLeads: Sendable {
    /// One bought lead.
    struct Lead: Sendable {
        var boughtAt: Int64
        var priceCents: Int64
        /// The (source, sub-ID) pair, by number in `routes`.
        var route: UInt32
        /// The consumer's state by number in `states`, plus one; 0 when not known.
        var state: UInt32
        var vertical: UInt8
        /// 1 contacted, 2 converted, 4 returned, 8 bought exclusive.
        var bits: UInt8
    }

    struct Route: Sendable, Hashable {
        var source: String
        var subID: String
    }

    /// Values stored once each and referred to by number.
    struct Numbered<Value: Hashable & Sendable>: Sendable {
        private(set) var values: [Value] = []
        private var numbers: [Value: UInt32] = [:]

        /// The value's number, given it now when it is new.
        mutating func number(of value: Value) -> UInt32 {
            if let n = numbers[value] { return n }
            let n = UInt32(values.count)
            values.append(value)
            numbers[value] = n
            return n
        }

        subscript(number: UInt32) -> Value { values[Int(number)] }
    }

    private(set) var leads: [String: Lead] = [:]
    private var routes = Numbered<Route>()
    private var states = Numbered<String>()

    private static let verticals = Vertical.allCases

    init() {}

    var count: Int { leads.count }

    /// How many (source, sub-ID) pairs and states are stored.
    var namesKept: Int { routes.values.count + states.values.count }

    mutating func reserveCapacity(_ n: Int) { leads.reserveCapacity(n) }

    /// The lead with this id, unpacked.
    subscript(id: String) -> LeadIndex.Entry? { leads[id].map(entry) }

    /// Stores a lead (replacing one with the same id).
    mutating func set(_ id: String, _ e: LeadIndex.Entry) {
        let l = e.lead
        let route = routes.number(of: Route(source: l.sourceID, subID: l.subID))
        var state: UInt32 = 0
        if let s = l.state { state = states.number(of: s) + 1 }
        let vertical = UInt8(Self.verticals.firstIndex(of: l.vertical)!)
        let bits: UInt8 = (e.contacted ? 1 : 0) | (e.converted ? 2 : 0) | (e.returned ? 4 : 0) | (l.mode == .exclusive ? 8 : 0)
        leads[id] = Lead(boughtAt: l.boughtAt.seconds, priceCents: l.price.cents, route: route, state: state,
                         vertical: vertical, bits: bits)
    }

    /// Sets flags (1 contacted, 2 converted, 4 returned) on a lead, if it is kept.
    mutating func mark(_ id: String, _ flag: UInt8) { leads[id]?.bits |= flag }

    /// Drops the leads bought at or before `horizon` (seconds); the names only they used go when few are in use.
    mutating func drop(boughtAtOrBefore horizon: Int64) {
        let old = leads.compactMap { $0.value.boughtAt > horizon ? nil : $0.key }
        for id in old { leads.removeValue(forKey: id) }
        // Sub-IDs and states are few, and each stays once seen; only when they far outnumber the leads kept
        // (a traffic source inventing a sub-ID per lead) are they rebuilt from the leads still kept.
        if namesKept > 4 * max(leads.count, 1024) { compactNames() }
    }

    /// Every lead, unpacked, in no particular order.
    func forEach(_ body: (String, LeadIndex.Entry) -> Void) {
        for (id, p) in leads { body(id, entry(p)) }
    }

    func entry(_ p: Lead) -> LeadIndex.Entry {
        let r = routes[p.route]
        let lead = LeadRef(sourceID: r.source, subID: r.subID, vertical: Self.verticals[Int(p.vertical)],
                           mode: p.bits & 8 != 0 ? .exclusive : .shared, boughtAt: Timestamp(seconds: p.boughtAt),
                           price: Money(cents: p.priceCents), state: p.state == 0 ? nil : states[p.state - 1])
        return LeadIndex.Entry(lead: lead, contacted: p.bits & 1 != 0, converted: p.bits & 2 != 0, returned: p.bits & 4 != 0)
    }

    private mutating func compactNames() {
        var fresh = PackedLeads()
        fresh.reserveCapacity(leads.count)
        for (id, p) in leads { fresh.set(id, entry(p)) }
        self = fresh
    }
}

extension PackedLeads: Hashable {
    /// Equal when they hold the same leads, whatever numbers their names have.
    static func == (a: PackedLeads, b: PackedLeads) -> Bool {
        guard a.leads.count == b.leads.count else { return false }
        for (id, p) in a.leads {
            guard let q = b.leads[id], a.entry(p) == b.entry(q) else { return false }
        }
        return true
    }

    func hash(into hasher: inout Hasher) { hasher.combine(leads.count) }
}
