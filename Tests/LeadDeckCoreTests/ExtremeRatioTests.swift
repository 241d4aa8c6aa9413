import Foundation
import Testing
@testable import LeadDeckCore

/// Ratios of money can be astronomically large (revenue on a one-cent net spend); printing them must never trap.
@Suite("Extreme ratios")
struct ExtremeRatioTests {
    @Test func saturatingConversionNeverTraps() {
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: .infinity) == .max)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int64(saturating: 1e300) == .max)
        #expect(Int64(saturating: -1e300) == .min)
        #expect(Int64(saturating: 0x1p63) == .max)
        #expect(Int64(saturating: -0x1p63) == .min)
        #expect(Int64(saturating: 12.9) == 12)
        #expect(Int64(saturating: -12.9) == -12)
    }

    @Test func formattersShowHugeValuesInsteadOfTrapping() {
        #expect(formatPercent(1e17, sign: true) == "+1.0e19%")
        #expect(formatPercent(-1e300) == "-1.0e302%")
        #expect(formatPercent(.greatestFiniteMagnitude) == "1.8e310%")
        #expect(formatPercent(4.6e18, sign: true) == "+4.6e20%")
        #expect(formatPercent(9.96e16) == "1.0e19%")
        #expect(formatPercent(0.123) == "12.3%")
        #expect(formatPercent(.nan) == "-")
        #expect(formatRatio(1e17) == "1.0e17x")
        #expect(formatRatio(-2.5e300) == "-2.5e300x")
        #expect(formatRatio(2.5) == "2.50x")
        #expect(jsonNumber(1e13) == "10000000000000.0")
        #expect(jsonNumber(-1e300) == "-1e+300")
        #expect(jsonNumber(0.25) == "0.25")
        #expect(jsonNumber(.infinity) == "null")
    }

    /// A report whose rows have (a) $90,000,000 of revenue on $0.01 of spend, (b) no spend at all and (c) revenue
    /// of half of Int64's range on one cent, in every output format.
    @Test func reportsWithExtremeRatiosPrint() throws {
        func counters(spend: Int64, revenue: Int64) -> Counters {
            var c = Counters()
            c.boughtShared = 1
            c.converted = 1
            c.spend = Money(cents: spend)
            c.revenue = Money(cents: revenue)
            return c
        }
        var report = Report(metrics: MetricsBook(clock: LocalClock(utcOffsetMinutes: 0)), catalog: Catalog(sources: [], buyer: BuyerProfile(speed: 0.5, brand: 0.5)),
                            dimension: .source, window: .all)
        report.rows = [ReportRow(key: MetricKey(.source, "S1"), name: "ninety million", counters: counters(spend: 1, revenue: 9_000_000_000)),
                       ReportRow(key: MetricKey(.source, "S2"), name: "free", counters: counters(spend: 0, revenue: 5_000)),
                       ReportRow(key: MetricKey(.source, "S3"), name: "absurd", counters: counters(spend: 1, revenue: Int64.max / 2))]
        report.total = counters(spend: 1, revenue: Int64.max / 2)
        let table = report.table()
        #expect(table.contains("+899999999900.0%"))  // $90M on a cent: exact
        #expect(table.contains("+4.6e20%") && table.contains("4.6e18x"))
        let csv = report.csv()
        #expect(csv.split(separator: "\n").count == 5)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect((rows[0]["roi"] as? Double) == 8_999_999_999)
        #expect(rows[1]["roi"] is NSNull)
        #expect(((rows[2]["roi"] as? Double) ?? 0) > 4e18)
    }
}
