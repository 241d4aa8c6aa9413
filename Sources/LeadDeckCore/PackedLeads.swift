/// One bought lead as the lead index keeps it: 32 bytes, its (source, sub-ID) pair and its consumer's state by
/// number (see `LeadIndex.names`), so a checkpoint can save and read leads without unpacking them.
public struct PackedLead: Sendable, Equatable {
    public var boughtAt: Int64
    public var priceCents: Int64
    /// The (source, sub-ID) pair, by its place in `LeadIndex.names`.
    public var route: UInt32
    /// The consumer's state by its place in `LeadIndex.names`, plus one; 0 when not known.
    public var state: UInt32
    /// The vertical, by its place in `Vertical.allCases`.
    var verticalNumber: UInt8
    /// 1 contacted, 2 converted, 4 returned, 8 bought exclusive.
    var bits: UInt8

    public init(boughtAt: Int64, priceCents: Int64, route: UInt32, state: UInt32, vertical: Vertical, mode: PurchaseMode,
                contacted: Bool, converted: Bool, returned: Bool) {
        self.init(boughtAt: boughtAt, priceCents: priceCents, route: route, state: state,
                  vertical: PackedLeads.verticalNumber(vertical),
                  bits: (contacted ? 1 : 0) | (converted ? 2 : 0) | (returned ? 4 : 0) | (mode == .exclusive ? 8 : 0))
    }

    init(boughtAt: Int64, priceCents: Int64, route: UInt32, state: UInt32, vertical: UInt8, bits: UInt8) {
        self.boughtAt = boughtAt
        self.priceCents = priceCents
        self.route = route
        self.state = state
        self.verticalNumber = vertical
        self.bits = bits
    }

    public var vertical: Vertical { PackedLeads.verticals[Int(verticalNumber)] }
    public var mode: PurchaseMode { bits & 8 != 0 ? .exclusive : .shared }
    /// 1 contacted, 2 converted, 4 returned: the flags of the checkpoint's JSON form.
    public var outcomeFlags: Int64 { Int64(bits & 7) }
}

extension PackedLead: TimedImage {
    public var imageTime: Int64 { boughtAt }

    public static var imageWidth: Int { 26 }

    public func storeImage(to p: UnsafeMutableRawPointer) {
        p.storeBytes(of: boughtAt.littleEndian, as: Int64.self)
        p.storeBytes(of: priceCents.littleEndian, toByteOffset: 8, as: Int64.self)
        p.storeBytes(of: route.littleEndian, toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: state.littleEndian, toByteOffset: 20, as: UInt32.self)
        p.storeBytes(of: verticalNumber, toByteOffset: 24, as: UInt8.self)
        p.storeBytes(of: bits, toByteOffset: 25, as: UInt8.self)
    }

    /// nil for a vertical or flags this build does not have; the route and state are checked against the
    /// names by `LeadIndex.init(routes:states:leads:...)`.
    public init?(image p: UnsafeRawPointer) {
        let vertical = p.load(fromByteOffset: 24, as: UInt8.self), bits = p.load(fromByteOffset: 25, as: UInt8.self)
        guard Int(vertical) < PackedLeads.verticals.count, bits < 16 else { return nil }
        self.init(boughtAt: Int64(littleEndian: p.loadUnaligned(as: Int64.self)),
                  priceCents: Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: Int64.self)),
                  route: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt32.self)),
                  state: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 20, as: UInt32.self)),
                  vertical: vertical, bits: bits)
    }
}

/// The bought leads of a `LeadIndex` as they are kept in memory: 32 bytes each plus their id's bytes and a slot
/// of `LeadTable` (a month's store holds 56,000, at 80 bytes each as `LeadIndex.Entry` plus a dictionary's
/// overhead), with their sources, sub-IDs and states stored once and referred to by number.
struct PackedLeads: Sendable {
    typealias Lead = PackedLead

    struct Route: Sendable, Hashable {
        var source: String
        var subID: String
    }

    /// Values stored once each and referred to by number.
    struct Numbered<Value: Hashable & Sendable>: Sendable {
        private(set) var values: [Value] = []
        private var numbers: [Value: UInt32] = [:]

        init() {}

        /// Values numbered in this order; nil when one comes twice.
        init?(_ values: [Value]) {
            for (n, v) in values.enumerated() where number(of: v) != UInt32(n) { return nil }
        }

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

    private(set) var leads = LayeredTable<PackedLead>()
    private var routes = Numbered<Route>()
    private var states = Numbered<String>()

    static let verticals = Vertical.allCases
    static func verticalNumber(_ v: Vertical) -> UInt8 { UInt8(verticals.firstIndex(of: v)!) }

    init() {}

    /// Leads already packed with numbers into these (source, sub-ID) pairs and states; nil when a pair or state
    /// comes twice. Each lead's numbers must be in range (`fits`): checked as the table was read.
    init?(routes: [Route], states: [String], leads: LayeredTable<PackedLead>) {
        guard let r = Numbered(routes), let s = Numbered(states) else { return nil }
        self.routes = r
        self.states = s
        self.leads = leads
    }

    /// Whether a lead's numbers are in range of `routes` pairs and `states` states.
    static func fits(_ l: Lead, routes: Int, states: Int) -> Bool { Int(l.route) < routes && Int(l.state) <= states }

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
        leads.set(id, Lead(boughtAt: l.boughtAt.seconds, priceCents: l.price.cents, route: route, state: state,
                         vertical: l.vertical, mode: l.mode, contacted: e.contacted, converted: e.converted, returned: e.returned))
    }

    /// The (source, sub-ID) pairs and states by number.
    var names: (routes: [Route], states: [String]) { (routes.values, states.values) }

    /// Sets flags (1 contacted, 2 converted, 4 returned) on a lead, if it is kept.
    mutating func mark(_ id: String, _ flag: UInt8) { leads.modify(id) { $0.bits |= flag } }

    /// Drops the leads bought at or before `horizon` (seconds); the names only they used go when few are in use.
    mutating func drop(boughtAtOrBefore horizon: Int64) {
        leads.removeAll(timeAtOrBefore: horizon)
        // Sub-IDs and states are few, and each stays once seen; only when they far outnumber the leads kept
        // (a traffic source inventing a sub-ID per lead) are they rebuilt from the leads still kept.
        if namesKept > 4 * max(leads.count, 1024) { compactNames() }
    }

    /// Every lead, unpacked, in no particular order.
    func forEach(_ body: (String, LeadIndex.Entry) -> Void) {
        leads.forEach { id, p in body(String(decoding: id, as: UTF8.self), entry(p)) }
    }

    func entry(_ p: Lead) -> LeadIndex.Entry {
        let r = routes[p.route]
        let lead = LeadRef(sourceID: r.source, subID: r.subID, vertical: p.vertical, mode: p.mode, boughtAt: Timestamp(seconds: p.boughtAt),
                           price: Money(cents: p.priceCents), state: p.state == 0 ? nil : states[p.state - 1])
        return LeadIndex.Entry(lead: lead, contacted: p.bits & 1 != 0, converted: p.bits & 2 != 0, returned: p.bits & 4 != 0)
    }

    private mutating func compactNames() {
        var fresh = PackedLeads()
        fresh.reserveCapacity(leads.count)
        leads.forEach { id, p in fresh.set(String(decoding: id, as: UTF8.self), entry(p)) }
        self = fresh
    }
}

extension PackedLeads: Hashable {
    /// Equal when they hold the same leads, whatever numbers their names have.
    static func == (a: PackedLeads, b: PackedLeads) -> Bool {
        guard a.leads.count == b.leads.count else { return false }
        var same = true
        a.leads.forEach { id, p in
            guard same else { return }
            same = b.leads[bytes: id].map { a.entry(p) == b.entry($0) } ?? false
        }
        return same
    }

    func hash(into hasher: inout Hasher) { hasher.combine(leads.count) }
}
