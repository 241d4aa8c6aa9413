/// An exact amount of money in integer cents. LeadDeck never stores or sums money as floating point.
///
/// In JSON it reads `{"cents": 1850, "currency": "USD"}`; only US dollars are supported, and any other
/// currency is refused on decode rather than silently mixed into sums.
public struct Money: Sendable, Hashable, Comparable, Codable {
    /// The amount in cents; negative for refunds and losses.
    public var cents: Int64

    /// The only currency LeadDeck accounts in.
    public static let currencyCode = "USD"
    public static let zero = Money(cents: 0)

    public init(cents: Int64) { self.cents = cents }

    /// Whole dollars, for readable literals in tests and seed data.
    public static func dollars(_ d: Int64) -> Money { Money(cents: d * 100) }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func - (a: Money, b: Money) -> Money { Money(cents: a.cents - b.cents) }
    public static func += (a: inout Money, b: Money) { a.cents += b.cents }
    public static func -= (a: inout Money, b: Money) { a.cents -= b.cents }
    public static prefix func - (a: Money) -> Money { Money(cents: -a.cents) }

    /// This amount divided by a count, rounded half away from zero to the cent; nil when the count is zero.
    public func divided(by count: Int64) -> Money? {
        guard count != 0 else { return nil }
        let q = cents / count, r = cents % count
        let roundAway = 2 * abs(r) >= abs(count)
        guard roundAway else { return Money(cents: q) }
        return Money(cents: q + ((cents < 0) != (count < 0) ? -1 : 1))
    }

    /// This amount times a percentage (0...100), rounded down to the cent.
    public func percent(_ p: Int) -> Money { Money(cents: cents * Int64(p) / 100) }

    /// "$1,234.56" or "-$12.00".
    public var formatted: String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        let whole = a / 100, frac = a % 100
        return "\(sign)$\(Self.grouped(whole)).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// "$1,235" without cents, for tight columns.
    public var formattedWhole: String {
        let sign = cents < 0 ? "-" : ""
        let a = (cents.magnitude + 50) / 100
        return "\(sign)$\(Self.grouped(a))"
    }

    public static func grouped(_ n: UInt64) -> String {
        let s = String(n)
        guard s.count > 3 else { return s }
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// Parses a decimal dollar amount such as "18.5", "18.50" or "1200" exactly; nil for anything else
    /// (more than two decimals, signs, exponents, empty text).
    public init?(decimalString text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let wholeText = parts.first, !wholeText.isEmpty,
              wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), wholeText.count <= 13,
              let whole = Int64(wholeText) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.count <= 2, f.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let v = Int64(f) else { return nil }
            fraction = f.count == 1 ? v * 10 : v
        }
        self.cents = whole * 100 + fraction
    }

    enum CodingKeys: String, CodingKey { case cents, currency }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cents = try c.decode(Int64.self, forKey: .cents)
        let currency = try c.decodeIfPresent(String.self, forKey: .currency) ?? Money.currencyCode
        guard currency == Money.currencyCode else {
            throw DecodingError.dataCorruptedError(
                forKey: .currency, in: c, debugDescription: "currency must be USD, got \(currency)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cents, forKey: .cents)
        try c.encode(Money.currencyCode, forKey: .currency)
    }
}
