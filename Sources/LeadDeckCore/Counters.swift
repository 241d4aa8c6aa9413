/// Running totals for one slice of the business (a source, a vertical, everything...) over one window.
/// Outcomes count in the window the lead was bought in (cohort accounting).
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

    public init() {}

    public var bought: Int64 { boughtShared + boughtExclusive }
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
    }

    /// Counts a decided offer.
    public mutating func count(_ decision: Decision, price: Money) {
        offered += 1
        switch decision {
        case .bought(.shared): boughtShared += 1; spend += price
        case .bought(.exclusive): boughtExclusive += 1; spend += price
        case .rejected(let r): rejected[r] += 1
        }
    }

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
            }
        }
    }

    public var total: Int64 { RejectReason.allCases.reduce(0) { $0 + self[$1] } }

    public mutating func add(_ o: RejectCounts) {
        for r in RejectReason.allCases { self[r] += o[r] }
    }
}
