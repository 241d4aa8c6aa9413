/// A lead offered for sale by the exchange. Every text field came from a traffic source and is untrusted.
///
/// Optional fields of the event types are spelled `Optional<T>`, not `T?`: a `var` of type `T?` starts as nil
/// before the initializer runs, so the initializer assigns to a value that already exists and the optimizer
/// copies the whole struct once (an offer's twelve strings retained, the original destroyed: 6% of rebuilding
/// the metrics from the log, by `callgrind`). Spelled out, there is no implicit nil and nothing is copied.
public struct Offer: Sendable, Hashable, Codable {
    public var leadID: String
    public var sourceID: String
    public var subID: String
    public var vertical: Vertical
    public var state: String
    public var postalCode: String
    public var city: String
    /// How the exchange sells this lead.
    public var saleType: PurchaseMode
    /// How many buyers a shared lead is sold to (1 for exclusive).
    public var maxSells: Int
    public var price: Money
    public var receivedAt: Timestamp
    public var firstName: String
    public var lastName: String
    public var phone: String
    public var email: String
    /// The exchange that sent it over HTTP (the name of its API key); nil for simulated and ingested offers.
    public var exchange: Optional<String>
    /// The ping this offer was posted for, if any.
    public var pingID: Optional<String>

    public init(leadID: String, sourceID: String, subID: String, vertical: Vertical, state: String,
                postalCode: String, city: String, saleType: PurchaseMode, maxSells: Int, price: Money,
                receivedAt: Timestamp, firstName: String, lastName: String, phone: String, email: String,
                exchange: String? = nil, pingID: String? = nil) {
        self.leadID = leadID
        self.sourceID = sourceID
        self.subID = subID
        self.vertical = vertical
        self.state = state
        self.postalCode = postalCode
        self.city = city
        self.saleType = saleType
        self.maxSells = maxSells
        self.price = price
        self.receivedAt = receivedAt
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.email = email
        self.exchange = exchange
        self.pingID = pingID
    }

    /// Whether it carries any of the consumer's contact details (name, phone, e-mail).
    public var hasContact: Bool { !(firstName.isEmpty && lastName.isEmpty && phone.isEmpty && email.isEmpty) }

    /// The offer without the consumer's contact details (name, phone, e-mail): what is kept of a lead that was not
    /// bought. Where it is (city, state, postal code) stays, as a ping shares it before any sale.
    public var withoutContact: Offer {
        var o = self
        o.dropContact()
        return o
    }

    /// Empties the consumer's contact details (`withoutContact`, in place).
    public mutating func dropContact() {
        firstName = ""
        lastName = ""
        phone = ""
        email = ""
    }

    /// Who the consumer is, for dedupe: the phone's digits, else the lower-cased e-mail.
    public var consumerKey: String {
        // Most phones are already 7 to 10 bare digits: the key is the phone itself, without filtering a copy.
        var p = phone
        if p.withUTF8({ u in u.count >= 7 && u.count <= 10 && !u.contains { $0 < 48 || $0 > 57 } }) { return phone }
        let digits = phone.utf8.filter { $0 >= 48 && $0 <= 57 }
        if digits.count >= 7 { return String(decoding: digits.suffix(10), as: UTF8.self) }
        return email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id", sourceID = "source_id", subID = "sub_id", vertical, state
        case postalCode = "postal_code", city, saleType = "sale_type", maxSells = "max_sells", price
        case receivedAt = "received_at", firstName = "first_name", lastName = "last_name", phone, email
        case exchange, pingID = "ping_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(leadID: try c.decode(String.self, forKey: .leadID), sourceID: try c.decode(String.self, forKey: .sourceID),
                  subID: try c.decode(String.self, forKey: .subID), vertical: try c.decode(Vertical.self, forKey: .vertical),
                  state: try c.decode(String.self, forKey: .state), postalCode: try c.decode(String.self, forKey: .postalCode),
                  city: try c.decode(String.self, forKey: .city), saleType: try c.decode(PurchaseMode.self, forKey: .saleType),
                  maxSells: try c.decode(Int.self, forKey: .maxSells), price: try c.decode(Money.self, forKey: .price),
                  receivedAt: try c.decode(Timestamp.self, forKey: .receivedAt),
                  firstName: try c.decodeIfPresent(String.self, forKey: .firstName) ?? "",
                  lastName: try c.decodeIfPresent(String.self, forKey: .lastName) ?? "",
                  phone: try c.decodeIfPresent(String.self, forKey: .phone) ?? "",
                  email: try c.decodeIfPresent(String.self, forKey: .email) ?? "",
                  exchange: try c.decodeIfPresent(String.self, forKey: .exchange),
                  pingID: try c.decodeIfPresent(String.self, forKey: .pingID))
    }

    /// The contact details (name, phone, e-mail) are written only when not empty: an offer that was not bought is
    /// kept without them (`withoutContact`), and its record does not carry empty fields in their place.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(leadID, forKey: .leadID)
        try c.encode(sourceID, forKey: .sourceID)
        try c.encode(subID, forKey: .subID)
        try c.encode(vertical, forKey: .vertical)
        try c.encode(state, forKey: .state)
        try c.encode(postalCode, forKey: .postalCode)
        try c.encode(city, forKey: .city)
        try c.encode(saleType, forKey: .saleType)
        try c.encode(maxSells, forKey: .maxSells)
        try c.encode(price, forKey: .price)
        try c.encode(receivedAt, forKey: .receivedAt)
        if !firstName.isEmpty { try c.encode(firstName, forKey: .firstName) }
        if !lastName.isEmpty { try c.encode(lastName, forKey: .lastName) }
        if !phone.isEmpty { try c.encode(phone, forKey: .phone) }
        if !email.isEmpty { try c.encode(email, forKey: .email) }
        try c.encodeIfPresent(exchange, forKey: .exchange)
        try c.encodeIfPresent(pingID, forKey: .pingID)
    }
}

/// Why the engine did not buy a lead. Exactly one reason per rejection: the first rule that said no.
public enum RejectReason: String, Sendable, Hashable, Codable, CaseIterable {
    case blocked, filtered, closed, duplicate, mode, price, cap, budget, pacing

    /// What the reason means, for help screens and reports.
    public var explanation: String {
        switch self {
        case .blocked: return "source or sub-ID blocked"
        case .filtered: return "vertical or state not bought"
        case .closed: return "outside hours of operation"
        case .duplicate: return "consumer bought within the dedupe window"
        case .mode: return "offered shared/exclusive, but the source buys the other mode"
        case .price: return "price above the maximum for its vertical and mode"
        case .cap: return "daily or hourly lead cap reached for its priority tier"
        case .budget: return "daily budget reached for its priority tier"
        case .pacing: return "would run ahead of the day's budget pace (even pacing)"
        }
    }
}

/// The engine's answer to an offer.
public enum Decision: Sendable, Hashable {
    case bought(PurchaseMode)
    case rejected(RejectReason)

    public var isBought: Bool { if case .bought = self { return true } else { return false } }

    /// The decision a `label` names: a purchase mode first, then a rejection reason; nil for anything else.
    public init?(label: String) {
        if let m = PurchaseMode(rawValue: label) {
            self = .bought(m)
        } else if let r = RejectReason(rawValue: label) {
            self = .rejected(r)
        } else {
            return nil
        }
    }

    /// "shared", "exclusive", or the rejection reason.
    public var label: String {
        switch self {
        case .bought(let m): return m.rawValue
        case .rejected(let r): return r.rawValue
        }
    }
}

/// What happened to a bought lead later.
public enum OutcomeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case contacted, converted, returned
}

/// The facts about a bought lead that its outcomes are attributed to (cohort accounting: an outcome counts
/// in the buckets of the time the lead was bought).
public struct LeadRef: Sendable, Hashable, Codable {
    public var sourceID: String
    public var subID: String
    public var vertical: Vertical
    public var mode: PurchaseMode
    /// The consumer's state as two ASCII letters packed in two bytes (0: not known). It sits in the padding
    /// after `mode`, so keeping it does not make a bought lead (or the lead index) any larger.
    private var stateCode: UInt16 = 0
    public var boughtAt: Timestamp
    public var price: Money

    /// - Parameter state: the consumer's two-letter state; anything else (or nil) is kept as "not known".
    public init(sourceID: String, subID: String, vertical: Vertical, mode: PurchaseMode, boughtAt: Timestamp, price: Money,
                state: String? = nil) {
        self.sourceID = sourceID
        self.subID = subID
        self.vertical = vertical
        self.mode = mode
        self.boughtAt = boughtAt
        self.price = price
        self.stateCode = state.map(Self.pack) ?? 0
    }

    /// The consumer's state ("CA"), or nil for a lead recorded before states were kept with its outcomes.
    public var state: String? {
        get {
            guard stateCode != 0 else { return nil }
            return String(decoding: [UInt8(stateCode >> 8), UInt8(stateCode & 0xFF)], as: UTF8.self)
        }
        set { stateCode = newValue.map(Self.pack) ?? 0 }
    }

    /// Two ASCII letters, upper-cased, in two bytes; 0 for anything else.
    /// (Called for every offer: it reads the UTF-8 view in place and allocates nothing.)
    static func pack(_ s: String) -> UInt16 {
        let u = s.utf8
        guard u.count == 2 else { return 0 }
        func upper(_ c: UInt8) -> UInt16? {
            switch c {
            case 65...90: return UInt16(c)
            case 97...122: return UInt16(c - 32)
            default: return nil
            }
        }
        guard let a = upper(u[u.startIndex]), let c = upper(u[u.index(after: u.startIndex)]) else { return 0 }
        return a << 8 | c
    }

    enum CodingKeys: String, CodingKey {
        case sourceID = "source_id", subID = "sub_id", vertical, mode, boughtAt = "bought_at", price, state
    }

    /// Reads `state` when present: outcomes logged before it was kept have none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sourceID: try c.decode(String.self, forKey: .sourceID), subID: try c.decode(String.self, forKey: .subID),
                  vertical: try c.decode(Vertical.self, forKey: .vertical), mode: try c.decode(PurchaseMode.self, forKey: .mode),
                  boughtAt: try c.decode(Timestamp.self, forKey: .boughtAt), price: try c.decode(Money.self, forKey: .price),
                  state: try c.decodeIfPresent(String.self, forKey: .state))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceID, forKey: .sourceID)
        try c.encode(subID, forKey: .subID)
        try c.encode(vertical, forKey: .vertical)
        try c.encode(mode, forKey: .mode)
        try c.encode(boughtAt, forKey: .boughtAt)
        try c.encode(price, forKey: .price)
        try c.encodeIfPresent(state, forKey: .state)
    }
}

/// Standard reasons a buyer returns a lead for a refund.
public enum ReturnReason {
    public static let all = ["disconnected number", "wrong number", "duplicate", "fake information",
                             "outside geography", "never requested", "language barrier"]
}
