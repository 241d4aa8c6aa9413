import Testing
@testable import LeadDeckCore

@Suite("ISO 8601 times")
struct TimestampParsingTests {
    @Test func everyFormInUseStillParses() {
        let t = Timestamp(iso8601: "2026-11-02T14:05:09Z")!
        #expect(Timestamp(iso8601: "2026-11-02 14:05:09Z") == t)  // a space for the T
        #expect(Timestamp(iso8601: "2026-11-02T14:05:09") == t)  // no zone: UTC
        #expect(Timestamp(iso8601: "2026-11-02T14:05:09.987654Z") == t)  // fractions dropped
        #expect(Timestamp(iso8601: "2026-11-02T09:05:09.5-05:00") == t)
        #expect(Timestamp(iso8601: "2026-11-02T14:05:09+00:00") == t)
        #expect(Timestamp(iso8601: "2026-11-02T14:05:09-00:00") == t)
        #expect(Timestamp(iso8601: "2026-11-02T19:50:09+05:45") == t)  // Nepal
        #expect(Timestamp(iso8601: "2026-11-03T04:05:09+14:00") == t)  // the easternmost offset
        #expect(Timestamp(iso8601: "2026-11-02T02:05:09-12:00") == t)  // the westernmost offset
        #expect(Timestamp(iso8601: "2024-02-29T00:00:00Z") != nil)  // a leap year
        #expect(Timestamp(iso8601: "2000-02-29T00:00:00Z") != nil)  // divisible by 400: a leap year
        #expect(Timestamp(iso8601: "2026-04-30T23:59:59Z") != nil)
        #expect(Timestamp(iso8601: "2026-12-31T23:59:59Z") != nil)
    }

    @Test func everyDayOfTwoYearsRoundTrips() {
        // 2024 (leap) and 2025: each day's own text parses back to that day, so no real date is refused.
        let first = Timestamp.daysFromCivil(2024, 1, 1)
        for day in first..<(first + 366 + 365) {
            let t = Timestamp(seconds: day * 86_400 + 86_399)
            #expect(Timestamp(iso8601: t.iso8601) == t, "\(t.iso8601)")
        }
    }

    @Test func impossibleDatesAndTimesAreRefused() {
        for bad in ["2026-02-31T10:00:00Z", "2026-04-31T10:00:00Z", "2026-06-31T10:00:00Z", "2026-09-31T10:00:00Z",
                    "2026-11-31T10:00:00Z", "2026-02-29T10:00:00Z", "1900-02-29T10:00:00Z", "2026-02-30T10:00:00Z",
                    "2026-01-32T10:00:00Z", "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z", "2026-13-02T14:05:09Z",
                    "2026-11-02T24:00:00Z", "2026-11-02T14:60:00Z", "2026-11-02T14:05:60Z", "2026-11-02T23:59:60Z",
                    "2026-11-02T14:05:09+99:99", "2026-11-02T14:05:09+05:60", "2026-11-02T14:05:09+14:01",
                    "2026-11-02T14:05:09+15:00", "2026-11-02T14:05:09-12:01", "2026-11-02T14:05:09-13:00",
                    "2026-11-02T14:05:09.Z", "2026-11-02T14:05:09.", "2026-11-02T14:05:09Zjunk", "yesterday"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad) was accepted")
        }
    }

    @Test func daysInEachMonth() {
        #expect((1...12).map { Timestamp.daysIn(month: $0, year: 2026) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(Timestamp.daysIn(month: 2, year: 2024) == 29)
        #expect(Timestamp.daysIn(month: 2, year: 2100) == 28)
        #expect(Timestamp.daysIn(month: 2, year: 2000) == 29)
    }
}
