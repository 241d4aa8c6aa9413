import Foundation
import LeadDeckCore

/// Writes events as JSON by hand, byte for byte what `JSONEncoder` would produce for offers and outcomes
/// (the bulk of the log) but several times faster; the rare policy and note events go through `JSONEncoder`.
/// The format is the same either way, and `Event`'s `Decodable` reads both.
struct EventEncoder {
    private let fallback: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func encode(_ event: Event, into out: inout [UInt8]) {
        switch event {
        case .offer(let e):
            Self.literal(#"{"decision":""#, &out)
            out.append(contentsOf: e.decision.label.utf8)
            Self.literal(#"","offer":{"city":"#, &out)
            let o = e.offer
            string(o.city, &out)
            // The contact details only when there are some (`Offer.encode(to:)`).
            if !o.email.isEmpty { key("email", &out); string(o.email, &out) }
            if let x = o.exchange { key("exchange", &out); string(x, &out) }
            if !o.firstName.isEmpty { key("first_name", &out); string(o.firstName, &out) }
            if !o.lastName.isEmpty { key("last_name", &out); string(o.lastName, &out) }
            key("lead_id", &out); string(o.leadID, &out)
            key("max_sells", &out); int(Int64(o.maxSells), &out)
            if !o.phone.isEmpty { key("phone", &out); string(o.phone, &out) }
            if let p = o.pingID { key("ping_id", &out); string(p, &out) }
            key("postal_code", &out); string(o.postalCode, &out)
            key("price", &out); money(o.price, &out)
            key("received_at", &out); int(o.receivedAt.seconds, &out)
            key("sale_type", &out); string(o.saleType.rawValue, &out)
            key("source_id", &out); string(o.sourceID, &out)
            key("state", &out); string(o.state, &out)
            key("sub_id", &out); string(o.subID, &out)
            key("vertical", &out); string(o.vertical.rawValue, &out)
            Self.literal(#"},"tier":"#, &out)
            int(Int64(e.tier), &out)
            Self.literal(#","type":"offer"}"#, &out)
        case .outcome(let e):
            Self.literal(#"{"outcome":{"#, &out)
            Self.outcomeFields(e, into: &out)
            Self.literal(#"},"type":"outcome"}"#, &out)
        case .ping(let e):
            Self.literal(#"{"decision":""#, &out)
            out.append(contentsOf: e.decision.label.utf8)
            out.append(UInt8(ascii: "\""))
            if let t = e.expiresAt { key("expires_at", &out); int(t.seconds, &out) }
            Self.literal(#","ping":{"#, &out)
            let p = e.ping
            if let x = p.exchange { Self.literal(#""exchange":"#, &out); string(x, &out); out.append(UInt8(ascii: ",")) }
            if let f = p.floor { Self.literal(#""floor":"#, &out); money(f, &out); out.append(UInt8(ascii: ",")) }
            Self.literal(#""max_sells":"#, &out); int(Int64(p.maxSells), &out)
            key("ping_id", &out); string(p.pingID, &out)
            key("postal_code", &out); string(p.postalCode, &out)
            key("received_at", &out); int(p.receivedAt.seconds, &out)
            key("sale_type", &out); string(p.saleType.rawValue, &out)
            key("source_id", &out); string(p.sourceID, &out)
            key("state", &out); string(p.state, &out)
            key("sub_id", &out); string(p.subID, &out)
            key("vertical", &out); string(p.vertical.rawValue, &out)
            out.append(UInt8(ascii: "}"))
            if let price = e.decision.price { key("price", &out); money(price, &out) }
            key("tier", &out); int(Int64(e.tier), &out)
            Self.literal(#","type":"ping"}"#, &out)
        case .policy, .note, .alert:
            out += [UInt8](try! fallback.encode(event))
        }
    }

    /// An outcome's fields as `JSONEncoder` (sorted keys) writes them, without the braces around them.
    /// - Parameter escapingSlashes: write `/` as `\/` (`JSONEncoder`'s default, used by the checkpoint; the log
    ///   leaves slashes as they are).
    static func outcomeFields(_ e: OutcomeEvent, escapingSlashes: Bool = false, into out: inout [UInt8]) {
        func key(_ k: StaticString) {
            out.append(UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ s: String) { JSONBytes.string(s, &out, escapingSlashes: escapingSlashes) }
        func money(_ m: Money) {
            Self.literal(#"{"cents":"#, &out)
            JSONBytes.int(m.cents, &out)
            Self.literal(#","currency":"USD"}"#, &out)
        }
        if let x = e.exchange {
            Self.literal(#""exchange":"#, &out); string(x)
            key("kind")
        } else {
            Self.literal(#""kind":"#, &out)
        }
        string(e.kind.rawValue)
        key("lead")
        let l = e.lead
        Self.literal(#"{"bought_at":"#, &out); JSONBytes.int(l.boughtAt.seconds, &out)
        key("mode"); string(l.mode.rawValue)
        key("price"); money(l.price)
        key("source_id"); string(l.sourceID)
        if let s = l.state { key("state"); string(s) }
        key("sub_id"); string(l.subID)
        key("vertical"); string(l.vertical.rawValue)
        out.append(UInt8(ascii: "}"))
        key("lead_id"); string(e.leadID)
        if let r = e.reason { key("reason"); string(r) }
        if let r = e.refund { key("refund"); money(r) }
        if let r = e.revenue { key("revenue"); money(r) }
        key("time"); JSONBytes.int(e.time.seconds, &out)
    }

    /// `,"k":` (a literal's bytes are copied as they are, without going through `String`).
    private func key(_ k: StaticString, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private func int(_ v: Int64, _ out: inout [UInt8]) { JSONBytes.int(v, &out) }

    /// Appends a literal's bytes as they are (a `String`'s UTF-8 view would be copied through `String`).
    static func literal(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private func money(_ m: Money, _ out: inout [UInt8]) {
        Self.literal(#"{"cents":"#, &out)
        int(m.cents, &out)
        Self.literal(#","currency":"USD"}"#, &out)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    private func string(_ s: String, _ out: inout [UInt8]) { JSONBytes.string(s, &out) }
}
