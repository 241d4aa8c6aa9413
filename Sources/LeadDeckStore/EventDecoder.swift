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
    /// - Parameters:
    ///   - strings: strings read before, for a reader of many events (one thread's).
    ///   - figuresOnly: an offer comes without what no figure reads: its lead id, contact details, city and postal
    ///     code are checked as always but left empty. Only for folding figures (`Desk.apply(_:leadState:)` with
    ///     `leadState: false`), never for an event that is shown, kept or written.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, strings: ShortStrings? = nil, figuresOnly: Bool = false) -> Event? {
        var r = JSONBytes.Reader(bytes, strings: strings, figuresOnly: figuresOnly)
        guard let event = r.event(), r.i == bytes.count else { return nil }
        return event
    }
}

/// Reading events: the offer, outcome and ping shapes over the shared strict reader.
private extension JSONBytes.Reader {
    // MARK: Events

    mutating func event() -> Event? {
        if literal(#"{"decision":"#) {
            // An offer's decision matched as bytes (no String made, no string switch); else as a string.
            let start = i
            if let decision = name(Names.decisions), literal(#","offer":"#) { return offer(decision) }
            i = start
            guard let label = string() else { return nil }
            guard literal(#","offer":"#) else { return ping(label) }
            // As `Event`'s decoder reads it.
            guard let decision = Decision(label: label) else { return nil }
            return offer(decision)
        }
        if literal(#"{"outcome":{"#) { return outcome() }
        return nil
    }

    /// A field the encoder writes only when it has a value: `key`, the value `read` reads, then `then`; or none of
    /// it. `ok` is false when the key is there but what follows does not read (the caller gives up).
    @inline(__always)
    mutating func optionalField<T>(_ key: StaticString, then: StaticString = "", _ read: (inout Self) -> T?) -> (ok: Bool, value: T?) {
        guard literal(key) else { return (true, nil) }
        guard let v = read(&self), literal(then) else { return (false, nil) }
        return (true, v)
    }

    /// After `{"decision":"…","offer":`, the decision read.
    mutating func offer(_ decision: Decision) -> Event? {
        // The contact details are left out of offers not bought (`Offer.encode(to:)`).
        guard literal(#"{"city":"#), let city = detail(recurring: true) else { return nil }
        let email = optionalField(#","email":"#) { $0.detail() }
        let exchange = optionalField(#","exchange":"#) { $0.string() }
        let firstName = optionalField(#","first_name":"#) { $0.detail() }
        let lastName = optionalField(#","last_name":"#) { $0.detail() }
        guard email.ok, exchange.ok, firstName.ok, lastName.ok,
              literal(#","lead_id":"#), let leadID = detail(),
              literal(#","max_sells":"#), let maxSells = int() else { return nil }
        let phone = optionalField(#","phone":"#) { $0.detail() }
        guard phone.ok else { return nil }
        let pingID = optionalField(#","ping_id":"#) { $0.string() }
        guard pingID.ok, literal(#","postal_code":"#), let postalCode = detail(recurring: true),
              literal(#","price":"#), let price = money(),
              literal(#","received_at":"#), let receivedAt = int64(),
              literal(#","sale_type":"#), let saleType = name(Names.modes),
              literal(#","source_id":"#), let sourceID = recurringString(),
              literal(#","state":"#), let state = recurringString(),
              literal(#","sub_id":"#), let subID = recurringString(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal(#"},"tier":"#), let tier = int(),
              literal(#","type":"offer"}"#) else { return nil }
        let offer = Offer(leadID: leadID, sourceID: sourceID, subID: subID, vertical: vertical, state: state,
                          postalCode: postalCode, city: city, saleType: saleType, maxSells: maxSells, price: price,
                          receivedAt: Timestamp(seconds: receivedAt), firstName: firstName.value ?? "",
                          lastName: lastName.value ?? "", phone: phone.value ?? "", email: email.value ?? "",
                          exchange: exchange.value, pingID: pingID.value)
        return .offer(OfferEvent(offer: offer, decision: decision, tier: tier))
    }

    /// After `{"decision":"…"`, when `"offer"` does not follow.
    mutating func ping(_ label: String) -> Event? {
        let expiresAt = optionalField(#","expires_at":"#) { $0.int64() }
        guard expiresAt.ok, literal(#","ping":{"#) else { return nil }
        let exchange = optionalField(#""exchange":"#, then: ",") { $0.string() }
        let floor = optionalField(#""floor":"#, then: ",") { $0.money() }
        guard exchange.ok, floor.ok, literal(#""max_sells":"#), let maxSells = int(),
              literal(#","ping_id":"#), let pingID = string(),
              literal(#","postal_code":"#), let postalCode = string(),
              literal(#","received_at":"#), let receivedAt = int64(),
              literal(#","sale_type":"#), let saleType = name(Names.modes),
              literal(#","source_id":"#), let sourceID = string(),
              literal(#","state":"#), let state = string(),
              literal(#","sub_id":"#), let subID = string(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal("}") else { return nil }
        let price = optionalField(#","price":"#) { $0.money() }
        guard price.ok, literal(#","tier":"#), let tier = int(), literal(#","type":"ping"}"#) else { return nil }
        let decision: BidDecision
        if label == "bid" {
            guard let price = price.value else { return nil }
            decision = .bid(price)
        } else if let r = NoBidReason(rawValue: label), price.value == nil {
            decision = .noBid(r)
        } else {
            return nil
        }
        let ping = Ping(pingID: pingID, sourceID: sourceID, subID: subID, vertical: vertical, state: state,
                        postalCode: postalCode, saleType: saleType, maxSells: maxSells, floor: floor.value,
                        receivedAt: Timestamp(seconds: receivedAt), exchange: exchange.value)
        return .ping(PingEvent(ping: ping, decision: decision, expiresAt: expiresAt.value.map { Timestamp(seconds: $0) }, tier: tier))
    }

    /// After `{"outcome":{`.
    mutating func outcome() -> Event? {
        guard let e = outcomeFields(), literal(#"},"type":"outcome"}"#) else { return nil }
        return .outcome(e)
    }
}

extension JSONBytes.Reader {
    /// An outcome's fields as `EventEncoder.outcomeFields` writes them (slashes escaped or not), without the
    /// braces around them.
    mutating func outcomeFields() -> OutcomeEvent? {
        let exchange = optionalField(#""exchange":"#, then: ",") { $0.string() }
        guard exchange.ok, literal(#""kind":"#), let kind = name(Names.outcomeKinds),
              literal(#","lead":{"bought_at":"#), let boughtAt = int64(),
              literal(#","mode":"#), let mode = name(Names.modes),
              literal(#","price":"#), let price = money(),
              literal(#","source_id":"#), let sourceID = recurringString() else { return nil }
        let state = optionalField(#","state":"#) { $0.recurringString() }
        guard state.ok, literal(#","sub_id":"#), let subID = recurringString(),
              literal(#","vertical":"#), let vertical = name(Names.verticals),
              literal(#"},"lead_id":"#), let leadID = string() else { return nil }
        let reason = optionalField(#","reason":"#) { $0.string() }
        guard reason.ok else { return nil }
        let refund = optionalField(#","refund":"#) { $0.money() }
        guard refund.ok else { return nil }
        let revenue = optionalField(#","revenue":"#) { $0.money() }
        guard revenue.ok, literal(#","time":"#), let time = int64() else { return nil }
        let lead = LeadRef(sourceID: sourceID, subID: subID, vertical: vertical, mode: mode,
                           boughtAt: Timestamp(seconds: boughtAt), price: price, state: state.value)
        return OutcomeEvent(time: Timestamp(seconds: time), leadID: leadID, kind: kind, revenue: revenue.value,
                            refund: refund.value, reason: reason.value, lead: lead, exchange: exchange.value)
    }
}

/// The raw values of the enums the decoder reads, as bytes.
private enum Names {
    static let modes = NameTable(PurchaseMode.allCases.map { ($0.rawValue, $0) })
    static let verticals = NameTable(Vertical.allCases.map { ($0.rawValue, $0) })
    static let outcomeKinds = NameTable(OutcomeKind.allCases.map { ($0.rawValue, $0) })
    /// An offer's decisions as `Decision(label:)` reads them: a purchase mode, then a rejection reason.
    static let decisions = NameTable(PurchaseMode.allCases.map { ($0.rawValue, Decision.bought($0)) }
        + RejectReason.allCases.map { ($0.rawValue, Decision.rejected($0)) })
}
