import Testing
import LeadDeckCore
@testable import LeadDeckStore

/// Time fields of offers and outcomes that are not real times are refused, and the message shows what was given.
@Suite("Time fields")
struct TimeFieldTests {
    @Test func impossibleDatesAreRefusedWithTheTextThatWasGiven() {
        let now = Timestamp(seconds: 1_800_000_000)  // 2027-01-15
        let offer = #"{"lead_id":"X","source_id":"S","vertical":"auto","state":"CA","sale_type":"shared","price":3,"received_at":"2026-02-31T10:00:00Z"}"#
        guard case .failure(let e) = OfferParser.parse(offer, now: now) else { Issue.record("Feb 31 accepted"); return }
        #expect(e.description == "received_at: '2026-02-31T10:00:00Z' is not an ISO 8601 time like 2026-11-02T14:05:00Z")
        let outcome = DispositionParser.parse(#"{"lead_id":"L1","outcome":"contacted","time":"2026-02-29T10:00:00+99:99"}"#, now: now)
        #expect { try outcome[0].result.get() } throws: {
            "\($0)" == "time: '2026-02-29T10:00:00+99:99' is not an ISO 8601 time like 2026-11-02T14:05:00Z"
        }
        let hour24 = DispositionParser.parse("lead_id,outcome,time\nL1,contacted,2026-11-02T24:00:00Z\n", now: now)
        #expect { try hour24[0].result.get() } throws: { "\($0)".contains("time: '2026-11-02T24:00:00Z' is not an ISO 8601 time") }
    }
}
