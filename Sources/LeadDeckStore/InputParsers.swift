import Foundation
import LeadDeckCore

/// Reads offers from a real exchange, one JSON object per line, with the field names of exchange specs
/// (`lead_id`, `source_id`, `sub_id`, `vertical`, `state`, `postal_code`, `sale_type`, `max_sells`, `price`,
/// `received_at`, `first_name`, `last_name`, `phone`, `email`, `city`).
public enum OfferParser {
    /// The offer on one line, or a message saying which field is wrong.
    public static func parse(_ line: String, now: Timestamp) -> Result<Offer, StoreError> {
        guard let data = line.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: data), let o = obj as? [String: Any] else {
            return .failure(StoreError("not a JSON object"))
        }
        let known: Set<String> = ["lead_id", "source_id", "sub_id", "vertical", "state", "postal_code", "zip", "city",
                                  "sale_type", "max_sells", "price", "price_cents", "received_at", "first_name",
                                  "last_name", "phone", "email", "address", "dob", "ip_address", "trustedform_cert_url",
                                  "leadid_token", "lead_mode"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) && !$0.contains(".") }) {
            return .failure(StoreError("unknown field \"\(Sanitizer.clean(unknown))\""))
        }
        func string(_ k: String, required: Bool = true, max: Int = 200) throws(StoreError) -> String {
            guard let v = o[k], !(v is NSNull) else {
                if required { throw StoreError("missing field \"\(k)\"") }
                return ""
            }
            guard let s = v as? String else { throw StoreError("\(k): expected a string") }
            if required && s.isEmpty { throw StoreError("\(k): must not be empty") }
            if s.count > max { throw StoreError("\(k): longer than \(max) characters") }
            return s
        }
        do throws(StoreError) {
            if (o["lead_mode"] as? String) == "test" { throw StoreError("test lead (lead_mode test) not recorded") }
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
                guard let n = m as? Int, (1...20).contains(n) else { throw StoreError("max_sells: expected a whole number 1-20") }
                maxSells = n
            }
            let price = try parsePrice(o)
            var received = now
            if let r = o["received_at"] {
                if let s = r as? String, let t = Timestamp(iso8601: s) {
                    received = t
                } else if let n = r as? Int {
                    received = Timestamp(seconds: Int64(n))
                } else {
                    throw StoreError("received_at: expected an ISO 8601 time like 2026-11-02T14:05:00Z")
                }
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
    static func parsePrice(_ o: [String: Any]) throws(StoreError) -> Money {
        if let c = o["price_cents"] {
            guard let n = c as? Int, n > 0 else { throw StoreError("price_cents: expected a positive whole number") }
            return Money(cents: Int64(n))
        }
        return try parseDollars(o["price"], field: "price")
    }

    /// A dollar amount given as a JSON number or string, exact to the cent.
    static func parseDollars(_ v: Any?, field: String) throws(StoreError) -> Money {
        guard let v, !(v is NSNull) else { throw StoreError("missing field \"\(field)\"") }
        var text: String
        if let s = v as? String {
            text = s.hasPrefix("$") ? String(s.dropFirst()) : s
        } else if !(v is Bool) || v is Int || v is Double, let n = v as? NSNumber {
            text = n.decimalValue.description
        } else {
            throw StoreError("\(field): expected a dollar amount like 18.50")
        }
        text = text.trimmingCharacters(in: .whitespaces)
        guard let m = Money(decimalString: text), m.cents > 0 else {
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
    public static func parse(_ text: String) -> [(line: Int, result: Result<Disposition, StoreError>)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let firstIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        if lines[firstIndex].trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            return lines.enumerated().compactMap { n, l in
                l.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (n + 1, parseJSON(l))
            }
        }
        let header = splitCSV(lines[firstIndex]).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        guard header.contains("lead_id") else {
            return [(firstIndex + 1, .failure(StoreError("CSV header must name lead_id and outcome (got \(Sanitizer.clean(lines[firstIndex])))")))]
        }
        return lines.enumerated().compactMap { n, l in
            if n <= firstIndex || l.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            let cells = splitCSV(l)
            var dict: [String: Any] = [:]
            for (i, h) in header.enumerated() where i < cells.count && !cells[i].isEmpty { dict[h] = cells[i] }
            if cells.count > header.count { return (n + 1, .failure(StoreError("\(cells.count) fields, header has \(header.count)"))) }
            return (n + 1, build(dict))
        }
    }

    static func parseJSON(_ line: String) -> Result<Disposition, StoreError> {
        guard let d = line.data(using: .utf8), let o = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any] else {
            return .failure(StoreError("not a JSON object"))
        }
        return build(o)
    }

    static func build(_ o: [String: Any]) -> Result<Disposition, StoreError> {
        do throws(StoreError) {
            guard let id = o["lead_id"] as? String, !id.isEmpty else { throw StoreError("missing field \"lead_id\"") }
            let kindText = ((o["outcome"] ?? o["disposition"] ?? o["status"]) as? String)?.lowercased() ?? ""
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
                guard let r = o["reason"] as? String, !r.isEmpty else { throw StoreError("a return needs a \"reason\"") }
                d.reason = String(r.prefix(200))
                if o["refund"] != nil { d.refund = try OfferParser.parseDollars(o["refund"], field: "refund") }
            }
            if let t = o["time"] {
                guard let s = t as? String, let ts = Timestamp(iso8601: s) else { throw StoreError("time: expected ISO 8601") }
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
