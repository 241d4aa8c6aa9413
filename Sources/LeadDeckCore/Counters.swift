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

    /// Counters from their JSON integers, in `fieldOrder` (or the 17- and 20-integer layouts of older
    /// checkpoints); nil for any other count.
    public init?(fields f: [Int64]) {
        guard let c = f.withUnsafeBufferPointer({ Counters(fields: $0) }) else { return nil }
        self = c
    }

    /// Counters from their JSON integers in place (as `init?(fields:)` with an array): a checkpoint reader's
    /// buffer, read without making an array for each of the tens of thousands of counters in a month's file.
    public init?(fields f: UnsafeBufferPointer<Int64>) {
        let n = f.count
        guard n == Self.fieldOrder.count || n == Self.fieldCountBeforePacing || n == Self.fieldCountBeforePings else {
            return nil
        }
        // Read by index (a checkpoint holds tens of thousands of these).
        offered = f[0]
        boughtShared = f[1]
        boughtExclusive = f[2]
        var i = 3
        for r in Self.reasonsInOrder {
            rejected[r] = f[i]
            i += 1
        }
        spend = Money(cents: f[i])
        refunds = Money(cents: f[i + 1])
        revenue = Money(cents: f[i + 2])
        contacted = f[i + 3]
        converted = f[i + 4]
        returned = f[i + 5]
        i += 6
        if n != Self.fieldCountBeforePings {
            pinged = f[i]
            bids = f[i + 1]
            won = f[i + 2]
            i += 3
        }
        if n == Self.fieldOrder.count { rejected[.pacing] = f[i] }
    }

    /// The JSON integers, in `fieldOrder`, passed one by one to `body`.
    public func forEachField(_ body: (Int64) -> Void) {
        body(offered)
        body(boughtShared)
        body(boughtExclusive)
        for r in Self.reasonsInOrder { body(rejected[r]) }
        body(spend.cents)
        body(refunds.cents)
        body(revenue.cents)
        body(contacted)
        body(converted)
        body(returned)
        body(pinged)
        body(bids)
        body(won)
        body(rejected[.pacing])
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var fields: [Int64] = []
        while !c.isAtEnd { fields.append(try c.decode(Int64.self)) }
        guard let counters = Counters(fields: fields) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected \(Self.fieldOrder.count) counters, got \(fields.count)")
        }
        self = counters
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        var failure: Error?
        forEachField { v in
            guard failure == nil else { return }
            do { try c.encode(v) } catch { failure = error }
        }
        if let failure { throw failure }
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
        apply(.ping(bid: ping.price != nil))
    }

    /// Bids per ping (nil without pings).
    public var bidRate: Double? { pinged > 0 ? Double(bids) / Double(pinged) : nil }
    /// Posts bought per bid (nil without bids).
    public var winRate: Double? { bids > 0 ? Double(won) / Double(bids) : nil }

    /// Counts an outcome of a bought lead.
    public mutating func count(_ o: OutcomeEvent) {
        apply(CounterChange(o))
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
