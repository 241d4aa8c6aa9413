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
            Self.offer(e, into: &out)
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

    /// An offer event as `JSONEncoder` (sorted keys, slashes as they are) writes it: the bulk of the log, so it
    /// is written into memory reserved on the stack for the longest it can be, then appended at once.
    static func offer(_ e: OfferEvent, into out: inout [UInt8]) {
        let o = e.offer
        let label = e.decision.label
        var strings = o.city.utf8.count + o.email.utf8.count + o.firstName.utf8.count + o.lastName.utf8.count
        strings += o.leadID.utf8.count + o.phone.utf8.count + o.postalCode.utf8.count + o.sourceID.utf8.count
        strings += o.state.utf8.count + o.subID.utf8.count + (o.exchange?.utf8.count ?? 0) + (o.pingID?.utf8.count ?? 0)
        strings += o.saleType.rawValue.utf8.count + o.vertical.rawValue.utf8.count + label.utf8.count
        // Keys, braces and quotes take under 400 bytes, the four numbers 20 each; each string at most six
        // bytes per byte.
        let bound = 512 + 4 * ByteWriter.intBound + 6 * strings
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { buffer in
            var w = ByteWriter(buffer)
            w.literal(#"{"decision":""#)
            var l = label
            l.withUTF8 { w.raw($0) }
            w.literal(#"","offer":{"city":"#)
            w.string(o.city)
            // The contact details only when there are some (`Offer.encode(to:)`).
            if !o.email.isEmpty { w.key("email"); w.string(o.email) }
            if let x = o.exchange { w.key("exchange"); w.string(x) }
            if !o.firstName.isEmpty { w.key("first_name"); w.string(o.firstName) }
            if !o.lastName.isEmpty { w.key("last_name"); w.string(o.lastName) }
            w.key("lead_id"); w.string(o.leadID)
            w.key("max_sells"); w.int(Int64(o.maxSells))
            if !o.phone.isEmpty { w.key("phone"); w.string(o.phone) }
            if let p = o.pingID { w.key("ping_id"); w.string(p) }
            w.key("postal_code"); w.string(o.postalCode)
            w.key("price"); w.money(o.price.cents)
            w.key("received_at"); w.int(o.receivedAt.seconds)
            w.key("sale_type"); w.string(o.saleType.rawValue)
            w.key("source_id"); w.string(o.sourceID)
            w.key("state"); w.string(o.state)
            w.key("sub_id"); w.string(o.subID)
            w.key("vertical"); w.string(o.vertical.rawValue)
            w.literal(#"},"tier":"#)
            w.int(Int64(e.tier))
            w.literal(#","type":"offer"}"#)
            out.append(contentsOf: w.written)
        }
    }

    /// An outcome's fields as `JSONEncoder` (sorted keys) writes them, without the braces around them.
    /// - Parameter escapingSlashes: write `/` as `\/` (`JSONEncoder`'s default, used by the checkpoint; the log
    ///   leaves slashes as they are).
    static func outcomeFields(_ e: OutcomeEvent, escapingSlashes: Bool = false, into out: inout [UInt8]) {
        func key(_ k: StaticString) { Self.key(k, &out) }
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
    private static func key(_ k: StaticString, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        literal(k, &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private func key(_ k: StaticString, _ out: inout [UInt8]) { Self.key(k, &out) }

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
