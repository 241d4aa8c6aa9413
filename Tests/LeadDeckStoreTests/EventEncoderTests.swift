import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

@Suite("Event encoding")
struct EventEncoderTests {
    func jsonEncoder(_ e: Event) -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try! enc.encode(e))
    }

    @Test func offersWithAndWithoutContactDetailsMatchJSONEncoderByteForByte() {
        for o in EventDecoderTests.contactVariants {
            for d in [Decision.rejected(.cap), .bought(.shared)] {
                let e = Event.offer(OfferEvent(offer: o, decision: d, tier: 2))
                var mine: [UInt8] = []
                EventEncoder().encode(e, into: &mine)
                #expect(mine == jsonEncoder(e), "\(String(decoding: mine, as: UTF8.self))")
            }
        }
    }

    /// The offer path writes into memory reserved for the longest record it can be: every string made of
    /// characters that each take six bytes escaped, long and short, still matches `JSONEncoder`.
    @Test func offersOfWorstCaseStringsMatchJSONEncoderByteForByte() {
        let o = EventDecoderTests.contactVariants[0]
        for length in [0, 1, 15, 16, 300, 5000] {
            let worst = String(repeating: "\u{1}", count: length)
            var x = o
            x.city = worst
            x.email = worst
            x.firstName = worst + "\"q\\"
            x.lastName = worst
            x.leadID = worst + "L"
            x.phone = worst
            x.postalCode = worst
            x.sourceID = worst
            x.state = worst
            x.subID = worst
            x.exchange = worst
            x.pingID = worst
            x.maxSells = Int.min
            x.price = Money(cents: .min)
            x.receivedAt = Timestamp(seconds: .min)
            let e = Event.offer(OfferEvent(offer: x, decision: .rejected(.duplicate), tier: Int.max))
            var mine: [UInt8] = [7]
            EventEncoder().encode(e, into: &mine)
            #expect(mine == [7] + jsonEncoder(e), "length \(length)")
        }
    }

    @Test func handWrittenJSONMatchesJSONEncoderByteForByte() throws {
        var desk = Desk(catalog: try Store.open(StoreFixture.tempDir(), seedDirectory: StoreFixture.seed).catalog,
                        policy: try StoreFixture.newStore().loadPolicyDocument().policy)
        var sim = MarketSimulator(seed: 11, start: EngineSession.defaultStart)
        var events: [Event] = []
        sim.advance(to: sim.now + 2 * 86_400, catalog: desk.catalog, desk: &desk) { events.append($0) }
        #expect(events.contains { if case .outcome(let o) = $0 { return o.kind == .returned } else { return false } })
        let hostile = "q\"uote\\back/slash\u{1B}[31m\r\n\t\u{8}\u{C}\u{0}\u{7F}\u{9B}\u{202E}東京 \u{2028}"
        var o = events.compactMap { if case .offer(let e) = $0 { return e } else { return nil } }.first!
        o.offer.firstName = hostile
        o.offer.city = hostile
        events.append(.offer(o))
        events.append(.policy(PolicyEvent(time: Timestamp(seconds: 5), actor: hostile, change: .block(source: "AUT01", subID: "x"))))
        // What `serve` records: offers and outcomes from an exchange, pings with and without a bid or floor.
        var fromExchange = o
        fromExchange.offer.exchange = hostile
        fromExchange.offer.pingID = "ping-\(hostile)"
        events.append(.offer(fromExchange))
        if var outcome = events.compactMap({ if case .outcome(let x) = $0 { return x } else { return nil } }).first {
            outcome.exchange = "acme"
            events.append(.outcome(outcome))
        }
        let ping = Ping(pingID: hostile, sourceID: "AUT01", subID: "a91", vertical: .autoInsurance, state: "TX", postalCode: "75001",
                        saleType: .shared, maxSells: 3, receivedAt: Timestamp(seconds: 1_793_600_000))
        var withFloor = ping
        withFloor.floor = Money(cents: 1234)
        withFloor.exchange = hostile
        events.append(.ping(PingEvent(ping: ping, decision: .bid(Money(cents: 4000)), expiresAt: ping.receivedAt + 120, tier: 1)))
        events.append(.ping(PingEvent(ping: withFloor, decision: .noBid(.floor), expiresAt: nil, tier: 4)))
        let encoder = EventEncoder()
        for e in events {
            var mine: [UInt8] = []
            encoder.encode(e, into: &mine)
            #expect(mine == jsonEncoder(e), "\(String(decoding: mine, as: UTF8.self))")
            #expect(try JSONDecoder().decode(Event.self, from: Data(mine)) == e)
        }
    }
}

@Suite("CRC-32")
struct CRC32Tests {
    @Test func knownVectorsAndChaining() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        // Continuing from a prefix's CRC equals the CRC of the whole, at every split point.
        let text = Array("LeadDeck event log record, long enough to cross several eight-byte steps.".utf8)
        for cut in 0...text.count {
            #expect(CRC32.checksum(text[cut...], start: CRC32.checksum(text[..<cut])) == CRC32.checksum(text))
        }
    }
}
