import LeadDeckCore

/// Reads events by hand from exactly the bytes `EventEncoder` writes for offers, outcomes and pings (the bulk of
/// the log), several times faster than `JSONDecoder`. It is strict on purpose: keys in the encoder's sorted order,
/// integers as `String(Int64)` writes them, strings as JSON allows (any escape, `\uXXXX` with surrogate pairs,
/// valid UTF-8). Anything else (other key orders, whitespace, unknown fields, `null`, policy, note and alert
/// events, older formats) gives nil, and the caller decodes with `JSONDecoder`. So its answer is always the one
/// `JSONDecoder` gives, or none: correctness never depends on it.
enum EventDecoder {
    /// The event in `payload`, or nil when it is not exactly in the encoder's format.
    static func decode(_ payload: ArraySlice<UInt8>) -> Event? {
        payload.withUnsafeBufferPointer { decode($0) }
    }

    /// The event in `bytes`, or nil when it is not exactly in the encoder's format.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Event? {
        var r = Reader(bytes)
        guard let event = r.event(), r.i == bytes.count else { return nil }
        return event
    }
}

/// A cursor over one event's bytes. Every method either reads what it expects and moves past it, or returns
/// nil/false (after which the whole decode gives up, so where the cursor is left does not matter).
private struct Reader {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    // MARK: Events

    mutating func event() -> Event? {
        if literal(#"{"decision":"#) {
            guard let label = string() else { return nil }
            return literal(#","offer":"#) ? offer(label) : ping(label)
        }
        if literal(#"{"outcome":{"#) { return outcome() }
        return nil
    }

    /// After `{"decision":"…","offer":`.
    mutating func offer(_ label: String) -> Event? {
        let decision: Decision
        // The order `Event`'s decoder tries them in.
        if let m = PurchaseMode(rawValue: label) {
            decision = .bought(m)
        } else if let r = RejectReason(rawValue: label) {
            decision = .rejected(r)
        } else {
            return nil
        }
        guard literal(#"{"city":"#), let city = string(),
              literal(#","email":"#), let email = string() else { return nil }
        var exchange: String? = nil
        if literal(#","exchange":"#) {
            guard let x = string() else { return nil }
            exchange = x
        }
        guard literal(#","first_name":"#), let firstName = string(),
              literal(#","last_name":"#), let lastName = string(),
              literal(#","lead_id":"#), let leadID = string(),
              literal(#","max_sells":"#), let maxSells = int(),
              literal(#","phone":"#), let phone = string() else { return nil }
        var pingID: String? = nil
        if literal(#","ping_id":"#) {
            guard let x = string() else { return nil }
            pingID = x
        }
        guard literal(#","postal_code":"#), let postalCode = string(),
              literal(#","price":"#), let price = money(),
              literal(#","received_at":"#), let receivedAt = int64(),
              literal(#","sale_type":"#), let saleType = name(Names.modes),
              literal(#","source_id":"#), let sourceID = string(),
              literal(#","state":"#), let state = string(),
              literal(#","sub_id":"#), let subID = string(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal(#"},"tier":"#), let tier = int(),
              literal(#","type":"offer"}"#) else { return nil }
        let offer = Offer(leadID: leadID, sourceID: sourceID, subID: subID, vertical: vertical, state: state,
                          postalCode: postalCode, city: city, saleType: saleType, maxSells: maxSells, price: price,
                          receivedAt: Timestamp(seconds: receivedAt), firstName: firstName, lastName: lastName,
                          phone: phone, email: email, exchange: exchange, pingID: pingID)
        return .offer(OfferEvent(offer: offer, decision: decision, tier: tier))
    }

    /// After `{"decision":"…"`, when `"offer"` does not follow.
    mutating func ping(_ label: String) -> Event? {
        var expiresAt: Timestamp? = nil
        if literal(#","expires_at":"#) {
            guard let t = int64() else { return nil }
            expiresAt = Timestamp(seconds: t)
        }
        guard literal(#","ping":{"#) else { return nil }
        var exchange: String? = nil
        if literal(#""exchange":"#) {
            guard let x = string(), literal(",") else { return nil }
            exchange = x
        }
        var floor: Money? = nil
        if literal(#""floor":"#) {
            guard let f = money(), literal(",") else { return nil }
            floor = f
        }
        guard literal(#""max_sells":"#), let maxSells = int(),
              literal(#","ping_id":"#), let pingID = string(),
              literal(#","postal_code":"#), let postalCode = string(),
              literal(#","received_at":"#), let receivedAt = int64(),
              literal(#","sale_type":"#), let saleType = name(Names.modes),
              literal(#","source_id":"#), let sourceID = string(),
              literal(#","state":"#), let state = string(),
              literal(#","sub_id":"#), let subID = string(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal("}") else { return nil }
        var price: Money? = nil
        if literal(#","price":"#) {
            guard let m = money() else { return nil }
            price = m
        }
        guard literal(#","tier":"#), let tier = int(), literal(#","type":"ping"}"#) else { return nil }
        let decision: BidDecision
        if label == "bid" {
            guard let price else { return nil }
            decision = .bid(price)
        } else if let r = NoBidReason(rawValue: label), price == nil {
            decision = .noBid(r)
        } else {
            return nil
        }
        let ping = Ping(pingID: pingID, sourceID: sourceID, subID: subID, vertical: vertical, state: state,
                        postalCode: postalCode, saleType: saleType, maxSells: maxSells, floor: floor,
                        receivedAt: Timestamp(seconds: receivedAt), exchange: exchange)
        return .ping(PingEvent(ping: ping, decision: decision, expiresAt: expiresAt, tier: tier))
    }

    /// After `{"outcome":{`.
    mutating func outcome() -> Event? {
        var exchange: String? = nil
        if literal(#""exchange":"#) {
            guard let x = string(), literal(",") else { return nil }
            exchange = x
        }
        guard literal(#""kind":"#), let kind = name(Names.outcomeKinds),
              literal(#","lead":{"bought_at":"#), let boughtAt = int64(),
              literal(#","mode":"#), let mode = name(Names.modes),
              literal(#","price":"#), let price = money(),
              literal(#","source_id":"#), let sourceID = string() else { return nil }
        var state: String? = nil
        if literal(#","state":"#) {
            guard let s = string() else { return nil }
            state = s
        }
        guard literal(#","sub_id":"#), let subID = string(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal(#"},"lead_id":"#), let leadID = string() else { return nil }
        var reason: String? = nil, refund: Money? = nil, revenue: Money? = nil
        if literal(#","reason":"#) {
            guard let r = string() else { return nil }
            reason = r
        }
        if literal(#","refund":"#) {
            guard let m = money() else { return nil }
            refund = m
        }
        if literal(#","revenue":"#) {
            guard let m = money() else { return nil }
            revenue = m
        }
        guard literal(#","time":"#), let time = int64(), literal(#"},"type":"outcome"}"#) else { return nil }
        let lead = LeadRef(sourceID: sourceID, subID: subID, vertical: vertical, mode: mode,
                           boughtAt: Timestamp(seconds: boughtAt), price: price, state: state)
        return .outcome(OutcomeEvent(time: Timestamp(seconds: time), leadID: leadID, kind: kind, revenue: revenue,
                                     refund: refund, reason: reason, lead: lead, exchange: exchange))
    }

    // MARK: Values

    /// One of `names`, written as a plain string, matched byte for byte (no String made, no string switch).
    /// Anything else, escaped spellings included, gives nil.
    mutating func name<T>(_ names: [([UInt8], T)]) -> T? {
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var end = start
        while end < p.count, p[end] != UInt8(ascii: "\""), p[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < p.count, p[end] == UInt8(ascii: "\"") else { return nil }
        let text = UnsafeBufferPointer(rebasing: p[start..<end])
        for (bytes, value) in names where bytes.count == text.count && bytes.elementsEqual(text) {
            i = end + 1
            return value
        }
        return nil
    }

    /// `{"cents":N,"currency":"USD"}`, exactly.
    mutating func money() -> Money? {
        guard literal(#"{"cents":"#), let cents = int64(), literal(#","currency":"USD"}"#) else { return nil }
        return Money(cents: cents)
    }

    /// Moves past `s` if the bytes at the cursor are `s`.
    @inline(__always)
    mutating func literal(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard p.count - i >= n else { return false }
        let q = s.utf8Start
        for k in 0..<n where p[i + k] != q[k] { return false }
        i += n
        return true
    }

    mutating func int() -> Int? { int64().flatMap { Int(exactly: $0) } }

    /// An integer as `String(Int64)` writes it: an optional minus, then digits without a leading zero; no
    /// fraction, no exponent, no "-0", nothing out of range. (What follows must be the next literal, so a
    /// fraction or exponent fails there.)
    mutating func int64() -> Int64? {
        let negative = i < p.count && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let start = i
        var v: Int64 = 0  // accumulated as a negative number, so Int64.min fits
        while i < p.count {
            let d = p[i] &- 48
            guard d < 10 else { break }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            v = s
            i += 1
        }
        let digits = i - start
        guard digits > 0, digits == 1 || p[start] != UInt8(ascii: "0") else { return nil }
        if negative { return v == 0 ? nil : v }
        return v == .min ? nil : -v
    }

    /// A JSON string. Without escapes (nearly always) it is made straight from the bytes; raw control characters
    /// and invalid UTF-8, which `JSONDecoder` refuses too, give nil.
    mutating func string() -> String? {
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        var ascii = true
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(rebasing: p[start..<i])
                i += 1
                return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { return escapedString(from: start) }
            if b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    /// The rest of a string that has an escape at the cursor; `start` is just after its opening quote.
    private mutating func escapedString(from start: Int) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(i - start + 32)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            let b = p[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count else { return nil }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    UTF8.encode(scalar) { out.append($0) }
                default: return nil
                }
            case 0..<0x20: return nil
            default:
                out.append(b)
                i += 1
            }
        }
        return nil
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low surrogate that must follow. A lone
    /// surrogate gives nil.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let u = hex4() else { return nil }
        switch u {
        case 0xD800..<0xDC00:
            guard literal(#"\u"#), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00..<0xE000:
            return nil
        default:
            return Unicode.Scalar(u)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard p.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 97...102: d = c - 87
            case 65...70: d = c - 55
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}

/// The raw values of the enums the decoder reads, as bytes.
private enum Names {
    static let modes = PurchaseMode.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let verticals = Vertical.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let outcomeKinds = OutcomeKind.allCases.map { (Array($0.rawValue.utf8), $0) }
}
