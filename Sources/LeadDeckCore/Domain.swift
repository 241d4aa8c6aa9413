/// The product line a lead is for. Raw values are the names used in JSON and on the command line.
public enum Vertical: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case autoInsurance = "auto"
    case homeInsurance = "home"
    case lifeInsurance = "life"
    case health = "health"
    case medicare = "medicare"
    case mortgage = "mortgage"
    case solar = "solar"
    case homeServices = "home_services"
    case legal = "legal"

    public static func < (a: Vertical, b: Vertical) -> Bool { a.rawValue < b.rawValue }

    /// A human label ("auto insurance").
    public var label: String {
        switch self {
        case .autoInsurance: return "auto insurance"
        case .homeInsurance: return "home insurance"
        case .lifeInsurance: return "life insurance"
        case .health: return "health insurance"
        case .medicare: return "medicare"
        case .mortgage: return "mortgage"
        case .solar: return "solar"
        case .homeServices: return "home services"
        case .legal: return "personal injury"
        }
    }
}

/// How a traffic source produces its leads.
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case webForm = "web_form"
    case search = "search"
    case social = "social"
    case display = "display"
    case email = "email"
    case callTransfer = "call_transfer"
    case inboundCall = "inbound_call"

    /// A label of at most 8 characters for tight columns.
    public var short: String {
        switch self {
        case .webForm: return "web form"
        case .callTransfer: return "transfer"
        case .inboundCall: return "inbound"
        default: return rawValue
        }
    }
}

/// How a lead is sold: to several buyers at once, or to one.
public enum PurchaseMode: String, Sendable, Hashable, Codable, CaseIterable {
    case shared
    case exclusive
}

/// A source's purchase-mode setting: its own mode, or the global one.
public enum ModeSetting: String, Sendable, Hashable, Codable, CaseIterable {
    case shared
    case exclusive
    case inherit

    /// The mode in force given the global mode.
    public func resolved(global: PurchaseMode) -> PurchaseMode {
        switch self {
        case .shared: return .shared
        case .exclusive: return .exclusive
        case .inherit: return global
        }
    }

    /// The next setting in the cycle shared -> exclusive -> inherit -> shared.
    public var next: ModeSetting {
        switch self {
        case .shared: return .exclusive
        case .exclusive: return .inherit
        case .inherit: return .shared
        }
    }
}

/// The economics of a source as the simulated exchange plays them out. The demo catalog's values are
/// calibrated to DOMAIN.md's published ranges (CalibrationTests; the README's "Calibration" tables).
public struct MarketProfile: Sendable, Hashable, Codable {
    /// Leads the source produces on an average day.
    public var dailyVolume: Int
    /// Share of leads (0-1) the exchange offers as exclusive; the rest are offered shared.
    public var exclusiveShare: Double
    /// Typical price of a shared lead.
    public var sharedPrice: Money
    /// Typical price of an exclusive lead.
    public var exclusivePrice: Money
    /// Fewest and most buyers a shared lead is sold to.
    public var minLegs: Int
    public var maxLegs: Int
    /// Share of bought exclusive leads the buyer reaches by phone (contacted / bought, returned leads included).
    public var contactRate: Double
    /// Chance a reached exclusive lead buys, so an exclusive lead converts at `contactRate * closeRate`.
    public var closeRate: Double
    /// Average revenue of a sale as the buyer books it (an agency's commission, a lender's revenue per funded
    /// loan, a law firm's retainer fee), not the size of the policy or loan.
    public var saleValue: Money
    /// Chance a bought lead is returned for a refund.
    public var returnRate: Double
    /// Chance a lead is a consumer already seen recently.
    public var duplicateRate: Double

    public init(dailyVolume: Int, exclusiveShare: Double, sharedPrice: Money, exclusivePrice: Money,
                minLegs: Int, maxLegs: Int, contactRate: Double, closeRate: Double, saleValue: Money,
                returnRate: Double, duplicateRate: Double) {
        self.dailyVolume = dailyVolume
        self.exclusiveShare = exclusiveShare
        self.sharedPrice = sharedPrice
        self.exclusivePrice = exclusivePrice
        self.minLegs = minLegs
        self.maxLegs = maxLegs
        self.contactRate = contactRate
        self.closeRate = closeRate
        self.saleValue = saleValue
        self.returnRate = returnRate
        self.duplicateRate = duplicateRate
    }
}

/// A campaign or site of a traffic source.
public struct SubSource: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Relative share of the source's volume that comes through this sub-ID.
    public var weight: Int
    /// Quality relative to the source's other sub-IDs: the simulator multiplies contact and close rates by it
    /// (and returns by 2 minus it) over the volume-weighted average of the source's qualities, so the source
    /// as a whole keeps the rates of its profile.
    public var quality: Double

    public init(id: String, name: String, weight: Int = 1, quality: Double = 1.0) {
        self.id = id
        self.name = name
        self.weight = weight
        self.quality = quality
    }
}

/// A traffic source (publisher) as listed in the catalog. Its name is untrusted text.
public struct Source: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var vertical: Vertical
    public var channel: Channel
    public var subIDs: [SubSource]
    /// How the simulated exchange plays this source; absent for sources only seen through ingest.
    public var market: MarketProfile?

    public init(id: String, name: String, vertical: Vertical, channel: Channel, subIDs: [SubSource],
                market: MarketProfile?) {
        self.id = id
        self.name = name
        self.vertical = vertical
        self.channel = channel
        self.subIDs = subIDs
        self.market = market
    }
}

/// How the simulated buyer competes for shared leads.
public struct BuyerProfile: Sendable, Hashable, Codable {
    /// 0-1: how fast the sales floor calls a new lead.
    public var speed: Double
    /// 0-1: how well consumers know the buyer's brand.
    public var brand: Double
    public init(speed: Double, brand: Double) {
        self.speed = speed
        self.brand = brand
    }
}

/// The list of traffic sources a store knows, with the simulated market's parameters.
public struct Catalog: Sendable, Hashable, Codable {
    public var sources: [Source]
    public var buyer: BuyerProfile

    public init(sources: [Source], buyer: BuyerProfile) {
        self.sources = sources
        self.buyer = buyer
    }

    /// The source with this id, if any.
    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }

    /// Problems a person editing the catalog must fix, each naming the source: duplicate ids, empty names,
    /// parameters outside sane ranges.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        var seen = Set<String>()
        for (i, s) in sources.enumerated() {
            let at = "sources[\(i)] (\(s.id))"
            if s.id.isEmpty || !SourceRef.isValidID(s.id) { errors.append("\(at): id must be 1-40 letters, digits, '-' or '_'") }
            if !seen.insert(s.id).inserted { errors.append("\(at): duplicate source id") }
            var subs = Set<String>()
            for sub in s.subIDs {
                if !SourceRef.isValidID(sub.id) { errors.append("\(at): sub-ID '\(sub.id)' must be 1-40 letters, digits, '-' or '_'") }
                if !subs.insert(sub.id).inserted { errors.append("\(at): duplicate sub-ID \(sub.id)") }
                if sub.weight < 1 { errors.append("\(at): sub-ID \(sub.id) weight must be at least 1") }
            }
            if let m = s.market {
                if m.dailyVolume < 0 { errors.append("\(at): dailyVolume must not be negative") }
                if m.minLegs < 2 || m.maxLegs < m.minLegs || m.maxLegs > 10 { errors.append("\(at): legs must be 2-10 with min <= max") }
                for (name, v) in [("exclusiveShare", m.exclusiveShare), ("contactRate", m.contactRate),
                                  ("closeRate", m.closeRate), ("returnRate", m.returnRate),
                                  ("duplicateRate", m.duplicateRate)] where !(0...1).contains(v) {
                    errors.append("\(at): \(name) must be between 0 and 1, got \(v)")
                }
                if m.sharedPrice.cents <= 0 || m.exclusivePrice.cents <= 0 { errors.append("\(at): prices must be positive") }
                if s.subIDs.isEmpty { errors.append("\(at): a simulated source needs at least one sub-ID") }
            }
        }
        return errors
    }
}

/// "SOURCE" or "SOURCE/SUBID", as typed on the command line.
public struct SourceRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: String
    public var subID: String?
    public init(source: String, subID: String? = nil) {
        self.source = source
        self.subID = subID
    }

    /// Parses "SRC" or "SRC/SUB"; nil when either part is empty or has characters ids may not hold.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2, parts.allSatisfy(SourceRef.isValidID) else { return nil }
        source = parts[0]
        subID = parts.count == 2 ? parts[1] : nil
    }

    public var description: String { subID.map { "\(source)/\($0)" } ?? source }

    /// Ids are 1-40 ASCII letters, digits, '-' or '_', so they are safe in files, keys and terminals.
    public static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 40 && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }
}

/// Whether a source buys, in the one vocabulary the CLI, the dashboard and filters share.
public enum SourceStatus: String, Sendable, Hashable, CaseIterable {
    /// Buying from every sub-ID.
    case active
    /// Buying, but some sub-IDs are blocked.
    case partial
    /// Blocked as a whole.
    case blocked

    /// A source's status under its settings.
    public init(_ settings: SourceSettings, subIDs: [SubSource]) {
        if settings.blocked {
            self = .blocked
        } else if subIDs.contains(where: { settings.blockedSubIDs.contains($0.id) }) {
            self = .partial
        } else {
            self = .active
        }
    }

    /// A sub-ID's status: blocked when it or its whole source is.
    public static func of(subID: String, _ settings: SourceSettings) -> SourceStatus {
        settings.isBlocked(subID: subID) ? .blocked : .active
    }

    /// Three letters for tight columns.
    public var short: String {
        switch self {
        case .active: return "ok"
        case .partial: return "prt"
        case .blocked: return "BLK"
        }
    }

    /// What it means, for help screens.
    public var meaning: String {
        switch self {
        case .active: return "buying from every sub-ID"
        case .partial: return "buying, some sub-IDs blocked"
        case .blocked: return "blocked: nothing bought"
        }
    }
}
