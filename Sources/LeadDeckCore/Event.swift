/// A lead offered and the engine's decision on it.
public struct OfferEvent: Sendable, Hashable {
    public var offer: Offer
    public var decision: Decision
    /// The source's priority tier when it was decided.
    public var tier: Int
    public init(offer: Offer, decision: Decision, tier: Int) {
        self.offer = offer
        self.decision = decision
        self.tier = tier
    }
}

/// Something that happened to a bought lead: reached, sold (with revenue) or returned (with reason and refund).
public struct OutcomeEvent: Sendable, Hashable, Codable {
    public var time: Timestamp
    public var leadID: String
    public var kind: OutcomeKind
    /// Sale value, for `converted`.
    public var revenue: Optional<Money>
    /// Refund, for `returned`.
    public var refund: Optional<Money>
    /// Return reason, for `returned`. Untrusted text.
    public var reason: Optional<String>
    public var lead: LeadRef
    /// The exchange that reported it over HTTP (the name of its API key); nil otherwise.
    public var exchange: Optional<String>

    public init(time: Timestamp, leadID: String, kind: OutcomeKind, revenue: Money? = nil, refund: Money? = nil,
                reason: String? = nil, lead: LeadRef, exchange: String? = nil) {
        self.time = time
        self.leadID = leadID
        self.kind = kind
        self.revenue = revenue
        self.refund = refund
        self.reason = reason
        self.lead = lead
        self.exchange = exchange
    }

    enum CodingKeys: String, CodingKey { case time, leadID = "lead_id", kind, revenue, refund, reason, lead, exchange }
}

/// A change to the buyer's policy: who made it, when, and what.
public struct PolicyEvent: Sendable, Hashable, Codable {
    /// Wall-clock time the change was made (what an audit needs).
    public var time: Timestamp
    /// The OS user who made the change.
    public var actor: String
    public var change: PolicyChange
    /// The market's clock when the change took effect: the time of the record it follows in the log, on the
    /// same clock as the leads around it (simulated time on a simulated store). Nil on changes recorded before
    /// this was kept, and on a store with no leads yet.
    public var marketTime: Timestamp?
    public init(time: Timestamp, actor: String, change: PolicyChange, marketTime: Timestamp? = nil) {
        self.time = time
        self.actor = actor
        self.change = change
        self.marketTime = marketTime
    }

    /// When the change took effect on the market's clock, or its wall-clock time when that is not known.
    public var effectiveTime: Timestamp { marketTime ?? time }
}

/// Everything that happens, as recorded in the store's event log.
public enum Event: Sendable, Hashable {
    case offer(OfferEvent)
    case outcome(OutcomeEvent)
    case policy(PolicyEvent)
    /// Marks a simulation run (start or end), so the log explains gaps in time.
    case note(time: Timestamp, text: String)
    /// An alert the engine raised (budget spent out, a cap reached, a source below break-even...).
    case alert(AlertEvent)
    /// An exchange's ping and the bid (or no bid) it got.
    case ping(PingEvent)

    /// When it happened on the market's clock (a policy change without one: its wall-clock time).
    public var marketTime: Timestamp {
        if case .policy(let e) = self { return e.effectiveTime }
        return time
    }

    /// When it happened.
    public var time: Timestamp {
        switch self {
        case .offer(let e): return e.offer.receivedAt
        case .outcome(let e): return e.time
        case .policy(let e): return e.time
        case .note(let t, _): return t
        case .alert(let a): return a.time
        case .ping(let e): return e.ping.receivedAt
        }
    }
}

extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case type, offer, decision, tier, outcome, policy, time, text, alert, ping, price
        case expiresAt = "expires_at"
    }
    /// The kinds of event, as the "type" field names them.
    public enum Kind: String, Codable, CaseIterable { case offer, outcome, policy, note, alert, ping }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .type) {
        case .offer:
            let offer = try c.decode(Offer.self, forKey: .offer)
            let label = try c.decode(String.self, forKey: .decision)
            guard let decision = Decision(label: label) else {
                throw DecodingError.dataCorruptedError(forKey: .decision, in: c, debugDescription: "unknown decision '\(label)'")
            }
            self = .offer(OfferEvent(offer: offer, decision: decision, tier: try c.decode(Int.self, forKey: .tier)))
        case .outcome:
            self = .outcome(try c.decode(OutcomeEvent.self, forKey: .outcome))
        case .policy:
            self = .policy(try c.decode(PolicyEvent.self, forKey: .policy))
        case .note:
            self = .note(time: try c.decode(Timestamp.self, forKey: .time), text: try c.decode(String.self, forKey: .text))
        case .alert:
            self = .alert(try c.decode(AlertEvent.self, forKey: .alert))
        case .ping:
            let label = try c.decode(String.self, forKey: .decision)
            let decision: BidDecision
            if label == "bid" {
                decision = .bid(try c.decode(Money.self, forKey: .price))
            } else if let r = NoBidReason(rawValue: label) {
                decision = .noBid(r)
            } else {
                throw DecodingError.dataCorruptedError(forKey: .decision, in: c, debugDescription: "unknown bid decision '\(label)'")
            }
            self = .ping(PingEvent(ping: try c.decode(Ping.self, forKey: .ping), decision: decision,
                                   expiresAt: try c.decodeIfPresent(Timestamp.self, forKey: .expiresAt),
                                   tier: try c.decode(Int.self, forKey: .tier)))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .offer(let e):
            try c.encode(Kind.offer, forKey: .type)
            try c.encode(e.decision.label, forKey: .decision)
            try c.encode(e.tier, forKey: .tier)
            try c.encode(e.offer, forKey: .offer)
        case .outcome(let e):
            try c.encode(Kind.outcome, forKey: .type)
            try c.encode(e, forKey: .outcome)
        case .policy(let e):
            try c.encode(Kind.policy, forKey: .type)
            try c.encode(e, forKey: .policy)
        case .note(let t, let text):
            try c.encode(Kind.note, forKey: .type)
            try c.encode(t, forKey: .time)
            try c.encode(text, forKey: .text)
        case .alert(let a):
            try c.encode(Kind.alert, forKey: .type)
            try c.encode(a, forKey: .alert)
        case .ping(let e):
            try c.encode(Kind.ping, forKey: .type)
            try c.encode(e.decision.label, forKey: .decision)
            try c.encodeIfPresent(e.decision.price, forKey: .price)
            try c.encodeIfPresent(e.expiresAt, forKey: .expiresAt)
            try c.encode(e.ping, forKey: .ping)
            try c.encode(e.tier, forKey: .tier)
        }
    }
}
