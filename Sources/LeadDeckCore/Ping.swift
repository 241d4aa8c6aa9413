/// An exchange's ping: a lead without its contact data, on which the buyer bids before the exchange posts the
/// full lead to the winner. Every text field came from the exchange and is untrusted.
public struct Ping: Sendable, Hashable, Codable {
    /// The exchange's id for this ping; a later post names it.
    public var pingID: String
    public var sourceID: String
    public var subID: String
    public var vertical: Vertical
    public var state: String
    public var postalCode: String
    /// How the exchange will sell the lead.
    public var saleType: PurchaseMode
    /// How many buyers a shared lead goes to (1 for exclusive).
    public var maxSells: Int
    /// The lowest price the exchange accepts, if it said.
    public var floor: Optional<Money>
    public var receivedAt: Timestamp
    /// The exchange that sent it (the name of its API key).
    public var exchange: Optional<String>

    public init(pingID: String, sourceID: String, subID: String, vertical: Vertical, state: String, postalCode: String,
                saleType: PurchaseMode, maxSells: Int, floor: Money? = nil, receivedAt: Timestamp, exchange: String? = nil) {
        self.pingID = pingID
        self.sourceID = sourceID
        self.subID = subID
        self.vertical = vertical
        self.state = state
        self.postalCode = postalCode
        self.saleType = saleType
        self.maxSells = maxSells
        self.floor = floor
        self.receivedAt = receivedAt
        self.exchange = exchange
    }

    enum CodingKeys: String, CodingKey {
        case pingID = "ping_id", sourceID = "source_id", subID = "sub_id", vertical, state, postalCode = "postal_code"
        case saleType = "sale_type", maxSells = "max_sells", floor, receivedAt = "received_at", exchange
    }
}

/// Why the engine did not bid on a ping: the first rule that said no.
public enum NoBidReason: String, Sendable, Hashable, Codable, CaseIterable {
    case blocked, filtered, closed, mode, floor, cap, budget, pacing

    /// What the reason means, for help screens and API documentation.
    public var explanation: String {
        switch self {
        case .blocked: return "source or sub-ID blocked"
        case .filtered: return "vertical or state not bought"
        case .closed: return "outside hours of operation"
        case .mode: return "offered shared/exclusive, but the source buys the other mode"
        case .floor: return "our bid for its tier is below the exchange's floor"
        case .cap: return "daily or hourly lead cap reached for its priority tier"
        case .budget: return "daily budget reached for its priority tier"
        case .pacing: return "the bid would run ahead of the day's budget pace (even pacing)"
        }
    }
}

/// The engine's answer to a ping.
public enum BidDecision: Sendable, Hashable {
    /// A bid at this price.
    case bid(Money)
    case noBid(NoBidReason)

    /// "bid" or the reason for no bid.
    public var label: String {
        switch self {
        case .bid: return "bid"
        case .noBid(let r): return r.rawValue
        }
    }

    /// The bid's price, if there is a bid.
    public var price: Money? {
        if case .bid(let p) = self { return p }
        return nil
    }
}

/// A ping and the engine's answer, as recorded.
public struct PingEvent: Sendable, Hashable {
    public var ping: Ping
    public var decision: BidDecision
    /// Until when a post may take up the bid (nil without a bid).
    public var expiresAt: Optional<Timestamp>
    /// The source's priority tier when it was decided.
    public var tier: Int

    public init(ping: Ping, decision: BidDecision, expiresAt: Timestamp?, tier: Int) {
        self.ping = ping
        self.decision = decision
        self.expiresAt = expiresAt
        self.tier = tier
    }
}
