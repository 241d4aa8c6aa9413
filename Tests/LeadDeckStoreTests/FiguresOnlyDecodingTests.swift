import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// A reader rebuilding only its figures (`loadState(leads: false)`) reads offers without what no figure reads: the
/// lead id, contact details, city and postal code are checked but not made. Everything else is the full reading,
/// and what the full reading refuses, this one refuses too.
@Suite("Decoding offers for figures only")
struct FiguresOnlyDecodingTests {
    /// The event as a figures-only reading should give it: an offer without its details, anything else whole.
    static func withoutDetails(_ e: Event) -> Event {
        guard case .offer(var o) = e else { return e }
        o.offer.leadID = ""
        o.offer.city = ""
        o.offer.postalCode = ""
        o.offer = o.offer.withoutContact
        return .offer(o)
    }

    /// Where `marker` first starts in `bytes`.
    static func find(_ marker: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        return (0...(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    static func decode(_ bytes: [UInt8], figuresOnly: Bool) -> Event? {
        bytes.withUnsafeBufferPointer { EventDecoder.decode($0, strings: ShortStrings(), figuresOnly: figuresOnly) }
    }

    @Test func everyRecordOfASimulatedLogIsTheFullEventWithoutTheDetails() throws {
        let store = try FastPathTests.simulatedStore(hours: 30)
        var payloads: [[UInt8]] = []
        try store.forEachFramed(after: .afterHeader) { payloads.append(Array($0.payload)) }
        #expect(payloads.count > 1000)
        var offers = 0, withContact = 0
        for payload in payloads {
            let full = Self.decode(payload, figuresOnly: false)
            let figures = Self.decode(payload, figuresOnly: true)
            #expect(figures == full.map(Self.withoutDetails), "\(EventDecoderTests.text(payload))")
            if case .offer(let o)? = full {
                offers += 1
                if o.offer.hasContact { withContact += 1 }
            }
        }
        #expect(offers > 1000 && withContact > 100, "\(offers) offers, \(withContact) with contact details")
    }

    /// Every byte value put at every place of each skipped string (lead id, e-mail, names, phone, city, postal
    /// code) of a bought offer, and cut short there: the figures-only reading accepts exactly what the full reading
    /// accepts (control characters, bad escapes, lone surrogates, invalid UTF-8, quotes, strings longer than a word).
    @Test func itRefusesExactlyWhatTheFullReadingRefuses() {
        var offer = EventDecoderTests.offer
        offer.leadID = "L-0123456789abcdef"
        offer.email = "ann.o-neil@example.com"
        offer.city = #"Dallas \ é"#  // an escaped backslash and a non-ASCII letter: the word scan hands it to `string()`
        let base = EventDecoderTests.encoded(.offer(OfferEvent(offer: offer, decision: .bought(.shared), tier: 1)))
        #expect(Self.decode(base, figuresOnly: true) == Self.withoutDetails(Self.decode(base, figuresOnly: false)!))
        let text = EventDecoderTests.text(base)
        var places: [Int] = []
        for key in ["city", "email", "first_name", "last_name", "lead_id", "phone", "postal_code"] {
            let marker = Array("\"\(key)\":\"".utf8)
            guard let at = Self.find(marker, in: base) else {
                Issue.record("no \(key) in \(text)")
                continue
            }
            var k = at + marker.count
            while base[k] != UInt8(ascii: "\"") {
                places.append(k)
                k += 1
            }
            places.append(k)  // the closing quote itself
        }
        var cases = 0, refused = 0
        for place in places {
            for value in 0...255 {
                var bytes = base
                bytes[place] = UInt8(value)
                let full = Self.decode(bytes, figuresOnly: false)
                let figures = Self.decode(bytes, figuresOnly: true)
                #expect(figures == full.map(Self.withoutDetails), "byte \(value) at \(place) of \(text)")
                cases += 1
                if full == nil { refused += 1 }
            }
            // Two bytes: an escape start or a UTF-8 lead byte followed by something else.
            for (a, b) in [(0x5C, 0x75), (0x5C, 0x78), (0xC3, 0x41), (0xE2, 0x82), (0xED, 0xA0), (0xF0, 0x9F)] where place + 1 < base.count {
                var bytes = base
                bytes[place] = UInt8(a)
                bytes[place + 1] = UInt8(b)
                #expect(Self.decode(bytes, figuresOnly: true) == Self.decode(bytes, figuresOnly: false).map(Self.withoutDetails),
                        "bytes \(a) \(b) at \(place)")
            }
            let cut = Array(base[..<place])
            #expect(Self.decode(cut, figuresOnly: true) == nil && Self.decode(cut, figuresOnly: false) == nil)
        }
        #expect(cases > 20_000 && refused > cases / 10, "\(cases) cases, \(refused) refused")
    }
}
