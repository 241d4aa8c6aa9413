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
        /// Results by the consumer's two-letter state (made from what is kept: read it once, not per state).
        public var states: [String: Tally] { stateTallies.dictionary }
        /// Results by local hour of day, 0-23.
        public private(set) var hours = [Tally](repeating: Tally(), count: 24)
        /// Outcomes whose lead carries no state, so they are in no state's tally.
        public private(set) var withoutState: Int64 = 0
        /// The states' tallies: a state of two upper-case letters (nearly every one) is found by its letters in
        /// `byLetters` (its place plus one, by `letterCode`; 0: not met yet), any other by one lookup.
        private var stateTallies = KeyedList<Tally>()
        private var byLetters: [Int16] = []

        public init() {}

        /// A breakdown as a checkpoint codec reads it; nil unless `hours` holds 24 tallies.
        public init?(returns: [String: ReturnTally], states: [String: Tally], hours: [Tally], withoutState: Int64) {
            guard hours.count == 24 else { return nil }
            self.returns = returns
            self.hours = hours
            self.withoutState = withoutState
            stateTallies = KeyedList(states)
        }

        enum CodingKeys: String, CodingKey { case returns, states, hours, withoutState }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let h = try c.decodeIfPresent([Tally].self, forKey: .hours) ?? Breakdown().hours
            guard h.count == 24 else {
                throw DecodingError.dataCorruptedError(forKey: .hours, in: c, debugDescription: "expected 24 hours, got \(h.count)")
            }
            self.init(returns: try c.decodeIfPresent([String: ReturnTally].self, forKey: .returns) ?? [:],
                      states: try c.decodeIfPresent([String: Tally].self, forKey: .states) ?? [:], hours: h,
                      withoutState: try c.decodeIfPresent(Int64.self, forKey: .withoutState) ?? 0)!
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(returns, forKey: .returns)
            try c.encode(states, forKey: .states)
            try c.encode(hours, forKey: .hours)
            try c.encode(withoutState, forKey: .withoutState)
        }

        /// Equal when they hold the same tallies under the same keys, whatever order the states came in.
        public static func == (a: Breakdown, b: Breakdown) -> Bool {
            a.returns == b.returns && a.hours == b.hours && a.withoutState == b.withoutState && a.stateTallies == b.stateTallies
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(returns)
            hasher.combine(states)
            hasher.combine(hours)
            hasher.combine(withoutState)
        }

        mutating func count(offer o: Offer, decision: Decision, hour: Int) {
            // A state of two upper-case letters is its own key.
            let code = Self.letterCode(o.state)
            let i = code >= 0 && !byLetters.isEmpty && byLetters[code] > 0
                ? Int(byLetters[code]) - 1 : stateSlot(code >= 0 ? o.state : SourceBreakdowns.stateKey(o.state), code: code)
            stateTallies.values[i].count(decision, price: o.price)
            hours[hour].count(decision, price: o.price)
        }

        /// A key of two upper-case letters as a number below 676, or -1 for any other.
        @inline(__always)
        static func letterCode(_ key: String) -> Int {
            var k = key
            return k.withUTF8 { u in
                guard u.count == 2, u[0] &- 65 < 26, u[1] &- 65 < 26 else { return -1 }
                return Int(u[0] &- 65) * 26 + Int(u[1] &- 65)
            }
        }

        mutating func count(outcome e: OutcomeEvent, hour: Int) {
            hours[hour].count(e)
            if let s = e.lead.state {
                stateTallies.values[stateSlot(s, code: Self.letterCode(s))].count(e)
            } else {
                withoutState += 1
            }
            if e.kind == .returned {
                let key = Self.bounded(SourceBreakdowns.reasonKey(e.reason), in: returns, limit: SourceBreakdowns.reasonsKept)
                returns[key, default: ReturnTally()].add(refund: e.refund ?? .zero)
            }
        }

        /// Where the tally of state `key` is, added empty when there is room, else the tally of `otherKey`. A key
        /// resolves the same way every time (the kept states only grow), so one of two upper-case letters (`code`)
        /// is remembered as resolved.
        private mutating func stateSlot(_ key: String, code: Int) -> Int {
            let kept = stateTallies.place(of: key) != nil || stateTallies.count < SourceBreakdowns.statesKept ? key : SourceBreakdowns.otherKey
            let i = stateTallies.place(adding: kept) { Tally() }
            if code >= 0 {
                if byLetters.isEmpty { byLetters = [Int16](repeating: 0, count: 26 * 26) }
                byLetters[code] = Int16(i + 1)
            }
            return i
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

    /// Each source's breakdowns, by source id (made from what is kept: read it once, not per source).
    public var sources: [String: Breakdown] { list.dictionary }
    /// The sources' breakdowns, in the order they were first counted (or, from a checkpoint, by id): an offer's
    /// source is found with one lookup, and one met lately without hashing its id (`recent`).
    private var list = KeyedList<Breakdown>()
    private var recent = RecentStrings<Int>(size: 256)

    /// Offers counted per local hour of day (24), over every source.
    public var offeredByHour: [Int64] {
        var out = [Int64](repeating: 0, count: 24)
        for b in list.values { for (h, t) in b.hours.enumerated() { out[h] += t.offered } }
        return out
    }
    /// When counting began, when that was after the history began: a checkpoint written before breakdowns
    /// were kept loads with none, and they count from its time on. Nil when they cover the whole history.
    public private(set) var countedSince: Timestamp?

    /// Empty breakdowns; `countedSince` says they start after the history did.
    public init(countedSince: Timestamp? = nil) { self.countedSince = countedSince }

    /// Breakdowns as a checkpoint codec reads them.
    public init(sources: [String: Breakdown], countedSince: Timestamp?) {
        list = KeyedList(sources)
        self.countedSince = countedSince
    }

    enum CodingKeys: String, CodingKey { case sources, countedSince }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sources: try c.decode([String: Breakdown].self, forKey: .sources),
                  countedSince: try c.decodeIfPresent(Timestamp.self, forKey: .countedSince))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sources, forKey: .sources)
        try c.encodeIfPresent(countedSince, forKey: .countedSince)
    }

    /// Equal when they hold the same breakdowns under the same ids, whatever order they were counted in.
    public static func == (a: SourceBreakdowns, b: SourceBreakdowns) -> Bool {
        a.countedSince == b.countedSince && a.list == b.list
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sources)
        hasher.combine(countedSince)
    }

    /// One source's breakdowns, empty when it has none yet.
    public subscript(source: String) -> Breakdown { list.place(of: source).map { list.values[$0] } ?? Breakdown() }

    /// Counts a decided offer by its state and local hour (0-23).
    public mutating func count(offer: Offer, decision: Decision, hour: Int) {
        list.values[index(of: offer.sourceID)].count(offer: offer, decision: decision, hour: hour)
    }

    /// Counts an outcome by its lead's state and local purchase hour (0-23), and a return by its reason.
    public mutating func count(outcome: OutcomeEvent, hour: Int) {
        list.values[index(of: outcome.lead.sourceID)].count(outcome: outcome, hour: hour)
    }

    /// Where the source's breakdowns are in `list`, added empty when it has none yet.
    private mutating func index(of id: String) -> Int {
        if let i = recent.value(of: id) { return i }
        let i = list.place(adding: id) { Breakdown() }
        recent.remember(id, i)
        return i
    }

    /// The key an offer's state is counted under: its two letters upper-cased, or `unknownState`.
    public static func stateKey(_ state: String) -> String {
        // Offers that passed validation are two upper-case letters already: no new string for them.
        if Breakdown.letterCode(state) >= 0 { return state }
        return LeadRef.pack(state) == 0 ? unknownState : state.uppercased()
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

/// Values under string keys, kept in an array in the order the keys came (or, from a dictionary, by key) with a
/// dictionary of where each key is: a value is changed in place by its place, found once. Two lists are equal when
/// they hold the same values under the same keys, whatever the order.
struct KeyedList<Value: Sendable & Hashable>: Sendable, Hashable {
    private(set) var keys: [String] = []
    var values: [Value] = []
    private var places: [String: Int] = [:]

    init() {}

    /// The dictionary's entries, by key.
    init(_ entries: [String: Value]) {
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) { _ = place(adding: key) { value } }
    }

    var count: Int { keys.count }

    /// The entries as a dictionary.
    var dictionary: [String: Value] { Dictionary(uniqueKeysWithValues: zip(keys, values)) }

    /// Where `key`'s value is, if it has one.
    func place(of key: String) -> Int? { places[key] }

    /// Where `key`'s value is, added as `make()` makes it when the key has none yet.
    mutating func place(adding key: String, _ make: () -> Value) -> Int {
        if let known = places[key] { return known }
        places[key] = keys.count
        keys.append(key)
        values.append(make())
        return keys.count - 1
    }

    static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && zip(a.keys, a.values).allSatisfy { key, v in b.places[key].map { b.values[$0] == v } ?? false }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(dictionary) }
}
