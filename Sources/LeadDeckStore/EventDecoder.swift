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
        var r = JSONBytes.Reader(bytes)
        guard let event = r.event(), r.i == bytes.count else { return nil }
        return event
    }
}

/// Reading events: the offer, outcome and ping shapes over the shared strict reader.
private extension JSONBytes.Reader {
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
}

/// The raw values of the enums the decoder reads, as bytes.
private enum Names {
    static let modes = PurchaseMode.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let verticals = Vertical.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let outcomeKinds = OutcomeKind.allCases.map { (Array($0.rawValue.utf8), $0) }
}
