import Foundation
import Testing
import LeadDeckCore
@testable import LeadDeckStore

@Suite("Input parsers")
struct ParserTests {
    let now = Timestamp(seconds: 1_800_000_000)

    @Test func parsesAnExchangeOffer() throws {
        let line = #"{"lead_id":"X1","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"ca","postal_code":"90001","sale_type":"shared","max_sells":4,"price":18.55,"received_at":"2026-11-02T14:05:00Z","phone":"5550001111"}"#
        let o = try OfferParser.parse(line, now: now).get()
        #expect(o.price == Money(cents: 1855))
        #expect(o.state == "CA" && o.maxSells == 4 && o.receivedAt == Timestamp(iso8601: "2026-11-02T14:05:00Z"))
        let s = try OfferParser.parse(#"{"lead_id":"X2","source_id":"S","vertical":"solar","state":"TX","sale_type":"exclusive","price":"120.10"}"#, now: now).get()
        #expect(s.price == Money(cents: 12010) && s.subID == "default" && s.receivedAt == now)
    }

    @Test func saysWhatIsWrongWithABadOffer() {
        func message(_ line: String) -> String {
            if case .failure(let e) = OfferParser.parse(line, now: now) { return e.description }
            return "accepted"
        }
        let base = #""lead_id":"X","source_id":"S","vertical":"auto","state":"CA","sale_type":"shared""#
        #expect(message("{not json") == "not valid JSON: line 1, column 2: expected a key in double quotes but found 'n'")
        #expect(message("{\(base)}") == "missing field \"price\"")
        #expect(message("{\(base),\"price\":18.555}").contains("at most two decimals"))
        #expect(message("{\(base),\"price\":-3}").contains("positive"))
        #expect(message("{\(base),\"price\":3,\"colour\":\"red\"}") == "unknown field \"colour\"")
        #expect(message("{\(base),\"price\":true}").contains("expected a dollar amount"))
        #expect(message("{\(base),\"price_cents\":true}").contains("price_cents: expected a positive whole number"))
        #expect(message("{\(base),\"price\":3,\"max_sells\":true}").contains("max_sells: expected a whole number"))
        #expect(message("{\(base),\"price\":3,\"received_at\":-9223372036854775808}").contains("more than a year ago or in the future"))
        #expect(message("{\(base),\"price\":3,\"received_at\":\"2999-01-01T00:00:00Z\"}").contains("2999-01-01T00:00:00Z is more than a year ago or in the future"))
        #expect(message("{\(base),\"price\":18.5}") == "accepted")
        #expect(message(#"{"lead_id":"X","source_id":"S","vertical":"boats","state":"CA","sale_type":"shared","price":3}"#).contains("vertical: unknown 'boats'"))
        #expect(message(#"{"lead_id":"X","source_id":"S\u001b[2J","vertical":"auto","state":"CA","sale_type":"shared","price":3}"#).contains("␛"))
    }

    @Test func parsesDispositionsAsCSVAndJSONLines() throws {
        let csv = "lead_id,outcome,revenue,reason\nL1,contacted,,\nL1,sold,\"1,200.00\",\nL2,returned,,\"wrong number\"\nL3,won,,\n"
        let rows = DispositionParser.parse(csv, now: now)
        #expect(rows.count == 4)
        #expect(try rows[0].result.get().kind == .contacted)
        #expect(rows[1].line == 3)
        if case .failure(let e) = rows[1].result { #expect(e.description.contains("revenue")) } else { Issue.record("1,200.00 is not a plain amount") }
        #expect(try rows[2].result.get().reason == "wrong number")
        if case .failure(let e) = rows[3].result { #expect(e.description.contains("unknown 'won'")) } else { Issue.record("accepted 'won'") }
        let jsonl = #"{"lead_id":"L9","outcome":"converted","revenue":540}"# + "\n"
        let j = DispositionParser.parse(jsonl, now: now)
        #expect(try j[0].result.get().revenue == Money(cents: 54000))
    }
}
