/// One change the fold makes to a slice's counters: applied alike to its all-time `Counters` and to the
/// `BucketCounters` of the day and the 5-minute slot it lands in.
public enum CounterChange: Sendable, Hashable {
    /// A decided offer; `forBid` when it was posted for a ping this desk bid on.
    case offer(Decision, price: Money, forBid: Bool)
    /// A ping, and whether it got a bid.
    case ping(bid: Bool)
    /// An outcome of a bought lead, with its sale value (converted) or refund (returned).
    case outcome(OutcomeKind, amount: Money)

    /// The change an outcome event makes.
    public init(_ o: OutcomeEvent) {
        switch o.kind {
        case .contacted: self = .outcome(.contacted, amount: .zero)
        case .converted: self = .outcome(.converted, amount: o.revenue ?? .zero)
        case .returned: self = .outcome(.returned, amount: o.refund ?? .zero)
        }
    }
}

extension Counters {
    /// Applies one change of the fold.
    @inline(__always)
    public mutating func apply(_ change: CounterChange) {
        switch change {
        case let .offer(decision, price, forBid):
            count(decision, price: price, forBid: forBid)
        case let .ping(bid):
            pinged += 1
            if bid { bids += 1 }
        case let .outcome(kind, amount):
            switch kind {
            case .contacted: contacted += 1
            case .converted: converted += 1; revenue += amount
            case .returned: returned += 1; refunds += amount
            }
        }
    }
}

/// `Counters` for one day or 5-minute slot of one slice, in 96 bytes instead of 168: what `Buckets` keeps, 61
/// of them in every one of a book's hundreds of series (the biggest part of a dashboard's heap).
///
/// Counts are 32-bit: a day of one slice holds far fewer than four billion offers, and a count that reached the
/// limit would stay there rather than wrap. Money stays in 64-bit cents, exact. Reads give `Counters`.
public struct BucketCounters: Sendable, Hashable {
    private var offeredCount: UInt32 = 0
    private var shared: UInt32 = 0
    private var exclusive: UInt32 = 0
    private var blocked: UInt32 = 0
    private var filtered: UInt32 = 0
    private var closed: UInt32 = 0
    private var duplicate: UInt32 = 0
    private var mode: UInt32 = 0
    private var price: UInt32 = 0
    private var cap: UInt32 = 0
    private var budget: UInt32 = 0
    private var pacing: UInt32 = 0
    private var contacted: UInt32 = 0
    private var converted: UInt32 = 0
    private var returned: UInt32 = 0
    private var pinged: UInt32 = 0
    private var bids: UInt32 = 0
    private var won: UInt32 = 0
    private var spendCents: Int64 = 0
    private var refundCents: Int64 = 0
    private var revenueCents: Int64 = 0

    public init() {}

    /// The same counters, each count held to 0...UInt32.max.
    public init(_ c: Counters) {
        offeredCount = UInt32(clamping: c.offered)
        shared = UInt32(clamping: c.boughtShared)
        exclusive = UInt32(clamping: c.boughtExclusive)
        blocked = UInt32(clamping: c.rejected.blocked)
        filtered = UInt32(clamping: c.rejected.filtered)
        closed = UInt32(clamping: c.rejected.closed)
        duplicate = UInt32(clamping: c.rejected.duplicate)
        mode = UInt32(clamping: c.rejected.mode)
        price = UInt32(clamping: c.rejected.price)
        cap = UInt32(clamping: c.rejected.cap)
        budget = UInt32(clamping: c.rejected.budget)
        pacing = UInt32(clamping: c.rejected.pacing)
        contacted = UInt32(clamping: c.contacted)
        converted = UInt32(clamping: c.converted)
        returned = UInt32(clamping: c.returned)
        pinged = UInt32(clamping: c.pinged)
        bids = UInt32(clamping: c.bids)
        won = UInt32(clamping: c.won)
        spendCents = c.spend.cents
        refundCents = c.refunds.cents
        revenueCents = c.revenue.cents
    }

    /// The counters, as every reader takes them.
    public var counters: Counters {
        var c = Counters()
        c.offered = Int64(offeredCount)
        c.boughtShared = Int64(shared)
        c.boughtExclusive = Int64(exclusive)
        c.rejected.blocked = Int64(blocked)
        c.rejected.filtered = Int64(filtered)
        c.rejected.closed = Int64(closed)
        c.rejected.duplicate = Int64(duplicate)
        c.rejected.mode = Int64(mode)
        c.rejected.price = Int64(price)
        c.rejected.cap = Int64(cap)
        c.rejected.budget = Int64(budget)
        c.rejected.pacing = Int64(pacing)
        c.contacted = Int64(contacted)
        c.converted = Int64(converted)
        c.returned = Int64(returned)
        c.pinged = Int64(pinged)
        c.bids = Int64(bids)
        c.won = Int64(won)
        c.spend = Money(cents: spendCents)
        c.refunds = Money(cents: refundCents)
        c.revenue = Money(cents: revenueCents)
        return c
    }

    /// Offers counted (read in place for the sparklines).
    public var offered: Int64 { Int64(offeredCount) }
    /// Leads bought, shared and exclusive.
    public var bought: Int64 { Int64(shared) + Int64(exclusive) }

    /// Applies one change of the fold, as `Counters.apply(_:)` does.
    public mutating func apply(_ change: CounterChange) {
        apply(Delta(change))
    }

    /// A change as the places of the counts it adds one to and of the money it adds to: worked out once per
    /// event, then applied to the day and the slot of each of its slices without going through the change again.
    struct Delta: Sendable {
        /// Byte offsets of up to three counts (`none` past the last), and of the money field (`none`: none).
        var counts: (UInt8, UInt8, UInt8)
        var money: UInt8
        var cents: Int64
        static let none = UInt8.max

        init(_ change: CounterChange) {
            typealias B = BucketCounters
            let o = B.offsets
            switch change {
            case let .offer(decision, price, forBid):
                switch decision {
                case .bought(let m):
                    counts = (o.offered, m == .shared ? o.shared : o.exclusive, forBid ? o.won : Self.none)
                    money = o.spend
                    cents = price.cents
                case .rejected(let r):
                    counts = (o.offered, o.rejected(r), Self.none)
                    money = Self.none
                    cents = 0
                }
            case let .ping(bid):
                counts = (o.pinged, bid ? o.bids : Self.none, Self.none)
                money = Self.none
                cents = 0
            case let .outcome(kind, amount):
                switch kind {
                case .contacted: counts = (o.contacted, Self.none, Self.none); money = Self.none
                case .converted: counts = (o.converted, Self.none, Self.none); money = o.revenue
                case .returned: counts = (o.returned, Self.none, Self.none); money = o.refunds
                }
                cents = money == Self.none ? 0 : amount.cents
            }
        }
    }

    /// Applies a change worked out by `Delta`.
    @inline(__always)
    mutating func apply(_ d: Delta) {
        withUnsafeMutableBytes(of: &self) { p in
            Self.bump(p, d.counts.0)
            if d.counts.1 != Delta.none { Self.bump(p, d.counts.1) }
            if d.counts.2 != Delta.none { Self.bump(p, d.counts.2) }
            if d.money != Delta.none {
                let at = Int(d.money)
                p.storeBytes(of: p.load(fromByteOffset: at, as: Int64.self) + d.cents, toByteOffset: at, as: Int64.self)
            }
        }
    }

    /// Adds one to the count at `offset`, which stays at the limit rather than wrapping.
    @inline(__always)
    private static func bump(_ p: UnsafeMutableRawBufferPointer, _ offset: UInt8) {
        let at = Int(offset)
        let x = p.load(fromByteOffset: at, as: UInt32.self)
        if x != .max { p.storeBytes(of: x + 1, toByteOffset: at, as: UInt32.self) }
    }

    /// Where each field lies, from `MemoryLayout` (not from the order they are declared in).
    struct Offsets: Sendable {
        let offered, shared, exclusive, contacted, converted, returned, pinged, bids, won: UInt8
        let blocked, filtered, closed, duplicate, mode, price, cap, budget, pacing: UInt8
        let spend, refunds, revenue: UInt8

        init() {
            func at(_ k: PartialKeyPath<BucketCounters>) -> UInt8 { UInt8(MemoryLayout<BucketCounters>.offset(of: k)!) }
            offered = at(\.offeredCount); shared = at(\.shared); exclusive = at(\.exclusive)
            contacted = at(\.contacted); converted = at(\.converted); returned = at(\.returned)
            pinged = at(\.pinged); bids = at(\.bids); won = at(\.won)
            blocked = at(\.blocked); filtered = at(\.filtered); closed = at(\.closed); duplicate = at(\.duplicate)
            mode = at(\.mode); price = at(\.price); cap = at(\.cap); budget = at(\.budget); pacing = at(\.pacing)
            spend = at(\.spendCents); refunds = at(\.refundCents); revenue = at(\.revenueCents)
        }

        func rejected(_ r: RejectReason) -> UInt8 {
            switch r {
            case .blocked: blocked
            case .filtered: filtered
            case .closed: closed
            case .duplicate: duplicate
            case .mode: mode
            case .price: price
            case .cap: cap
            case .budget: budget
            case .pacing: pacing
            }
        }
    }
    static let offsets = Offsets()
}
