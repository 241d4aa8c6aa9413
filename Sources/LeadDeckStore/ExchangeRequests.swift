import LeadDeckCore

/// The bodies an exchange sends to `leaddeck serve`, read as strictly as `ingest` reads a file: invalid UTF-8,
/// malformed JSON, duplicate keys, wrong types and unknown fields are errors that name the field.
public enum ExchangeRequests {
    /// The fields a ping may have; contact data is not among them.
    static let pingFields: Set<String> = ["ping_id", "source_id", "sub_id", "vertical", "state", "postal_code", "zip",
                                          "sale_type", "max_sells", "floor", "floor_cents"]

    /// The fields of a post: an offer's (`OfferParser`), the ping it answers, and other names exchange specs use.
    static let postFields: Set<String> = OfferParser.knownFields.union(["ping_id", "phone_1"])

    /// The ping in a request body; `receivedAt` and `exchange` are the server's to set.
    public static func ping(_ body: [UInt8], now: Timestamp, exchange: String?) -> Result<Ping, StoreError> {
        let o: [String: JSONValue]
        switch object(body, known: pingFields, what: "ping") {
        case .success(let x): o = x
        case .failure(let e): return .failure(e)
        }
        do throws(StoreError) {
            // The offer parser checks ids, vertical, state and sale type the same way as for ingest.
            var fields = o
            fields.removeValue(forKey: "ping_id")
            fields.removeValue(forKey: "floor")
            fields.removeValue(forKey: "floor_cents")
            fields["lead_id"] = .string("ping")
            fields["price_cents"] = .int(1)
            let pingID = try text(o, "ping_id", max: 64)
            let offer = try OfferParser.build(fields, now: now).get()
            var floor: Money?
            if let c = o["floor_cents"] {
                if o["floor"] != nil { throw StoreError("give the floor once (floor or floor_cents)", kind: .badInput) }
                guard case .int(let n) = c, n >= 0, n <= Policy.maxPrice.cents else {
                    throw StoreError("floor_cents: expected a whole number of cents from 0 to \(Policy.maxPrice.cents)", kind: .badInput)
                }
                floor = Money(cents: n)
            } else if let f = o["floor"], f != .null {
                floor = try OfferParser.parseDollars(f, field: "floor")
            }
            return .success(Ping(pingID: pingID, sourceID: offer.sourceID, subID: offer.subID, vertical: offer.vertical,
                                 state: offer.state, postalCode: offer.postalCode, saleType: offer.saleType,
                                 maxSells: offer.maxSells, floor: floor, receivedAt: now, exchange: exchange))
        } catch {
            return .failure(error)
        }
    }

    /// The post in a request body, not yet matched to its ping.
    public static func post(_ body: [UInt8]) -> Result<Post, StoreError> {
        switch object(body, known: postFields, what: "post") {
        case .failure(let e): return .failure(e)
        case .success(var o):
            if let p = o.removeValue(forKey: "phone_1") {
                if o["phone"] != nil { return .failure(StoreError("give the phone once (phone or phone_1)", kind: .badInput)) }
                o["phone"] = p
            }
            var pingID: String?
            if o["ping_id"] != nil {
                do throws(StoreError) { pingID = try text(o, "ping_id", max: 64) } catch { return .failure(error) }
                o.removeValue(forKey: "ping_id")
            }
            return .success(Post(pingID: pingID, fields: o))
        }
    }

    /// The dispositions in a request body: one object, or an array of them (each read on its own, so one bad
    /// entry does not hide the others).
    public static func dispositions(_ body: [UInt8], now: Timestamp) -> Result<[Result<Disposition, StoreError>], StoreError> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            return .failure(StoreError("not valid JSON: \(error.description)", kind: .badInput))
        }
        func one(_ v: JSONValue, _ label: String) -> Result<Disposition, StoreError> {
            guard case .object(let o) = v else { return .failure(StoreError("\(label)expected a JSON object", kind: .badInput)) }
            if let unknown = o.keys.sorted().first(where: { !DispositionParser.knownFields.contains($0) }) {
                return .failure(StoreError("\(label)unknown field \"\(JSONValue.fieldName(unknown))\" (\(DispositionParser.knownList))", kind: .badInput))
            }
            return DispositionParser.build(o, now: now).mapError { StoreError(label + $0.description, kind: .badInput) }
        }
        switch value {
        case .object: return .success([one(value, "")])
        case .array(let items):
            guard !items.isEmpty else { return .failure(StoreError("expected at least one disposition", kind: .badInput)) }
            guard items.count <= 1000 else { return .failure(StoreError("at most 1000 dispositions per request", kind: .badInput)) }
            return .success(items.enumerated().map { one($0.element, "[\($0.offset)] ") })
        default: return .failure(StoreError("expected a JSON object or an array of them", kind: .badInput))
        }
    }

    static func object(_ body: [UInt8], known: Set<String>, what: String) -> Result<[String: JSONValue], StoreError> {
        switch JSONValue.object(body[...]) {
        case .failure(let e): return .failure(e)
        case .success(let o):
            if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
                return .failure(StoreError("unknown field \"\(JSONValue.fieldName(unknown))\" in a \(what)", kind: .badInput))
            }
            return .success(o)
        }
    }

    static func text(_ o: [String: JSONValue], _ k: String, max: Int) throws(StoreError) -> String {
        guard let v = o[k], v != .null else { throw StoreError("missing field \"\(k)\"", kind: .badInput) }
        guard case .string(let s) = v else { throw StoreError("\(k): expected a string", kind: .badInput) }
        guard !s.isEmpty else { throw StoreError("\(k): must not be empty", kind: .badInput) }
        guard s.count <= max, s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw StoreError("\(k): expected at most \(max) printable characters", kind: .badInput)
        }
        return s
    }
}

/// The full lead an exchange posts: for an earlier ping (`pingID`) or direct.
public struct Post: Sendable {
    /// The ping it answers; nil for a direct post.
    public let pingID: String?
    let fields: [String: JSONValue]

    /// The lead id the post gives, if any.
    public var leadID: String? {
        if case .string(let s)? = fields["lead_id"] { return s }
        return nil
    }

    /// The offer to decide. For a ping, fields the post leaves out come from the ping, the price is the bid's, and
    /// the lead id is the ping id unless the post gives one; a field that disagrees with the ping is an error.
    /// A direct post needs every field `ingest` needs.
    public func offer(for bid: PingEvent?, now: Timestamp, exchange: String?) -> Result<Offer, StoreError> {
        var o = fields
        do throws(StoreError) {
            if let bid, let price = bid.decision.price {
                let p = bid.ping
                let pinged: [(String, JSONValue)] = [("source_id", .string(p.sourceID)), ("sub_id", .string(p.subID)),
                                                     ("vertical", .string(p.vertical.rawValue)), ("state", .string(p.state)),
                                                     ("sale_type", .string(p.saleType.rawValue)), ("max_sells", .int(Int64(p.maxSells)))]
                for (k, v) in pinged {
                    if let given = o[k], given != .null {
                        let same: Bool
                        switch (k, given, v) {
                        case ("state", .string(let a), .string(let b)): same = a.uppercased() == b
                        case ("sub_id", .string(let a), .string(let b)): same = (a.isEmpty ? "default" : a) == b
                        default: same = given == v
                        }
                        guard same else { throw StoreError("\(k): differs from ping \(quoted(p.pingID))", kind: .badInput) }
                    } else {
                        o[k] = v
                    }
                }
                if o["postal_code"] == nil && o["zip"] == nil && !p.postalCode.isEmpty { o["postal_code"] = .string(p.postalCode) }
                if o["price"] != nil || o["price_cents"] != nil {
                    let given = try OfferParser.parsePrice(o)
                    guard given == price else {
                        throw StoreError("price: \(given.formatted) differs from the bid of \(price.formatted) on ping \(quoted(p.pingID))", kind: .badInput)
                    }
                }
                o.removeValue(forKey: "price")
                o["price_cents"] = .int(price.cents)
                if o["lead_id"] == nil { o["lead_id"] = .string(p.pingID) }
            }
            o["received_at"] = nil
            var offer = try OfferParser.build(o, now: now).get()
            offer.exchange = exchange
            offer.pingID = bid?.ping.pingID
            return .success(offer)
        } catch {
            return .failure(error)
        }
    }
}
