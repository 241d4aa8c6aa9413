/// Running totals for one slice of the business (a source, a vertical, everything...) over one window.
/// Outcomes count in the window the lead was bought in (cohort accounting).
///
/// In JSON (the checkpoint) it is a compact list of 20 integers, in `Counters.fieldOrder`; money is in cents of
/// the store's currency. (Checkpoints written before pings were counted hold the first 17.)
public struct Counters: Sendable, Hashable, Codable {
    public var offered: Int64 = 0
    public var boughtShared: Int64 = 0
    public var boughtExclusive: Int64 = 0
    public var rejected = RejectCounts()
    public var spend = Money.zero
    public var refunds = Money.zero
    public var revenue = Money.zero
    public var contacted: Int64 = 0
    public var converted: Int64 = 0
    public var returned: Int64 = 0
    /// Pings an exchange sent, pings bid on, and posts bought for a bid (bid rate = bids / pinged, win rate =
    /// won / bids).
    public var pinged: Int64 = 0
    public var bids: Int64 = 0
    public var won: Int64 = 0

    public init() {}

    public var bought: Int64 { boughtShared + boughtExclusive }

    /// The order of the integers in the JSON form.
    public static let fieldOrder = ["offered", "boughtShared", "boughtExclusive"] + reasonsInOrder.map { "rejected.\($0.rawValue)" }
        + ["spendCents", "refundCents", "revenueCents", "contacted", "converted", "returned", "pinged", "bids", "won",
           "rejected.pacing"]
    /// The reasons counted in the middle of the list, as before pacing was added (it comes last).
    static let reasonsInOrder = RejectReason.allCases.filter { $0 != .pacing }
    /// How many integers checkpoints held before pings were counted, and before pacing.
    static let fieldCountBeforePings = fieldOrder.count - 4
    static let fieldCountBeforePacing = fieldOrder.count - 1

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        guard c.count == Self.fieldOrder.count || c.count == Self.fieldCountBeforePacing || c.count == Self.fieldCountBeforePings else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected \(Self.fieldOrder.count) counters, got \(c.count ?? 0)")
        }
        offered = try c.decode(Int64.self)
        boughtShared = try c.decode(Int64.self)
        boughtExclusive = try c.decode(Int64.self)
        for r in Self.reasonsInOrder { rejected[r] = try c.decode(Int64.self) }
        spend = Money(cents: try c.decode(Int64.self))
        refunds = Money(cents: try c.decode(Int64.self))
        revenue = Money(cents: try c.decode(Int64.self))
        contacted = try c.decode(Int64.self)
        converted = try c.decode(Int64.self)
        returned = try c.decode(Int64.self)
        if c.count != Self.fieldCountBeforePings {
            pinged = try c.decode(Int64.self)
            bids = try c.decode(Int64.self)
            won = try c.decode(Int64.self)
        }
        if c.count == Self.fieldOrder.count { rejected[.pacing] = try c.decode(Int64.self) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(offered)
        try c.encode(boughtShared)
        try c.encode(boughtExclusive)
        for r in Self.reasonsInOrder { try c.encode(rejected[r]) }
        try c.encode(spend.cents)
        try c.encode(refunds.cents)
        try c.encode(revenue.cents)
        try c.encode(contacted)
        try c.encode(converted)
        try c.encode(returned)
        try c.encode(pinged)
        try c.encode(bids)
        try c.encode(won)
        try c.encode(rejected[.pacing])
    }
    public var rejectedTotal: Int64 { rejected.total }
    public var netSpend: Money { spend - refunds }

    /// Adds another set of counters to this one.
    public mutating func add(_ o: Counters) {
        offered += o.offered
        boughtShared += o.boughtShared
        boughtExclusive += o.boughtExclusive
        rejected.add(o.rejected)
        spend += o.spend
        refunds += o.refunds
        revenue += o.revenue
        contacted += o.contacted
        converted += o.converted
        returned += o.returned
        pinged += o.pinged
        bids += o.bids
        won += o.won
    }

    /// Takes another set of counters away (the inverse of `add`).
    public mutating func subtract(_ o: Counters) {
        offered -= o.offered
        boughtShared -= o.boughtShared
        boughtExclusive -= o.boughtExclusive
        for r in RejectReason.allCases { rejected[r] -= o.rejected[r] }
        spend = Money(cents: spend.cents - o.spend.cents)
        refunds = Money(cents: refunds.cents - o.refunds.cents)
        revenue = Money(cents: revenue.cents - o.revenue.cents)
        contacted -= o.contacted
        converted -= o.converted
        returned -= o.returned
        pinged -= o.pinged
        bids -= o.bids
        won -= o.won
    }

    /// Counts a decided offer; `forBid` when it was posted for a ping this desk bid on.
    public mutating func count(_ decision: Decision, price: Money, forBid: Bool = false) {
        offered += 1
        if forBid && decision.isBought { won += 1 }
        switch decision {
        case .bought(.shared): boughtShared += 1; spend += price
        case .bought(.exclusive): boughtExclusive += 1; spend += price
        case .rejected(let r): rejected[r] += 1
        }
    }

    /// Counts a ping and whether it got a bid.
    public mutating func count(_ ping: BidDecision) {
        pinged += 1
        if ping.price != nil { bids += 1 }
    }

    /// Bids per ping (nil without pings).
    public var bidRate: Double? { pinged > 0 ? Double(bids) / Double(pinged) : nil }
    /// Posts bought per bid (nil without bids).
    public var winRate: Double? { bids > 0 ? Double(won) / Double(bids) : nil }

    /// Counts an outcome of a bought lead.
    public mutating func count(_ o: OutcomeEvent) {
        switch o.kind {
        case .contacted: contacted += 1
        case .converted: converted += 1; revenue += o.revenue ?? .zero
        case .returned: returned += 1; refunds += o.refund ?? .zero
        }
    }
}

/// Rejections by reason.
public struct RejectCounts: Sendable, Hashable, Codable {
    public var blocked: Int64 = 0
    public var filtered: Int64 = 0
    public var closed: Int64 = 0
    public var duplicate: Int64 = 0
    public var mode: Int64 = 0
    public var price: Int64 = 0
    public var cap: Int64 = 0
    public var budget: Int64 = 0
    public var pacing: Int64 = 0

    public init() {}

    public subscript(r: RejectReason) -> Int64 {
        get {
            switch r {
            case .blocked: return blocked
            case .filtered: return filtered
            case .closed: return closed
            case .duplicate: return duplicate
            case .mode: return mode
            case .price: return price
            case .cap: return cap
            case .budget: return budget
            case .pacing: return pacing
            }
        }
        set {
            switch r {
            case .blocked: blocked = newValue
            case .filtered: filtered = newValue
            case .closed: closed = newValue
            case .duplicate: duplicate = newValue
            case .mode: mode = newValue
            case .price: price = newValue
            case .cap: cap = newValue
            case .budget: budget = newValue
            case .pacing: pacing = newValue
            }
        }
    }

    public var total: Int64 { RejectReason.allCases.reduce(0) { $0 + self[$1] } }

    public mutating func add(_ o: RejectCounts) {
        for r in RejectReason.allCases { self[r] += o[r] }
    }
}
