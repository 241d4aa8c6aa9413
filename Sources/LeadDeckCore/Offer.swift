/// A lead offered for sale by the exchange. Every text field came from a traffic source and is untrusted.
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

    public init(leadID: String, sourceID: String, subID: String, vertical: Vertical, state: String,
                postalCode: String, city: String, saleType: PurchaseMode, maxSells: Int, price: Money,
                receivedAt: Timestamp, firstName: String, lastName: String, phone: String, email: String) {
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
    }

    /// Who the consumer is, for dedupe: the phone's digits, else the lower-cased e-mail.
    public var consumerKey: String {
        let digits = phone.utf8.filter { $0 >= 48 && $0 <= 57 }
        if digits.count >= 7 { return String(decoding: digits.suffix(10), as: UTF8.self) }
        return email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id", sourceID = "source_id", subID = "sub_id", vertical, state
        case postalCode = "postal_code", city, saleType = "sale_type", maxSells = "max_sells", price
        case receivedAt = "received_at", firstName = "first_name", lastName = "last_name", phone, email
    }
}

/// Why the engine did not buy a lead. Exactly one reason per rejection: the first rule that said no.
public enum RejectReason: String, Sendable, Hashable, Codable, CaseIterable {
    case blocked, filtered, closed, duplicate, mode, price, cap, budget

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
        }
    }
}

/// The engine's answer to an offer.
public enum Decision: Sendable, Hashable {
    case bought(PurchaseMode)
    case rejected(RejectReason)

    public var isBought: Bool { if case .bought = self { return true } else { return false } }

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
    public var boughtAt: Timestamp
    public var price: Money

    public init(sourceID: String, subID: String, vertical: Vertical, mode: PurchaseMode, boughtAt: Timestamp, price: Money) {
        self.sourceID = sourceID
        self.subID = subID
        self.vertical = vertical
        self.mode = mode
        self.boughtAt = boughtAt
        self.price = price
    }

    enum CodingKeys: String, CodingKey {
        case sourceID = "source_id", subID = "sub_id", vertical, mode, boughtAt = "bought_at", price
    }
}

/// Standard reasons a buyer returns a lead for a refund.
public enum ReturnReason {
    public static let all = ["disconnected number", "wrong number", "duplicate", "fake information",
                             "outside geography", "never requested", "language barrier"]
}
