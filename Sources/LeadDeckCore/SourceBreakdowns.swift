/// Per source, all-time breakdowns that explain its result: returns by reason, results by the consumer's
/// state, and results by the buyer's local hour of day. Cheap and bounded: per source at most
/// `statesKept` states and `reasonsKept` reasons (the rest fold into `otherKey`) and 24 hours, whatever the
/// length of the history: at most about 10 KB per source of the catalog, a few KB typically.
///
/// Offers count by their own state and hour; outcomes by the state and purchase hour of their lead (cohort
/// accounting, as everywhere). An outcome whose lead carries no state (bought before states were kept with
/// leads) is counted in `withoutState` instead of a state.
public struct SourceBreakdowns: Sendable, Hashable, Codable {
    /// Distinct states kept per source; more fold into `otherKey`. The US has 50 states, DC and territories.
    public static let statesKept = 64
    /// Distinct return reasons kept per source; more fold into `otherKey`.
    public static let reasonsKept = 20
    /// Characters of a return reason kept (reasons are free text from the buyer's disposition files).
    public static let reasonLength = 40
    /// The bucket for states or reasons beyond what is kept.
    public static let otherKey = "(other)"
    /// The reason of a return that gave none.
    public static let noReasonKey = "(none given)"
    /// The state of an offer whose state is not two letters.
    public static let unknownState = "??"

    /// One source's breakdowns.
    public struct Breakdown: Sendable, Hashable, Codable {
        /// Returns by reason (lower-cased, trimmed, at most `reasonLength` characters).
        public private(set) var returns: [String: ReturnTally] = [:]
        /// Results by the consumer's two-letter state.
        public private(set) var states: [String: Tally] = [:]
        /// Results by local hour of day, 0-23.
        public private(set) var hours = [Tally](repeating: Tally(), count: 24)
        /// Outcomes whose lead carries no state, so they are in no state's tally.
        public private(set) var withoutState: Int64 = 0

        public init() {}

        /// A breakdown as a checkpoint codec reads it; nil unless `hours` holds 24 tallies.
        public init?(returns: [String: ReturnTally], states: [String: Tally], hours: [Tally], withoutState: Int64) {
            guard hours.count == 24 else { return nil }
            self.returns = returns
            self.states = states
            self.hours = hours
            self.withoutState = withoutState
        }

        enum CodingKeys: String, CodingKey { case returns, states, hours, withoutState }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            returns = try c.decodeIfPresent([String: ReturnTally].self, forKey: .returns) ?? [:]
            states = try c.decodeIfPresent([String: Tally].self, forKey: .states) ?? [:]
            let h = try c.decodeIfPresent([Tally].self, forKey: .hours) ?? hours
            guard h.count == 24 else {
                throw DecodingError.dataCorruptedError(forKey: .hours, in: c, debugDescription: "expected 24 hours, got \(h.count)")
            }
            hours = h
            withoutState = try c.decodeIfPresent(Int64.self, forKey: .withoutState) ?? 0
        }

        mutating func count(offer o: Offer, decision: Decision, hour: Int) {
            let key = SourceBreakdowns.stateKey(o.state)
            states[Self.bounded(key, in: states, limit: SourceBreakdowns.statesKept), default: Tally()].count(decision, price: o.price)
            hours[hour].count(decision, price: o.price)
        }

        mutating func count(outcome e: OutcomeEvent, hour: Int) {
            hours[hour].count(e)
            if let s = e.lead.state {
                states[Self.bounded(s, in: states, limit: SourceBreakdowns.statesKept), default: Tally()].count(e)
            } else {
                withoutState += 1
            }
            if e.kind == .returned {
                let key = Self.bounded(SourceBreakdowns.reasonKey(e.reason), in: returns, limit: SourceBreakdowns.reasonsKept)
                returns[key, default: ReturnTally()].add(refund: e.refund ?? .zero)
            }
        }

        /// `key` when it is already kept or there is room for it, else `otherKey`.
        static func bounded<V>(_ key: String, in map: [String: V], limit: Int) -> String {
            map[key] != nil || map.count < limit ? key : SourceBreakdowns.otherKey
        }
    }

    /// Returns of one reason: how many and how much was refunded.
    public struct ReturnTally: Sendable, Hashable, Codable {
        public var count: Int64 = 0
        public var refunded = Money.zero
        public init() {}

        mutating func add(refund: Money) {
            count += 1
            refunded += refund
        }

        /// In JSON `[count, refunded cents]`.
        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            count = try c.decode(Int64.self)
            refunded = Money(cents: try c.decode(Int64.self))
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(count)
            try c.encode(refunded.cents)
        }
    }

    /// The results of one state or hour: offers and purchases by the offer, outcomes by their lead.
    public struct Tally: Sendable, Hashable, Codable {
        public var offered: Int64 = 0
        public var bought: Int64 = 0
        public var spend = Money.zero
        public var refunds = Money.zero
        public var contacted: Int64 = 0
        public var sold: Int64 = 0
        public var revenue = Money.zero
        public var returned: Int64 = 0
        public init() {}

        /// The same figures as `Counters`, so the usual formulas apply (`MetricsRow(t.counters).roi`). The
        /// purchase mode is not kept here: every bought lead is counted as shared.
        public var counters: Counters {
            var c = Counters()
            c.offered = offered
            c.boughtShared = bought
            c.spend = spend
            c.refunds = refunds
            c.contacted = contacted
            c.converted = sold
            c.revenue = revenue
            c.returned = returned
            return c
        }

        /// Adds another tally to this one (a total over states or hours).
        public mutating func add(_ o: Tally) {
            offered += o.offered
            bought += o.bought
            spend += o.spend
            refunds += o.refunds
            contacted += o.contacted
            sold += o.sold
            revenue += o.revenue
            returned += o.returned
        }

        mutating func count(_ decision: Decision, price: Money) {
            offered += 1
            if decision.isBought {
                bought += 1
                spend += price
            }
        }

        mutating func count(_ o: OutcomeEvent) {
            switch o.kind {
            case .contacted: contacted += 1
            case .converted: sold += 1; revenue += o.revenue ?? .zero
            case .returned: returned += 1; refunds += o.refund ?? .zero
            }
        }

        /// A tally from its 8 integers in `fieldOrder`, as a checkpoint codec reads them.
        public init(offered: Int64, bought: Int64, spendCents: Int64, refundCents: Int64, contacted: Int64, sold: Int64,
                    revenueCents: Int64, returned: Int64) {
            self.offered = offered
            self.bought = bought
            spend = Money(cents: spendCents)
            refunds = Money(cents: refundCents)
            self.contacted = contacted
            self.sold = sold
            revenue = Money(cents: revenueCents)
            self.returned = returned
        }

        /// The order of the integers in the JSON form (money in cents).
        public static let fieldOrder = ["offered", "bought", "spendCents", "refundCents", "contacted", "sold", "revenueCents", "returned"]

        /// In JSON a list of 8 integers in `fieldOrder`.
        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            guard c.count == Self.fieldOrder.count else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected \(Self.fieldOrder.count) numbers, got \(c.count ?? 0)")
            }
            offered = try c.decode(Int64.self)
            bought = try c.decode(Int64.self)
            spend = Money(cents: try c.decode(Int64.self))
            refunds = Money(cents: try c.decode(Int64.self))
            contacted = try c.decode(Int64.self)
            sold = try c.decode(Int64.self)
            revenue = Money(cents: try c.decode(Int64.self))
            returned = try c.decode(Int64.self)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            for v in [offered, bought, spend.cents, refunds.cents, contacted, sold, revenue.cents, returned] { try c.encode(v) }
        }
    }

    /// Each source's breakdowns, by source id.
    public private(set) var sources: [String: Breakdown] = [:]

    /// Offers counted per local hour of day (24), over every source.
    public var offeredByHour: [Int64] {
        var out = [Int64](repeating: 0, count: 24)
        for b in sources.values { for (h, t) in b.hours.enumerated() { out[h] += t.offered } }
        return out
    }
    /// When counting began, when that was after the history began: a checkpoint written before breakdowns
    /// were kept loads with none, and they count from its time on. Nil when they cover the whole history.
    public private(set) var countedSince: Timestamp?

    /// Empty breakdowns; `countedSince` says they start after the history did.
    public init(countedSince: Timestamp? = nil) { self.countedSince = countedSince }

    /// Breakdowns as a checkpoint codec reads them.
    public init(sources: [String: Breakdown], countedSince: Timestamp?) {
        self.sources = sources
        self.countedSince = countedSince
    }

    /// One source's breakdowns, empty when it has none yet.
    public subscript(source: String) -> Breakdown { sources[source] ?? Breakdown() }

    /// Counts a decided offer by its state and local hour (0-23).
    public mutating func count(offer: Offer, decision: Decision, hour: Int) {
        sources[offer.sourceID, default: Breakdown()].count(offer: offer, decision: decision, hour: hour)
    }

    /// Counts an outcome by its lead's state and local purchase hour (0-23), and a return by its reason.
    public mutating func count(outcome: OutcomeEvent, hour: Int) {
        sources[outcome.lead.sourceID, default: Breakdown()].count(outcome: outcome, hour: hour)
    }

    /// The key an offer's state is counted under: its two letters upper-cased, or `unknownState`.
    public static func stateKey(_ state: String) -> String {
        let code = LeadRef.pack(state)
        guard code != 0 else { return unknownState }
        // Offers that passed validation are upper-case already: no new string for them.
        return state.utf8.first == UInt8(code >> 8) && state.utf8.last == UInt8(code & 0xFF) ? state : state.uppercased()
    }

    /// The key a return reason is counted under: trimmed, lower-cased, at most `reasonLength` characters;
    /// `noReasonKey` when there is none. Still untrusted text: clean it before showing it.
    public static func reasonKey(_ reason: String?) -> String {
        let trimmed = (reason ?? "").trimmingWhitespace().lowercased()
        return trimmed.isEmpty ? noReasonKey : String(trimmed.prefix(reasonLength))
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
