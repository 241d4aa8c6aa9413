import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// The hand-written decoder gives exactly what `JSONDecoder` gives for what the encoder writes, and defers
/// (nil) on everything else, after which parsing a record still gives `JSONDecoder`'s answer.
@Suite("Event decoding by hand")
struct EventDecoderTests {
    static func encoded(_ e: Event) -> [UInt8] {
        var out: [UInt8] = []
        EventEncoder().encode(e, into: &out)
        return out
    }

    static func plain(_ bytes: [UInt8]) -> Event? { try? JSONDecoder().decode(Event.self, from: Data(bytes)) }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// One record line (`{"seq":1,"crc":…,"e":…}`) around `payload`, with a right checksum.
    static func line(_ payload: [UInt8], seq: Int64 = 1) -> ArraySlice<UInt8> {
        let seqText = Array(String(seq).utf8)
        let crc = CRC32.checksum(payload, start: CRC32.checksum(seqText + [58]))
        return (EventLogCodec.prefix + seqText + EventLogCodec.crcKey + EventLogCodec.hex8(crc) + EventLogCodec.eventKey
                + payload + [125])[...]
    }

    static let offer = Offer(leadID: "L-1", sourceID: "AUT01", subID: "a91", vertical: .autoInsurance, state: "TX",
                             postalCode: "75001", city: "Dallas", saleType: .shared, maxSells: 3, price: Money(cents: 1850),
                             receivedAt: Timestamp(seconds: 1_793_600_000), firstName: "Ann", lastName: "O'Neil",
                             phone: "214-555-0101", email: "ann@example.com")
    static let lead = LeadRef(sourceID: "AUT01", subID: "a91", vertical: .autoInsurance, mode: .exclusive,
                              boughtAt: Timestamp(seconds: 1_793_600_000), price: Money(cents: 4200), state: "TX")
    static let ping = Ping(pingID: "p-1", sourceID: "SOL02", subID: "s1", vertical: .solar, state: "CA", postalCode: "90210",
                           saleType: .exclusive, maxSells: 1, receivedAt: Timestamp(seconds: 1_793_600_100))

    /// The offer with every combination of its contact details (first and last name, phone, e-mail) left out, as a
    /// lead not bought is kept (all four), and as sources send them (some missing), with and without an exchange.
    static var contactVariants: [Offer] {
        (0..<16).flatMap { mask -> [Offer] in
            var o = offer
            o.leadID = "C-\(mask)"
            if mask & 1 != 0 { o.firstName = "" }
            if mask & 2 != 0 { o.lastName = "" }
            if mask & 4 != 0 { o.phone = "" }
            if mask & 8 != 0 { o.email = "" }
            var viaExchange = o
            viaExchange.exchange = "acme"
            viaExchange.pingID = "p-\(mask)"
            return [o, viaExchange]
        }
    }

    @Test func anOfferWithoutContactDetailsIsWrittenWithoutTheirKeysAndReadsBack() {
        let bare = Self.encoded(.offer(OfferEvent(offer: Self.offer.withoutContact, decision: .rejected(.budget), tier: 3)))
        let text = Self.text(bare)
        for key in ["first_name", "last_name", "phone", "email"] { #expect(!text.contains("\"\(key)\""), "\(text)") }
        for kept in [#""city":"Dallas""#, #""postal_code":"75001""#, #""state":"TX""#, #""lead_id":"L-1""#] { #expect(text.contains(kept), "\(text)") }
        let full = Self.encoded(.offer(OfferEvent(offer: Self.offer, decision: .rejected(.budget), tier: 3)))
        #expect(bare.count < full.count - 60)
        for o in Self.contactVariants {
            let e = Event.offer(OfferEvent(offer: o, decision: .rejected(.cap), tier: 2))
            let bytes = Self.encoded(e)
            #expect(EventDecoder.decode(bytes[...]) == e, "\(Self.text(bytes))")
            #expect(Self.plain(bytes) == e, "\(Self.text(bytes))")
        }
        // A record written before contact details were left out (all four there, some empty) still reads.
        let older = #"{"decision":"cap","offer":{"city":"Dallas","email":"","first_name":"Ann","last_name":"","lead_id":"L-9","max_sells":3,"phone":"","postal_code":"75001","price":{"cents":1850,"currency":"USD"},"received_at":1793600000,"sale_type":"shared","source_id":"AUT01","state":"TX","sub_id":"a91","vertical":"auto"},"tier":2,"type":"offer"}"#
        var expected = Self.offer.withoutContact
        expected.leadID = "L-9"
        expected.firstName = "Ann"
        let olderEvent = Event.offer(OfferEvent(offer: expected, decision: .rejected(.cap), tier: 2))
        #expect(EventDecoder.decode(Array(older.utf8)[...]) == olderEvent)
        #expect(Self.plain(Array(older.utf8)) == olderEvent)
    }

    /// Every decision, outcome kind and bid decision, with and without each optional field.
    static var everyKind: [Event] {
        var events: [Event] = []
        let decisions = PurchaseMode.allCases.map(Decision.bought) + RejectReason.allCases.map(Decision.rejected)
        for (n, d) in decisions.enumerated() {
            var o = offer
            o.leadID = "L-\(n)"
            events.append(.offer(OfferEvent(offer: o, decision: d, tier: n % 5 + 1)))
            o.exchange = "acme"
            o.pingID = "p-\(n)"
            o.price = Money(cents: 0)
            o.receivedAt = Timestamp(seconds: -5)
            events.append(.offer(OfferEvent(offer: o, decision: d, tier: 1)))
        }
        events += contactVariants.map { .offer(OfferEvent(offer: $0, decision: .rejected(.cap), tier: 2)) }
        for kind in OutcomeKind.allCases {
            events.append(.outcome(OutcomeEvent(time: Timestamp(seconds: 1_793_700_000), leadID: "L-0", kind: kind, lead: lead)))
            var noState = lead
            noState.state = nil
            events.append(.outcome(OutcomeEvent(time: Timestamp(seconds: 0), leadID: "L-0", kind: kind,
                                                revenue: Money(cents: 25_000), refund: Money(cents: -4200), reason: "wrong number",
                                                lead: noState, exchange: "acme")))
            events.append(.outcome(OutcomeEvent(time: Timestamp(seconds: Int64.max), leadID: "L-0", kind: kind,
                                                refund: Money(cents: Int64.min), lead: lead)))
        }
        var full = ping
        full.exchange = "acme"
        full.floor = Money(cents: 1500)
        for p in [ping, full] {
            events.append(.ping(PingEvent(ping: p, decision: .bid(Money(cents: 3100)), expiresAt: p.receivedAt + 120, tier: 2)))
            events.append(.ping(PingEvent(ping: p, decision: .bid(Money(cents: 3100)), expiresAt: nil, tier: 2)))
            for r in NoBidReason.allCases {
                events.append(.ping(PingEvent(ping: p, decision: .noBid(r), expiresAt: nil, tier: 3)))
            }
        }
        return events
    }

    @Test func everyRecordOfASimulatedLogDecodesAsJSONDecoderDoes() throws {
        let store = try FastPathTests.simulatedStore(hours: 30)
        var payloads: [ArraySlice<UInt8>] = []
        try store.forEachFramed(after: .afterHeader) { payloads.append($0.payload) }
        #expect(payloads.count > 1000)
        let decoder = JSONDecoder()
        var fast = 0
        var kinds: Set<String> = []
        for payload in payloads {
            let plain = try decoder.decode(Event.self, from: Data(payload))
            let mine = EventDecoder.decode(payload)
            switch plain {
            case .offer(let e):
                kinds.insert(e.decision.label)
                #expect(mine == plain, "\(Self.text(Array(payload)))")
            case .outcome(let e):
                kinds.insert(e.kind.rawValue)
                #expect(mine == plain, "\(Self.text(Array(payload)))")
            case .ping:
                #expect(mine == plain, "\(Self.text(Array(payload)))")
            case .policy, .note, .alert:
                #expect(mine == nil)
            }
            if mine != nil { fast += 1 }
        }
        #expect(kinds.isSuperset(of: ["shared", "exclusive", "contacted", "converted", "returned"]), "\(kinds)")
        #expect(fast > payloads.count * 9 / 10)
    }

    @Test func everyDecisionOutcomeAndBidKindDecodesAsJSONDecoderDoes() {
        for e in Self.everyKind {
            let bytes = Self.encoded(e)
            let mine = EventDecoder.decode(bytes[...])
            #expect(mine == e, "\(Self.text(bytes))")
            #expect(mine == Self.plain(bytes), "\(Self.text(bytes))")
        }
    }

    /// An offer's decision is matched as bytes; a spelling with escapes goes the string way, and a label that only
    /// starts like one is no decision: the answer is JSONDecoder's every time.
    @Test func decisionLabelsReadAsBytesOrAsStringsAlike() {
        for decision in [Decision.bought(.shared), .bought(.exclusive)] + RejectReason.allCases.map(Decision.rejected) {
            let text = Self.text(Self.encoded(.offer(OfferEvent(offer: Self.offer, decision: decision, tier: 2))))
            let label = "\"decision\":\"\(decision.label)\""
            #expect(EventDecoder.decode(Array(text.utf8)[...]) == Self.plain(Array(text.utf8)), "\(decision)")
            // The first letter escaped: the same decision, read as a string.
            let first = decision.label.unicodeScalars.first!.value
            let escaped = text.replacingOccurrences(of: label, with: "\"decision\":\"\\u00\(String(first, radix: 16))\(decision.label.dropFirst())\"")
            let mine = EventDecoder.decode(Array(escaped.utf8)[...])
            #expect(mine != nil && mine == Self.plain(Array(escaped.utf8)), "\(escaped)")
            for wrong in [decision.label + "x", String(decision.label.dropLast()), decision.label.uppercased()] {
                let bytes = Array(text.replacingOccurrences(of: label, with: "\"decision\":\"\(wrong)\"").utf8)
                #expect(EventDecoder.decode(bytes[...]) == nil && Self.plain(bytes) == nil, "\(wrong)")
            }
        }
    }

    @Test func stringsWithEscapesUnicodeAndQuotes() {
        let hostile = ["", "O\"Brien \\ the \"great\"", "a/b", "tab\there\r\nnew", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
                       "\u{1B}[31m", "東京", "é e\u{301}", "😀 \u{1F1EB}\u{1F1F7}", "\u{2028}\u{2029}\u{202E}", "\u{FEFF}x",
                       "a very long name that is well past the fifteen bytes a small string holds inline"]
        for s in hostile {
            var o = Self.offer
            o.firstName = s
            o.lastName = s + s
            o.city = s
            o.exchange = s
            let e = Event.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 1))
            let bytes = Self.encoded(e)
            #expect(EventDecoder.decode(bytes[...]) == e, "\(s.debugDescription)")
        }
        // Escapes the encoder does not write but JSON allows, in place of the first name "Ann".
        let template = Self.text(Self.encoded(.offer(OfferEvent(offer: Self.offer, decision: .rejected(.price), tier: 2))))
        let escaped: [(String, String)] = [
            (#"a\/b"#, "a/b"), (#"\u00e9t\u00C9"#, "étÉ"), (#"\u0001\u0000"#, "\u{1}\u{0}"), (#"\uD83D\uDE00!"#, "😀!"),
            (#"\ud83d\ude00"#, "😀"), (#"\u6771\u4eac"#, "東京"), (#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{C}\n\r\t"),
            (#"\u2028"#, "\u{2028}"), (#"\uFFFF"#, "\u{FFFF}"), (#"x\u0022y"#, "x\"y"),
        ]
        for (json, expected) in escaped {
            let bytes = Array(template.replacingOccurrences(of: #""first_name":"Ann""#, with: #""first_name":"\#(json)""#).utf8)
            let mine = EventDecoder.decode(bytes[...])
            guard case .offer(let e) = mine else {
                Issue.record("deferred on \(json)")
                continue
            }
            #expect(e.offer.firstName == expected, "\(json)")
            #expect(mine == Self.plain(bytes), "\(json)")
        }
    }

    /// Variants of an encoder-written record, as text replacements: (what, replace, with).
    static let variants: [(String, String, String)] = [
        ("keys reordered", #"{"decision":"shared","offer":"#, #"{"tier":1,"decision":"shared","offer":"#),
        ("keys reordered inside", #"{"city":"Dallas","email":"ann@example.com""#, #"{"email":"ann@example.com","city":"Dallas""#),
        ("whitespace after a colon", #""decision":"shared""#, #""decision": "shared""#),
        ("whitespace at the end", #""type":"offer"}"#, #""type":"offer"} "#),
        ("a newline inside", #","tier":1"#, ",\n\"tier\":1"),
        ("an unknown field", #","tier":1"#, #","extra":"x","tier":1"#),
        ("an unknown field inside", #""city":"Dallas""#, #""city":"Dallas","county":"Dallas""#),
        ("a null optional", #""email":"ann@example.com""#, #""email":"ann@example.com","exchange":null"#),
        ("a leading zero", #""max_sells":3"#, #""max_sells":03"#),
        ("an exponent", #"{"cents":1850"#, #"{"cents":185e1"#),
        ("a fraction", #","tier":1"#, #","tier":1.0"#),
        ("minus zero", #","tier":1"#, #","tier":-0"#),
        ("a plus sign", #","tier":1"#, #","tier":+1"#),
        ("an out-of-range number", #""received_at":1793600000"#, #""received_at":99999999999999999999"#),
        ("a number as a string", #","tier":1"#, #","tier":"1""#),
        ("another currency", #""currency":"USD""#, #""currency":"EUR""#),
        ("no currency", #","currency":"USD"}"#, "}"),
        ("an unknown decision", #""decision":"shared""#, #""decision":"maybe""#),
        ("an unknown vertical", #""vertical":"auto""#, #""vertical":"boats""#),
        ("an escaped spelling of a vertical", #""vertical":"auto""#, #""vertical":"\u0061uto""#),
        ("a lone high surrogate", #""first_name":"Ann""#, #""first_name":"\uD83DAnn""#),
        ("a lone low surrogate", #""first_name":"Ann""#, #""first_name":"\uDE00""#),
        ("a bad escape", #""first_name":"Ann""#, #""first_name":"\x41""#),
        ("a short unicode escape", #""first_name":"Ann""#, #""first_name":"\u41""#),
        ("a raw control character", #""first_name":"Ann""#, "\"first_name\":\"A\u{1}nn\""),
        ("a raw tab", #""first_name":"Ann""#, "\"first_name\":\"A\tnn\""),
        ("a type that does not match", #""type":"offer"}"#, #""type":"ping"}"#),
        ("a policy-change type", #""type":"offer"}"#, #""type":"policy"}"#),
    ]

    @Test func defersOnWhatTheEncoderNeverWritesAndParseStillGivesJSONDecodersAnswer() {
        let e = Event.offer(OfferEvent(offer: Self.offer, decision: .bought(.shared), tier: 1))
        let text = Self.text(Self.encoded(e))
        var inputs: [(String, [UInt8])] = Self.variants.map { (what, old, new) in
            #expect(text.contains(old), "\(what): the template has no \(old)")
            return (what, Array(text.replacingOccurrences(of: old, with: new).utf8))
        }
        let bytes = Self.encoded(e)
        inputs.append(("truncated", Array(bytes.dropLast())))
        inputs.append(("truncated mid-string", Array(bytes.prefix(40))))
        inputs.append(("empty", []))
        inputs.append(("invalid UTF-8", Array(text.replacingOccurrences(of: "Dallas", with: "Dal\u{FF}as").utf8).map { $0 == 0xC3 ? 0xFF : $0 }))
        inputs.append(("a byte after the end", bytes + [125]))
        inputs.append(("a note", Self.encoded(.note(time: Timestamp(seconds: 1), text: "simulation started"))))
        inputs.append(("a policy change", Self.encoded(.policy(PolicyEvent(time: Timestamp(seconds: 1), actor: "ann",
                                                                           change: .block(source: "AUT01", subID: nil))))))
        var fellBackAndRead = 0
        for (what, input) in inputs {
            #expect(EventDecoder.decode(input[...]) == nil, "\(what): \(Self.text(input))")
            // Through the log codec the fallback decides, so the answer is JSONDecoder's either way.
            let parsed = try? EventLogCodec.parse(Self.line(input), decoder: JSONDecoder()).get()
            #expect(parsed?.1 == Self.plain(input), "\(what)")
            if parsed != nil { fellBackAndRead += 1 }
        }
        // Several of these are JSON that JSONDecoder reads (whitespace, reordered or unknown keys, a null, an
        // exponent, a missing currency, an escaped vertical, a note): the fallback really ran for them.
        #expect(fellBackAndRead >= 7)
        // The untouched record is read fast, for contrast.
        #expect(EventDecoder.decode(bytes[...]) == e)
    }

    /// `EventLogCodec.parse` uses the hand decoder: with a `JSONDecoder` that can read no event (every key it
    /// looks for is renamed), an encoder-written record still parses, and one that needs the fallback does not.
    @Test func parseGoesThroughTheFastPath() throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let blind = JSONDecoder()
        blind.keyDecodingStrategy = .custom { path in Key(stringValue: "unreadable-" + path.last!.stringValue) }
        for e in Self.everyKind {
            let parsed = try EventLogCodec.parse(Self.line(Self.encoded(e), seq: 7), decoder: blind).get()
            #expect(parsed.0 == 7)
            #expect(parsed.1 == e)
        }
        let note = Self.encoded(.note(time: Timestamp(seconds: 1), text: "x"))
        guard case .failure(let why) = EventLogCodec.parse(Self.line(note), decoder: blind) else {
            Issue.record("a note cannot be read fast; the blind JSONDecoder should have failed")
            return
        }
        #expect(why.intact)
    }

    /// The log's scan (what a rebuild and `check --deep` use) gives the same records as decoding every event
    /// with JSONDecoder, including records the fast path defers on, in order.
    @Test func scanMixesFastAndFallbackRecordsInOrder() throws {
        let reordered = Array(#"{"type":"note","text":"hand-written","time":5}"#.utf8)
        var payloads = Self.everyKind.map(Self.encoded)
        payloads.insert(reordered, at: 3)
        payloads.append(Self.encoded(.note(time: Timestamp(seconds: 9), text: "end")))
        var bytes: [UInt8] = []
        for (n, p) in payloads.enumerated() { bytes += Self.line(p, seq: Int64(n + 1)) + [10] }
        let scan = EventLogCodec.scan(bytes, from: .afterHeader, path: "events.jsonl")
        #expect(scan.damage == nil && scan.torn == nil)
        #expect(scan.records.map(\.event) == payloads.map { Self.plain($0)! })
        #expect(scan.records.map(\.seq) == Array(1...Int64(payloads.count)))
    }
}
