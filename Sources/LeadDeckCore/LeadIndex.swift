/// The bought leads that outcomes may still name (the last 45 days), with what already happened to each,
/// so a disposition file can be checked ("unknown lead id", "already returned") and attributed.
public struct LeadIndex: Sendable, Hashable, Codable {
    public static let keepDays: Int64 = 45

    /// One bought lead. In JSON a compact list: [source, sub-ID, vertical, mode, bought at, price cents, flags]
    /// where flags add 1 for contacted, 2 for converted, 4 for returned, then the consumer's state when known
    /// (checkpoints written before states were kept have seven items).
    public struct Entry: Sendable, Hashable, Codable {
        public var lead: LeadRef
        public var contacted = false
        public var converted = false
        public var returned = false

        public init(lead: LeadRef, contacted: Bool = false, converted: Bool = false, returned: Bool = false) {
            self.lead = lead
            self.contacted = contacted
            self.converted = converted
            self.returned = returned
        }

        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            let source = try c.decode(String.self), sub = try c.decode(String.self)
            let vertical = try c.decode(Vertical.self), mode = try c.decode(PurchaseMode.self)
            let at = try c.decode(Int64.self), price = try c.decode(Int64.self), flags = try c.decode(Int.self)
            let state = c.isAtEnd ? nil : try c.decode(String.self)
            lead = LeadRef(sourceID: source, subID: sub, vertical: vertical, mode: mode, boughtAt: Timestamp(seconds: at),
                           price: Money(cents: price), state: state)
            contacted = flags & 1 != 0
            converted = flags & 2 != 0
            returned = flags & 4 != 0
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(lead.sourceID)
            try c.encode(lead.subID)
            try c.encode(lead.vertical)
            try c.encode(lead.mode)
            try c.encode(lead.boughtAt.seconds)
            try c.encode(lead.price.cents)
            try c.encode((contacted ? 1 : 0) | (converted ? 2 : 0) | (returned ? 4 : 0))
            if let state = lead.state { try c.encode(state) }
        }
    }

    /// The bought leads, packed.
    private var packed = PackedLeads()
    private var prunedThrough: Int64 = 0
    /// Offers rejected recently: lead id -> (reason, received at seconds), so a retried offer is answered
    /// the same way without being recorded twice.
    private var rejected = RejectionMemory()
    private var rejectionsPrunedThrough: Int64 = 0

    /// How long a rejected lead id is remembered: retries come within minutes, and every offer of a day is
    /// more than the engine should hold.
    public static let rejectionsKeptSeconds: Int64 = 6 * 3600

    /// Why and when an offer was rejected. In a checkpoint's file: the time (8 bytes) and the reason by its place
    /// in `RejectReason.allCases` (1 byte).
    public struct RejectedEntry: Sendable, Hashable, Codable, TimedImage {
        var reason: RejectReason
        var at: Int64

        init(reason: RejectReason, at: Int64) {
            self.reason = reason
            self.at = at
        }

        static let reasons = RejectReason.allCases
        public static var imageWidth: Int { 9 }
        public var imageTime: Int64 { at }

        public func storeImage(to p: UnsafeMutableRawPointer) {
            p.storeBytes(of: at.littleEndian, as: Int64.self)
            p.storeBytes(of: UInt8(Self.reasons.firstIndex(of: reason)!), toByteOffset: 8, as: UInt8.self)
        }

        public init?(image p: UnsafeRawPointer) {
            let n = Int(p.load(fromByteOffset: 8, as: UInt8.self))
            guard n < Self.reasons.count else { return nil }
            self.init(reason: Self.reasons[n], at: Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        }
    }

    public init() {}

    /// Puts back the saved parts other than the bought leads (`savedParts`).
    /// - Parameter rejected: lead id -> (reason, received at in seconds).
    private mutating func restoreSavedParts(prunedThrough: Int64, rejected: [String: (RejectReason, Int64)],
                                           rejectionsPrunedThrough: Int64) {
        self.prunedThrough = prunedThrough
        self.rejected = RejectionMemory(rejected.mapValues { RejectedEntry(reason: $0.0, at: $0.1) })
        self.rejectionsPrunedThrough = rejectionsPrunedThrough
    }

    /// How many bought leads are kept.
    public var count: Int { packed.count }

    /// How many (source, sub-ID) pairs and states the packed leads refer to (bounded by the leads kept).
    var namesKept: Int { packed.namesKept }

    /// Every bought lead kept, in no particular order.
    public func forEachEntry(_ body: (String, Entry) -> Void) { packed.forEach(body) }

    /// The (source, sub-ID) pairs and states the packed leads' numbers refer to, in number order.
    public var names: (routes: [(source: String, subID: String)], states: [String]) {
        let n = packed.names
        return (n.routes.map { ($0.source, $0.subID) }, n.states)
    }

    /// Writes the bought leads' table as `DiskTable` records (their numbers into `names`) and returns what was
    /// written (with their trailer); nil when the file they are read from could not be read to the end.
    public func writeLeads(to stream: inout ByteImage.Stream) -> DiskTable<PackedLead>.Written? { packed.leads.write(to: &stream) }

    /// Whether the bought leads are read in place from a checkpoint's file (with the changes since in memory).
    public var readsInPlace: Bool { packed.leads.readsInPlace }

    /// The index a checkpoint saved as `names`, a `BytesTable` image of leads read from `r` into memory
    /// (`checkpoint-leads.bin` version 1) and `savedParts`; nil when it is damaged or they do not fit together
    /// (a pair or state twice, a lead's number out of range).
    public init?(routes: [(source: String, subID: String)], states: [String], leadsImage r: inout ByteImage.Reader,
                 prunedThrough: Int64, rejected: [String: (RejectReason, Int64)], rejectionsPrunedThrough: Int64) {
        guard let t = LeadTable(image: &r) else { return nil }
        var inRange = true
        t.forEach { _, l in if !PackedLeads.fits(l, routes: routes.count, states: states.count) { inRange = false } }
        guard inRange else { return nil }
        self.init(routes: routes, states: states, table: LayeredTable(memory: t), prunedThrough: prunedThrough, rejected: rejected,
                  rejectionsPrunedThrough: rejectionsPrunedThrough)
    }

    /// The index a checkpoint saved as `names`, the `DiskTable` records of leads and of rejected lead ids in
    /// `source` (at the offsets their trailers go with), read in place (`checkpoint-leads.bin` version 2), and the
    /// prune marks; nil when the records are damaged or they do not fit together.
    public init?(routes: [(source: String, subID: String)], states: [String], in source: any ByteSource,
                 leadsAt: Int, _ leadsTrailer: DiskTable<PackedLead>.Trailer,
                 rejectedAt: Int, _ rejectedTrailer: DiskTable<RejectedEntry>.Trailer,
                 prunedThrough: Int64, rejectionsPrunedThrough: Int64) {
        let (routeCount, stateCount) = (routes.count, states.count)
        guard let t = DiskTable<PackedLead>.open(source, at: leadsAt, leadsTrailer,
                                                 accept: { PackedLeads.fits($0, routes: routeCount, states: stateCount) }),
              let r = DiskTable<RejectedEntry>.open(source, at: rejectedAt, rejectedTrailer) else { return nil }
        self.init(routes: routes, states: states, leads: t, rejected: r, prunedThrough: prunedThrough,
                  rejectionsPrunedThrough: rejectionsPrunedThrough)
    }

    /// The index over tables read in place, checked already (`DiskTable.open`) or just written by this process from
    /// an index with these names (`DiskTable(written:in:at:)`); nil when a name comes twice.
    public init?(routes: [(source: String, subID: String)], states: [String], leads: DiskTable<PackedLead>,
                 rejected: DiskTable<RejectedEntry>, prunedThrough: Int64, rejectionsPrunedThrough: Int64) {
        self.init(routes: routes, states: states, table: LayeredTable(base: leads), prunedThrough: prunedThrough, rejected: [:],
                  rejectionsPrunedThrough: rejectionsPrunedThrough)
        self.rejected = RejectionMemory(table: LayeredTable(base: rejected))
    }

    private init?(routes: [(source: String, subID: String)], states: [String], table: LayeredTable<PackedLead>,
                  prunedThrough: Int64, rejected: [String: (RejectReason, Int64)], rejectionsPrunedThrough: Int64) {
        guard let p = PackedLeads(routes: routes.map { PackedLeads.Route(source: $0.source, subID: $0.subID) }, states: states,
                                  leads: table) else { return nil }
        packed = p
        restoreSavedParts(prunedThrough: prunedThrough, rejected: rejected, rejectionsPrunedThrough: rejectionsPrunedThrough)
    }

    /// Writes the rejected lead ids as `DiskTable` records and returns what was written (with their trailer); nil
    /// when the file they are read from could not be read to the end.
    public func writeRejected(to stream: inout ByteImage.Stream) -> DiskTable<RejectedEntry>.Written? { rejected.table.write(to: &stream) }

    /// The prune marks, for a checkpoint to save beside the tables.
    public var pruneMarks: (prunedThrough: Int64, rejectionsPrunedThrough: Int64) { (prunedThrough, rejectionsPrunedThrough) }

    /// Every bought lead kept, by id (built on each call: for tests and `Codable`; `forEachEntry` does not copy).
    public var entries: [String: Entry] {
        var out: [String: Entry] = [:]
        out.reserveCapacity(packed.count)
        packed.forEach { out[$0] = $1 }
        return out
    }

    /// The saved parts other than the bought leads, for a checkpoint to write (`init(routes:states:leads:...)` takes them back).
    public var savedParts: (prunedThrough: Int64, rejected: [String: (RejectReason, Int64)], rejectionsPrunedThrough: Int64) {
        (prunedThrough, rejected.dictionary.mapValues { ($0.reason, $0.at) }, rejectionsPrunedThrough)
    }

    enum CodingKeys: String, CodingKey { case entries, prunedThrough, rejected, rejectionsPrunedThrough }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for (id, e) in try c.decode([String: Entry].self, forKey: .entries) { packed.set(id, e) }
        prunedThrough = try c.decode(Int64.self, forKey: .prunedThrough)
        rejected = RejectionMemory(try c.decodeIfPresent([String: RejectedEntry].self, forKey: .rejected) ?? [:])
        rejectionsPrunedThrough = try c.decodeIfPresent(Int64.self, forKey: .rejectionsPrunedThrough) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entries, forKey: .entries)
        try c.encode(prunedThrough, forKey: .prunedThrough)
        try c.encode(rejected.dictionary, forKey: .rejected)
        try c.encode(rejectionsPrunedThrough, forKey: .rejectionsPrunedThrough)
    }

    /// Why an offer with this lead id was rejected, if it was recently.
    public func rejection(_ leadID: String) -> RejectReason? { rejected.table[leadID]?.reason }

    /// The lead with this id, if it was bought recently.
    public subscript(id: String) -> Entry? { packed[id] }

    /// Why this outcome cannot be applied, or nil when it can.
    public func problem(with kind: OutcomeKind, leadID: String) -> String? {
        guard let e = packed[leadID] else { return "unknown lead id \(leadID) (not bought in the last \(Self.keepDays) days)" }
        if e.returned { return "lead \(leadID) was already returned" }
        switch kind {
        case .contacted: return e.contacted ? "lead \(leadID) was already marked contacted" : nil
        case .converted: return e.converted ? "lead \(leadID) was already converted" : nil
        case .returned: return e.converted ? "lead \(leadID) was converted; a sold lead cannot be returned" : nil
        }
    }

    private mutating func remember(rejection reason: RejectReason, of offer: Offer) {
        let at = offer.receivedAt.seconds
        rejected.table.set(offer.leadID, RejectedEntry(reason: reason, at: at))
        // Pruned every quarter of the keeping time, so the cost is spread and the map stays bounded.
        let slot = floorDiv(at, Self.rejectionsKeptSeconds / 4)
        if slot > rejectionsPrunedThrough {
            rejectionsPrunedThrough = slot
            let horizon = at - Self.rejectionsKeptSeconds
            rejected.table.removeAll(timeAtOrBefore: horizon)
        }
    }

    /// Folds a recorded offer in (`apply(_:)` without wrapping it in an `Event`).
    public mutating func apply(offer e: OfferEvent) {
        guard case .bought(let mode) = e.decision else {
            if case .rejected(let reason) = e.decision { remember(rejection: reason, of: e.offer) }
            return
        }
        let o = e.offer
        packed.set(o.leadID, Entry(lead: LeadRef(sourceID: o.sourceID, subID: o.subID, vertical: o.vertical,
                                                 mode: mode, boughtAt: o.receivedAt, price: o.price, state: o.state)))
        let day = floorDiv(o.receivedAt.seconds, 86_400)
        if day > prunedThrough {
            prunedThrough = day
            let horizon = o.receivedAt.seconds - Self.keepDays * 86_400
            packed.drop(boughtAtOrBefore: horizon)
        }
    }

    /// Folds a recorded event in.
    public mutating func apply(_ event: Event) {
        switch event {
        case .offer(let e):
            apply(offer: e)
        case .outcome(let e):
            switch e.kind {
            case .contacted: packed.mark(e.leadID, 1)
            case .converted: packed.mark(e.leadID, 2)
            case .returned: packed.mark(e.leadID, 4)
            }
        case .policy, .note, .alert, .ping:
            break
        }
    }
}

/// The lead ids rejected recently (`LeadIndex.rejectionsKeptSeconds`), in a `LayeredTable` (a `BytesTable`, or
/// read in place from the lead checkpoint with the changes since in memory): one is remembered for every offer
/// turned down, so a `Dictionary` keyed by `String` spent a hash of each id through `Hasher` on the engine's path.
/// Equal when they hold the same ids with the same entries, in any order.
struct RejectionMemory: Sendable, Hashable {
    var table = LayeredTable<LeadIndex.RejectedEntry>()

    init() {}

    init(table: LayeredTable<LeadIndex.RejectedEntry>) { self.table = table }

    init(_ entries: [String: LeadIndex.RejectedEntry]) {
        table.reserveCapacity(entries.count)
        for (id, e) in entries { table.set(id, e) }
    }

    /// The entries by lead id (for saving them).
    var dictionary: [String: LeadIndex.RejectedEntry] {
        var out: [String: LeadIndex.RejectedEntry] = [:]
        table.forEach { id, e in out[String(decoding: id, as: UTF8.self)] = e }
        return out
    }

    static func == (a: RejectionMemory, b: RejectionMemory) -> Bool { a.table.hasSameEntries(as: b.table) }

    func hash(into hasher: inout Hasher) { hasher.combine(table.count) }
}
