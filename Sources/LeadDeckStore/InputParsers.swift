import Foundation
import LeadDeckCore

/// A JSON value as it was written: booleans stay booleans and numbers stay numbers, so `"price": true` is
/// an error rather than a dollar.
/// (Parsed by `JSONValue.parse` in StrictJSON.swift.)
enum JSONValue: Equatable, Sendable {
    case null, bool(Bool), int(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// The object on one line of JSON, parsed strictly (invalid UTF-8, duplicate keys and raw control
    /// characters in strings are errors that say where), or what is wrong with it.
    static func object(_ line: ArraySlice<UInt8>) -> Result<[String: JSONValue], StoreError> {
        do {
            switch try JSONValue.parse(line) {
            case .object(let o): return .success(o)
            case .array: return .failure(StoreError("expected a JSON object, got a list", kind: .badInput))
            default: return .failure(StoreError("expected a JSON object", kind: .badInput))
            }
        } catch {
            return .failure(StoreError("not valid JSON: \(error.description)", kind: .badInput))
        }
    }

    /// The field name made safe to show (it came from outside).
    static func fieldName(_ key: String) -> String { Sanitizer.clean(String(key.prefix(40))) }
}

/// Text from outside, quoted and made safe to show in a one-line message.
func quoted(_ s: String) -> String { "'" + Sanitizer.clean(String(s.prefix(40))) + "'" }

/// Times from outside must be plausible: within a year before and a day after the wall clock.
func checkPlausible(_ t: Timestamp, now: Timestamp, field: String) throws(StoreError) {
    guard t.seconds >= now.seconds - 366 * 86_400, t.seconds <= now.seconds + 86_400 else {
        throw StoreError("\(field): \(t.seconds > Int64(-62_135_596_800) && t.seconds < 253_402_300_800 ? t.iso8601 : "\(t.seconds)") is more than a year ago or in the future", kind: .badInput)
    }
}

/// Reads offers from a real exchange, one JSON object per line, with the field names of exchange specs
/// (`lead_id`, `source_id`, `sub_id`, `vertical`, `state`, `postal_code`, `sale_type`, `max_sells`, `price`,
/// `received_at`, `first_name`, `last_name`, `phone`, `email`, `city`).
public enum OfferParser {
    /// The offer on one line of text, or a message saying which field is wrong.
    public static func parse(_ line: String, now: Timestamp) -> Result<Offer, StoreError> {
        parse(Array(line.utf8)[...], now: now)
    }

    /// The offer on one line of bytes, or a message saying which field is wrong.
    public static func parse(_ line: ArraySlice<UInt8>, now: Timestamp) -> Result<Offer, StoreError> {
        switch JSONValue.object(line) {
        case .success(let o):
            if let unknown = o.keys.sorted().first(where: { !knownFields.contains($0) && !$0.contains(".") }) {
                return .failure(StoreError("unknown field \"\(JSONValue.fieldName(unknown))\"", kind: .badInput))
            }
            return build(o, now: now)
        case .failure(let e): return .failure(e)
        }
    }

    /// The fields an offer may have (contact and compliance fields are accepted; only some are kept).
    static let knownFields: Set<String> = ["lead_id", "source_id", "sub_id", "vertical", "state", "postal_code", "zip", "city",
                                           "sale_type", "max_sells", "price", "price_cents", "received_at", "first_name",
                                           "last_name", "phone", "email", "address", "dob", "ip_address", "trustedform_cert_url",
                                           "leadid_token", "lead_mode"]

    /// The offer in a parsed object whose field names were checked.
    static func build(_ o: [String: JSONValue], now: Timestamp) -> Result<Offer, StoreError> {
        func string(_ k: String, required: Bool = true, max: Int = 200) throws(StoreError) -> String {
            guard let v = o[k], v != .null else {
                if required { throw StoreError("missing field \"\(k)\"", kind: .badInput) }
                return ""
            }
            guard case .string(let s) = v else { throw StoreError("\(k): expected a string", kind: .badInput) }
            if required && s.isEmpty { throw StoreError("\(k): must not be empty", kind: .badInput) }
            if s.count > max { throw StoreError("\(k): longer than \(max) characters", kind: .badInput) }
            return s
        }
        do throws(StoreError) {
            if case .string(let mode)? = o["lead_mode"], mode.lowercased() == "test" {
                throw StoreError("test lead (lead_mode test) not recorded", kind: .badInput)
            }
            let leadID = try string("lead_id", max: 64)
            let sourceID = try string("source_id", max: 40)
            guard SourceRef.isValidID(sourceID) else { throw StoreError("source_id: '\(Sanitizer.clean(sourceID))' is not a valid id", kind: .badInput) }
            var subID = try string("sub_id", required: false, max: 40)
            if subID.isEmpty { subID = "default" }
            guard SourceRef.isValidID(subID) else { throw StoreError("sub_id: '\(Sanitizer.clean(subID))' is not a valid id", kind: .badInput) }
            let verticalText = try string("vertical")
            guard let vertical = Vertical(rawValue: verticalText) else {
                throw StoreError("vertical: unknown '\(Sanitizer.clean(verticalText))' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))", kind: .badInput)
            }
            let state = try string("state").uppercased()
            guard state.count == 2, state.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw StoreError("state: expected two letters", kind: .badInput) }
            let saleText = try string("sale_type")
            guard let sale = PurchaseMode(rawValue: saleText) else { throw StoreError("sale_type: expected shared or exclusive", kind: .badInput) }
            var maxSells = sale == .exclusive ? 1 : 4
            if let m = o["max_sells"] {
                guard case .int(let n) = m, (1...20).contains(n) else { throw StoreError("max_sells: expected a whole number 1-20", kind: .badInput) }
                maxSells = Int(n)
            }
            let price = try parsePrice(o)
            var received = now
            if let r = o["received_at"] {
                if case .string(let s) = r, let t = Timestamp(iso8601: s) {
                    received = t
                } else if case .int(let n) = r {
                    received = Timestamp(seconds: n)
                } else if case .string(let s) = r {
                    throw StoreError("received_at: \(quoted(s)) is not an ISO 8601 time like 2026-11-02T14:05:00Z", kind: .badInput)
                } else {
                    throw StoreError("received_at: expected an ISO 8601 time like 2026-11-02T14:05:00Z", kind: .badInput)
                }
                try checkPlausible(received, now: now, field: "received_at")
            }
            let postal = try string("postal_code", required: false, max: 10)
            return .success(Offer(
                leadID: leadID, sourceID: sourceID, subID: subID, vertical: vertical, state: state,
                postalCode: postal.isEmpty ? try string("zip", required: false, max: 10) : postal,
                city: try string("city", required: false), saleType: sale, maxSells: maxSells, price: price,
                receivedAt: received, firstName: try string("first_name", required: false),
                lastName: try string("last_name", required: false), phone: try string("phone", required: false, max: 30),
                email: try string("email", required: false)))
        } catch {
            return .failure(error)
        }
    }

    /// `price` as dollars (a number or a string, at most two decimals) or `price_cents` as a whole number.
    static func parsePrice(_ o: [String: JSONValue]) throws(StoreError) -> Money {
        if let c = o["price_cents"] {
            guard case .int(let n) = c, n > 0, n <= Policy.maxPrice.cents else {
                throw StoreError("price_cents: expected a positive whole number up to \(Policy.maxPrice.cents)", kind: .badInput)
            }
            // Both given: they must agree, or which one the exchange meant is a guess.
            if o["price"] != nil {
                let dollars = try parseDollars(o["price"], field: "price")
                guard dollars.cents == n else {
                    throw StoreError("price \(dollars.formatted) and price_cents \(n) disagree; send one, or both equal", kind: .badInput)
                }
            }
            return Money(cents: n)
        }
        return try parseDollars(o["price"], field: "price")
    }

    /// A dollar amount given as a JSON number or string, exact to the cent.
    static func parseDollars(_ v: JSONValue?, field: String) throws(StoreError) -> Money {
        let text: String
        switch v {
        case nil, .null?: throw StoreError("missing field \"\(field)\"", kind: .badInput)
        case .string(let s)?: text = (s.hasPrefix("$") ? String(s.dropFirst()) : s).trimmingCharacters(in: .whitespaces)
        case .int(let n)?: text = String(n)
        case .number(let d)?:
            // A JSON number with at most two decimals is exactly a whole number of cents.
            let cents = (d * 100).rounded()
            guard d.isFinite, abs(d * 100 - cents) < 1e-6, cents > 0, cents <= Double(Policy.maxPrice.cents) else {
                throw StoreError("\(field): expected a positive dollar amount with at most two decimals, got \(d)", kind: .badInput)
            }
            return Money(cents: Int64(cents))
        default: throw StoreError("\(field): expected a dollar amount like 18.50", kind: .badInput)
        }
        guard let m = Money(decimalString: text), m.cents > 0, m <= Policy.maxPrice else {
            throw StoreError("\(field): expected a positive dollar amount with at most two decimals, got '\(Sanitizer.clean(text))'", kind: .badInput)
        }
        return m
    }
}

/// One disposition from a buyer's CRM: what happened to a bought lead.
public struct Disposition: Sendable, Hashable {
    public var leadID: String
    public var kind: OutcomeKind
    public var revenue: Money?
    public var refund: Money?
    public var reason: String?
    public var time: Timestamp?
}

/// Reads dispositions as CSV (header: lead_id,outcome,revenue,reason[,refund][,time]; RFC 4180 quoting) or
/// JSON Lines with the same field names. `outcome` is contacted, converted (or sold) or returned. LF or CRLF
/// endings and a UTF-8 byte order mark are accepted; invalid UTF-8, duplicate keys and unknown fields are not.
public enum DispositionParser {
    /// The fields a disposition may have (`disposition` and `status` are other names for `outcome`).
    static let knownFields: Set<String> = ["lead_id", "outcome", "disposition", "status", "revenue", "reason", "refund", "time"]
    static let knownList = "known: " + knownFields.sorted().joined(separator: ", ")

    /// Each non-empty line's disposition or the reason it cannot be read, with 1-based line numbers.
    ///
    /// `now` is the time a `time` field is judged against: for a store, the later of its clock and the wall
    /// clock, so a simulated store's own times pass. A time more than a day after it is refused here; one before
    /// the lead's purchase by `Disposition.outcomeEvent`, which also stamps a disposition that has no time.
    public static func parse(_ text: String, now: Timestamp) -> [(line: Int, result: Result<Disposition, StoreError>)] {
        parse(Array(text.utf8), now: now)
    }

    /// Each non-empty line's disposition or the reason it cannot be read, with 1-based line numbers. A bad
    /// CSV header is one failure at its line, and nothing else is read.
    public static func parse(_ bytes: [UInt8], now: Timestamp) -> [(line: Int, result: Result<Disposition, StoreError>)] {
        let lines = InputLines.split(bytes).filter { !$0.isBlank }
        guard let first = lines.first else { return [] }
        if first.bytes.first(where: { $0 != 32 && $0 != 9 }) == UInt8(ascii: "{") {
            return lines.map { ($0.number, parseJSON($0.bytes, now: now)) }
        }
        guard let headerText = InputLines.text(first.bytes) else {
            return [(first.number, .failure(StoreError("CSV header is not valid UTF-8 text", kind: .badInput)))]
        }
        let header = splitCSV(headerText).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        guard header.contains("lead_id") else {
            return [(first.number, .failure(StoreError("CSV header must name lead_id and outcome (got \(Sanitizer.clean(String(headerText.prefix(120)))))", kind: .badInput)))]
        }
        if let unknown = header.first(where: { !knownFields.contains($0) }) {
            return [(first.number, .failure(StoreError("CSV header: unknown column \"\(JSONValue.fieldName(unknown))\" (\(knownList))", kind: .badInput)))]
        }
        if let dup = header.first(where: { h in header.filter { $0 == h }.count > 1 }) {
            return [(first.number, .failure(StoreError("CSV header: column \"\(JSONValue.fieldName(dup))\" appears twice", kind: .badInput)))]
        }
        return lines.dropFirst().map { l in
            guard let text = InputLines.text(l.bytes) else { return (l.number, .failure(StoreError("not valid UTF-8 text", kind: .badInput))) }
            let cells = splitCSV(text)
            if cells.count > header.count { return (l.number, .failure(StoreError("\(cells.count) fields, header has \(header.count)", kind: .badInput))) }
            var dict: [String: JSONValue] = [:]
            for (i, h) in header.enumerated() where i < cells.count && !cells[i].isEmpty { dict[h] = .string(cells[i]) }
            return (l.number, build(dict, now: now))
        }
    }

    static func parseJSON(_ line: ArraySlice<UInt8>, now: Timestamp) -> Result<Disposition, StoreError> {
        switch JSONValue.object(line) {
        case .failure(let e): return .failure(e)
        case .success(let o):
            if let unknown = o.keys.sorted().first(where: { !knownFields.contains($0) }) {
                return .failure(StoreError("unknown field \"\(JSONValue.fieldName(unknown))\" (\(knownList))", kind: .badInput))
            }
            return build(o, now: now)
        }
    }

    static func build(_ o: [String: JSONValue], now: Timestamp) -> Result<Disposition, StoreError> {
        func text(_ k: String) throws(StoreError) -> String? {
            switch o[k] as JSONValue? {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw StoreError("\(k): expected a string", kind: .badInput)
            }
        }
        do throws(StoreError) {
            guard let id = try text("lead_id"), !id.isEmpty else { throw StoreError("missing field \"lead_id\"", kind: .badInput) }
            guard id.count <= 64 else { throw StoreError("lead_id: longer than 64 characters", kind: .badInput) }
            let names = ["outcome", "disposition", "status"].filter { o[$0] != nil }
            if names.count > 1 { throw StoreError("give the outcome once (got \(names.joined(separator: " and ")))", kind: .badInput) }
            var kindText = ""
            for name in ["outcome", "disposition", "status"] {
                if let t = try text(name) { kindText = t.lowercased() }
            }
            let kind: OutcomeKind
            switch kindText {
            case "contacted", "reached": kind = .contacted
            case "converted", "sold", "sale": kind = .converted
            case "returned", "return": kind = .returned
            case "": throw StoreError("missing field \"outcome\" (contacted, converted or returned)", kind: .badInput)
            default: throw StoreError("outcome: unknown '\(Sanitizer.clean(String(kindText.prefix(40))))' (contacted, converted or returned)", kind: .badInput)
            }
            var d = Disposition(leadID: id, kind: kind)
            if kind == .converted { d.revenue = try OfferParser.parseDollars(o["revenue"], field: "revenue") }
            if kind == .returned {
                guard let r = try text("reason"), !r.isEmpty else { throw StoreError("a return needs a \"reason\"", kind: .badInput) }
                d.reason = String(r.prefix(200))
                if o["refund"] != nil { d.refund = try OfferParser.parseDollars(o["refund"], field: "refund") }
            }
            if o["time"] != nil {
                guard let s = try text("time") else { throw StoreError("time: expected an ISO 8601 time like 2026-11-02T14:05:00Z", kind: .badInput) }
                guard let ts = Timestamp(iso8601: s) else {
                    throw StoreError("time: \(quoted(s)) is not an ISO 8601 time like 2026-11-02T14:05:00Z", kind: .badInput)
                }
                // No lower bound here: the lead's purchase time is the real one (a simulated store may be years old).
                guard ts.seconds <= now.seconds + Disposition.futureAllowance else {
                    throw StoreError("time: \(ts.iso8601) is in the future (more than a day after \(now.iso8601))", kind: .badInput)
                }
                d.time = ts
            }
            return .success(d)
        } catch {
            return .failure(error)
        }
    }

    /// Splits one CSV line (RFC 4180): fields in double quotes may hold commas, and `""` inside them is one quote.
    static func splitCSV(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { cur.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    cur.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(cur)
                cur = ""
            } else {
                cur.append(c)
            }
        }
        out.append(cur)
        return out
    }
}

extension Disposition {
    /// How far past the later of the store's clock and the wall clock an outcome's time may be: one day.
    public static let futureAllowance: Int64 = 86_400

    /// The outcome event this disposition makes for a lead the desk bought, or why it cannot apply: an unknown
    /// or already-returned lead, an impossible sequence, a time before the purchase or more than a day after
    /// both clocks, or a refund above the lead's price (a refund gives back at most what was paid).
    ///
    /// A disposition without a time is stamped with the store's clock (`storeClock`, the desk's latest event
    /// time, `desk.metrics.latest`), never earlier than the lead's purchase, so applying it does not move a
    /// simulated store's "today" to the wall clock's day. Only a store with no clock yet (seconds 0) uses
    /// `wallNow`.
    /// - Parameters:
    ///   - leads: the desk's leads.
    ///   - storeClock: the store's clock, `desk.metrics.latest`.
    ///   - wallNow: the wall clock.
    public func outcomeEvent(leads: LeadIndex, storeClock: Timestamp, wallNow: Timestamp) -> Result<OutcomeEvent, StoreError> {
        if let problem = leads.problem(with: kind, leadID: leadID) { return .failure(StoreError(Sanitizer.clean(problem), kind: .badInput)) }
        guard let lead = leads[leadID]?.lead else { return .failure(StoreError("unknown lead id \(Sanitizer.clean(leadID))", kind: .badInput)) }
        if let t = time, t < lead.boughtAt {
            return .failure(StoreError("time \(t.iso8601) is before the lead was bought (\(lead.boughtAt.iso8601))", kind: .badInput))
        }
        let latestAllowed = max(storeClock, wallNow) + Self.futureAllowance
        if let t = time, t > latestAllowed {
            return .failure(StoreError("time: \(t.iso8601) is more than a day after the store's clock (\(storeClock.iso8601)) "
                + "and the wall clock (\(wallNow.iso8601))", kind: .badInput))
        }
        if let r = refund, r > lead.price {
            return .failure(StoreError("refund \(r.formatted) is more than the lead's price \(lead.price.formatted); a refund gives back at most what was paid", kind: .badInput))
        }
        let stamp = time ?? max(storeClock.seconds == 0 ? wallNow : storeClock, lead.boughtAt)
        return .success(OutcomeEvent(time: stamp, leadID: leadID, kind: kind, revenue: revenue,
                                     refund: kind == .returned ? (refund ?? lead.price) : nil, reason: reason, lead: lead))
    }
}
