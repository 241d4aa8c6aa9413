import Foundation
import LeadDeckCore

/// A JSON value as it was written: booleans stay booleans and numbers stay numbers, so `"price": true` is
/// an error rather than a dollar.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), int(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The object on one line of JSON, or nil when the line is not a JSON object.
    static func object(_ line: String) -> [String: JSONValue]? {
        guard let data = line.data(using: .utf8), case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return o
    }
}

/// Times from outside must be plausible: within a year before and a day after the wall clock.
func checkPlausible(_ t: Timestamp, now: Timestamp, field: String) throws(StoreError) {
    guard t.seconds >= now.seconds - 366 * 86_400, t.seconds <= now.seconds + 86_400 else {
        throw StoreError("\(field): \(t.seconds > Int64(-62_135_596_800) && t.seconds < 253_402_300_800 ? t.iso8601 : "\(t.seconds)") is more than a year ago or in the future")
    }
}

/// Reads offers from a real exchange, one JSON object per line, with the field names of exchange specs
/// (`lead_id`, `source_id`, `sub_id`, `vertical`, `state`, `postal_code`, `sale_type`, `max_sells`, `price`,
/// `received_at`, `first_name`, `last_name`, `phone`, `email`, `city`).
public enum OfferParser {
    /// The offer on one line, or a message saying which field is wrong.
    public static func parse(_ line: String, now: Timestamp) -> Result<Offer, StoreError> {
        guard let o = JSONValue.object(line) else { return .failure(StoreError("not a JSON object")) }
        let known: Set<String> = ["lead_id", "source_id", "sub_id", "vertical", "state", "postal_code", "zip", "city",
                                  "sale_type", "max_sells", "price", "price_cents", "received_at", "first_name",
                                  "last_name", "phone", "email", "address", "dob", "ip_address", "trustedform_cert_url",
                                  "leadid_token", "lead_mode"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) && !$0.contains(".") }) {
            return .failure(StoreError("unknown field \"\(Sanitizer.clean(unknown))\""))
        }
        func string(_ k: String, required: Bool = true, max: Int = 200) throws(StoreError) -> String {
            guard let v = o[k], v != .null else {
                if required { throw StoreError("missing field \"\(k)\"") }
                return ""
            }
            guard case .string(let s) = v else { throw StoreError("\(k): expected a string") }
            if required && s.isEmpty { throw StoreError("\(k): must not be empty") }
            if s.count > max { throw StoreError("\(k): longer than \(max) characters") }
            return s
        }
        do throws(StoreError) {
            if case .string(let mode)? = o["lead_mode"], mode.lowercased() == "test" {
                throw StoreError("test lead (lead_mode test) not recorded")
            }
            let leadID = try string("lead_id", max: 64)
            let sourceID = try string("source_id", max: 40)
            guard SourceRef.isValidID(sourceID) else { throw StoreError("source_id: '\(Sanitizer.clean(sourceID))' is not a valid id") }
            var subID = try string("sub_id", required: false, max: 40)
            if subID.isEmpty { subID = "default" }
            guard SourceRef.isValidID(subID) else { throw StoreError("sub_id: '\(Sanitizer.clean(subID))' is not a valid id") }
            let verticalText = try string("vertical")
            guard let vertical = Vertical(rawValue: verticalText) else {
                throw StoreError("vertical: unknown '\(Sanitizer.clean(verticalText))' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let state = try string("state").uppercased()
            guard state.count == 2, state.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw StoreError("state: expected two letters") }
            let saleText = try string("sale_type")
            guard let sale = PurchaseMode(rawValue: saleText) else { throw StoreError("sale_type: expected shared or exclusive") }
            var maxSells = sale == .exclusive ? 1 : 4
            if let m = o["max_sells"] {
                guard case .int(let n) = m, (1...20).contains(n) else { throw StoreError("max_sells: expected a whole number 1-20") }
                maxSells = Int(n)
            }
            let price = try parsePrice(o)
            var received = now
            if let r = o["received_at"] {
                if case .string(let s) = r, let t = Timestamp(iso8601: s) {
                    received = t
                } else if case .int(let n) = r {
                    received = Timestamp(seconds: n)
                } else {
                    throw StoreError("received_at: expected an ISO 8601 time like 2026-11-02T14:05:00Z")
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
                throw StoreError("price_cents: expected a positive whole number up to \(Policy.maxPrice.cents)")
            }
            return Money(cents: n)
        }
        return try parseDollars(o["price"], field: "price")
    }

    /// A dollar amount given as a JSON number or string, exact to the cent.
    static func parseDollars(_ v: JSONValue?, field: String) throws(StoreError) -> Money {
        let text: String
        switch v {
        case nil, .null?: throw StoreError("missing field \"\(field)\"")
        case .string(let s)?: text = (s.hasPrefix("$") ? String(s.dropFirst()) : s).trimmingCharacters(in: .whitespaces)
        case .int(let n)?: text = String(n)
        case .number(let d)?:
            // A JSON number with at most two decimals is exactly a whole number of cents.
            let cents = (d * 100).rounded()
            guard d.isFinite, abs(d * 100 - cents) < 1e-6, cents > 0, cents <= Double(Policy.maxPrice.cents) else {
                throw StoreError("\(field): expected a positive dollar amount with at most two decimals, got \(d)")
            }
            return Money(cents: Int64(cents))
        default: throw StoreError("\(field): expected a dollar amount like 18.50")
        }
        guard let m = Money(decimalString: text), m.cents > 0, m <= Policy.maxPrice else {
            throw StoreError("\(field): expected a positive dollar amount with at most two decimals, got '\(Sanitizer.clean(text))'")
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

/// Reads dispositions as CSV (header: lead_id,outcome,revenue,reason[,refund][,time]) or JSON Lines with the
/// same field names. `outcome` is contacted, converted (or sold) or returned.
public enum DispositionParser {
    /// Each non-empty line's disposition or the reason it cannot be read, with 1-based line numbers.
    public static func parse(_ text: String, now: Timestamp) -> [(line: Int, result: Result<Disposition, StoreError>)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let firstIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        if lines[firstIndex].trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            return lines.enumerated().compactMap { n, l in
                l.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (n + 1, parseJSON(l, now: now))
            }
        }
        let header = splitCSV(lines[firstIndex]).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        guard header.contains("lead_id") else {
            return [(firstIndex + 1, .failure(StoreError("CSV header must name lead_id and outcome (got \(Sanitizer.clean(lines[firstIndex])))")))]
        }
        return lines.enumerated().compactMap { n, l in
            if n <= firstIndex || l.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            let cells = splitCSV(l)
            var dict: [String: JSONValue] = [:]
            for (i, h) in header.enumerated() where i < cells.count && !cells[i].isEmpty { dict[h] = .string(cells[i]) }
            if cells.count > header.count { return (n + 1, .failure(StoreError("\(cells.count) fields, header has \(header.count)"))) }
            return (n + 1, build(dict, now: now))
        }
    }

    static func parseJSON(_ line: String, now: Timestamp) -> Result<Disposition, StoreError> {
        guard let o = JSONValue.object(line) else { return .failure(StoreError("not a JSON object")) }
        return build(o, now: now)
    }

    static func build(_ o: [String: JSONValue], now: Timestamp) -> Result<Disposition, StoreError> {
        func text(_ k: String) -> String? { if case .string(let s)? = o[k] { return s } else { return nil } }
        do throws(StoreError) {
            guard let id = text("lead_id"), !id.isEmpty else { throw StoreError("missing field \"lead_id\"") }
            let kindText = (text("outcome") ?? text("disposition") ?? text("status"))?.lowercased() ?? ""
            let kind: OutcomeKind
            switch kindText {
            case "contacted", "reached": kind = .contacted
            case "converted", "sold", "sale": kind = .converted
            case "returned", "return": kind = .returned
            case "": throw StoreError("missing field \"outcome\" (contacted, converted or returned)")
            default: throw StoreError("outcome: unknown '\(Sanitizer.clean(kindText))' (contacted, converted or returned)")
            }
            var d = Disposition(leadID: id, kind: kind)
            if kind == .converted { d.revenue = try OfferParser.parseDollars(o["revenue"], field: "revenue") }
            if kind == .returned {
                guard let r = text("reason"), !r.isEmpty else { throw StoreError("a return needs a \"reason\"") }
                d.reason = String(r.prefix(200))
                if o["refund"] != nil { d.refund = try OfferParser.parseDollars(o["refund"], field: "refund") }
            }
            if o["time"] != nil {
                guard let s = text("time"), let ts = Timestamp(iso8601: s) else { throw StoreError("time: expected ISO 8601") }
                try checkPlausible(ts, now: now, field: "time")
                d.time = ts
            }
            return .success(d)
        } catch {
            return .failure(error)
        }
    }

    /// Splits one CSV line, honouring double quotes.
    static func splitCSV(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false } else { cur.append(c) }
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
