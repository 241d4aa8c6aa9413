/// One line of a report: a slice, its counters, and the metrics derived from them.
public struct ReportRow: Sendable, Hashable {
    public var key: MetricKey
    /// A readable name (the source's name for a source; untrusted text).
    public var name: String
    public var counters: Counters
    public var metrics: MetricsRow { MetricsRow(counters) }
}

/// Builds and prints reports: one row per slice of a dimension, for a window, as a table, JSON or CSV.
public struct Report: Sendable {
    public var dimension: Dimension
    public var window: Window
    public var rows: [ReportRow]
    public var total: Counters
    /// The time the window ends at (the store's latest event).
    public var asOf: Timestamp
    public var clock: LocalClock

    public init(metrics: MetricsBook, catalog: Catalog, dimension: Dimension, window: Window) {
        self.dimension = dimension
        self.window = window
        self.asOf = metrics.latest
        self.clock = metrics.clock
        let names = Dictionary(catalog.sources.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var subNames: [String: String] = [:]
        for s in catalog.sources { for sub in s.subIDs { subNames["\(s.id)/\(sub.id)"] = "\(s.name) · \(sub.name)" } }
        rows = metrics.table(dimension, window: window).map { k, c in
            let name: String
            switch k.dimension {
            case .source: name = names[k.value] ?? k.value
            case .subid: name = subNames[k.value] ?? k.value
            case .sourcemode:
                let parts = k.value.split(separator: "|").map(String.init)
                name = parts.count == 2 ? "\(names[parts[0]] ?? parts[0]) (\(parts[1]))" : k.value
            case .vertical: name = Vertical(rawValue: k.value)?.label ?? k.value
            default: name = k.value
            }
            return ReportRow(key: k, name: name, counters: c)
        }.sorted { ($0.counters.spend, $1.key.value) > ($1.counters.spend, $0.key.value) }
        total = metrics.total(window: window)
    }

    static let headers = ["id", "name", "offered", "bought", "shared", "exclusive", "rejected", "spend", "refunds",
                          "net spend", "CPL", "eff CPL", "contact", "conv", "conv 95% CI", "CPA", "revenue", "ROI",
                          "ROAS", "returns"]

    /// Bid and win rate, for reports on a store fed by pings.
    static let pingHeaders = ["pings", "bid rate", "win rate"]

    static func pingCells(_ c: Counters) -> [String] {
        ["\(c.pinged)", c.bidRate.map { formatPercent($0) } ?? "-", c.winRate.map { formatPercent($0) } ?? "-"]
    }

    static func cells(_ key: String, _ name: String, _ c: Counters) -> [String] {
        let m = MetricsRow(c)
        let ci = m.conversionRate.interval.map { "\(formatPercent($0.low))-\(formatPercent($0.high))" } ?? "-"
        return [key, name, "\(c.offered)", "\(c.bought)", "\(c.boughtShared)", "\(c.boughtExclusive)", "\(c.rejectedTotal)",
                c.spend.formatted, c.refunds.formatted, c.netSpend.formatted, m.cpl?.formatted ?? "-",
                m.effectiveCPL?.formatted ?? "-", m.contactRate.percentText, m.conversionRate.percentText, ci,
                m.cpa?.formatted ?? "-", c.revenue.formatted, m.roi.map { formatPercent($0, sign: true) } ?? "-",
                m.roas.map { formatRatio($0) } ?? "-", m.returnRate.percentText]
    }

    /// A fixed-width text table for people, with a total line and rejections by reason.
    public func table() -> String {
        let title = "LeadDeck report by \(dimension.rawValue), window \(window.rawValue) (as of \(clock.format(asOf)) local)"
        var lines = [title, ""]
        let pings = total.pinged > 0
        let headers = Self.headers + (pings ? Self.pingHeaders : [])
        var body = rows.map { Self.cells($0.key.value, $0.name, $0.counters) + (pings ? Self.pingCells($0.counters) : []) }
        body.append(Self.cells("TOTAL", "", total) + (pings ? Self.pingCells(total) : []))
        let all = [headers] + body
        let widths = headers.indices.map { i in
            min(i == 1 ? 28 : 16, all.map { Sanitizer.width(Sanitizer.clean($0[i])) }.max() ?? 0)
        }
        func render(_ r: [String]) -> String {
            r.indices.map { i in Sanitizer.fit(r[i], widths[i], alignRight: i >= 2) }.joined(separator: "  ")
        }
        lines.append(render(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for (n, r) in body.enumerated() {
            if n == body.count - 1 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
            lines.append(render(r))
        }
        lines.append("")
        let reasons = RejectReason.allCases.map { "\($0.rawValue) \(total.rejected[$0])" }.joined(separator: ", ")
        lines.append("Rejected by reason: \(reasons)")
        lines.append("Outcomes count toward the window their lead was bought in; contact, conversion and return rates are per lead bought.")
        return lines.map { $0.trimmingTrailingSpaces }.joined(separator: "\n") + "\n"
    }

    /// Comma-separated values with a header line; money in cents, rates as fractions.
    public func csv() -> String {
        var header = ["dimension", "id", "name", "offered", "bought_shared", "bought_exclusive"]
        header += RejectReason.allCases.map { "rejected_\($0.rawValue)" }
        header += ["spend_cents", "refund_cents", "net_spend_cents", "revenue_cents", "contacted", "converted", "returned",
                   "cpl_cents", "effective_cpl_cents", "cpa_cents", "contact_rate", "conversion_rate", "conversion_ci_low",
                   "conversion_ci_high", "return_rate", "roi", "roas", "pinged", "bids", "won", "bid_rate", "win_rate"]
        var lines = [header.joined(separator: ",")]
        for r in rows + [ReportRow(key: .total, name: "total", counters: total)] {
            let c = r.counters, m = r.metrics
            var f = [r.key.dimension.rawValue, r.key.value, r.name, "\(c.offered)", "\(c.boughtShared)", "\(c.boughtExclusive)"]
            f += RejectReason.allCases.map { "\(c.rejected[$0])" }
            f += ["\(c.spend.cents)", "\(c.refunds.cents)", "\(c.netSpend.cents)", "\(c.revenue.cents)", "\(c.contacted)",
                  "\(c.converted)", "\(c.returned)", m.cpl.map { "\($0.cents)" } ?? "", m.effectiveCPL.map { "\($0.cents)" } ?? "",
                  m.cpa.map { "\($0.cents)" } ?? "", fraction(m.contactRate.value), fraction(m.conversionRate.value),
                  fraction(m.conversionRate.interval?.low), fraction(m.conversionRate.interval?.high),
                  fraction(m.returnRate.value), fraction(m.roi), fraction(m.roas), "\(c.pinged)", "\(c.bids)", "\(c.won)",
                  fraction(c.bidRate), fraction(c.winRate)]
            lines.append(f.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON document: window, as-of time, rows and total, money as cents with currency.
    public func json() -> String {
        var out = "{\"dimension\":\(jsonString(dimension.rawValue)),\"window\":\(jsonString(window.rawValue)),"
        out += "\"asOf\":\(jsonString(asOf.iso8601)),\"currency\":\"USD\",\"rows\":["
        out += rows.map { rowJSON($0.key, $0.name, $0.counters) }.joined(separator: ",")
        out += "],\"total\":\(rowJSON(.total, "total", total))}\n"
        return out
    }

    func rowJSON(_ key: MetricKey, _ name: String, _ c: Counters) -> String {
        let m = MetricsRow(c)
        var f: [(String, String)] = [("id", jsonString(key.value)), ("name", jsonString(name)), ("offered", "\(c.offered)"),
                                     ("boughtShared", "\(c.boughtShared)"), ("boughtExclusive", "\(c.boughtExclusive)")]
        f.append(("rejected", "{" + RejectReason.allCases.map { "\"\($0.rawValue)\":\(c.rejected[$0])" }.joined(separator: ",") + "}"))
        f += [("spendCents", "\(c.spend.cents)"), ("refundCents", "\(c.refunds.cents)"), ("netSpendCents", "\(c.netSpend.cents)"),
              ("revenueCents", "\(c.revenue.cents)"), ("contacted", "\(c.contacted)"), ("converted", "\(c.converted)"),
              ("returned", "\(c.returned)"), ("cplCents", m.cpl.map { "\($0.cents)" } ?? "null"),
              ("effectiveCplCents", m.effectiveCPL.map { "\($0.cents)" } ?? "null"), ("cpaCents", m.cpa.map { "\($0.cents)" } ?? "null"),
              ("contactRate", jsonNumber(m.contactRate.value)), ("conversionRate", jsonNumber(m.conversionRate.value)),
              ("conversionInterval", m.conversionRate.interval.map { "[\(jsonNumber($0.low)),\(jsonNumber($0.high))]" } ?? "null"),
              ("returnRate", jsonNumber(m.returnRate.value)), ("roi", jsonNumber(m.roi)), ("roas", jsonNumber(m.roas)),
              ("pinged", "\(c.pinged)"), ("bids", "\(c.bids)"), ("won", "\(c.won)"),
              ("bidRate", jsonNumber(c.bidRate)), ("winRate", jsonNumber(c.winRate))]
        return "{" + f.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

func fraction(_ v: Double?) -> String { v.map { String(format6($0)) } ?? "" }
func jsonNumber(_ v: Double?) -> String { v.map { format6($0) } ?? "null" }
/// A number with at most six decimals, valid in JSON and CSV; one too large to write so (10^12 and up) in
/// Swift's shortest exact form, "1e+20", a valid JSON number, rather than trapping in the conversion to Int64.
func format6(_ v: Double) -> String {
    guard v.isFinite else { return "null" }
    let scaled = (v * 1_000_000).rounded()
    guard abs(scaled) < 1e18 else { return "\(v)" }
    let neg = scaled < 0
    let a = Int64(abs(scaled))
    var frac = String(a % 1_000_000)
    frac = String(repeating: "0", count: 6 - frac.count) + frac
    while frac.hasSuffix("0") && frac.count > 1 { frac.removeLast() }
    return "\(neg ? "-" : "")\(a / 1_000_000).\(frac)"
}

/// "2.35x"; a ratio too large to write out (10^16 and up) in short exponent form, "4.6e18x".
public func formatRatio(_ v: Double) -> String {
    guard v.isFinite else { return "-" }
    let hundredths = (v * 100).rounded()
    // Beyond this the conversion to Int64 below would trap.
    guard abs(hundredths) < 1e18 else { return "\(v < 0 ? "-" : "")\(shortExponent(abs(v)))x" }
    let h = Int64(hundredths)
    let frac = h % 100
    return "\(h / 100).\(frac < 10 ? "0" : "")\(frac)x"
}

/// A JSON string literal with everything outside printable ASCII escaped.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value <= 0x9F) || Sanitizer.isUnsafe(u) {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

func csvField(_ s: String) -> String {
    let clean = Sanitizer.clean(s)
    guard clean.contains(",") || clean.contains("\"") else { return clean }
    return "\"" + clean.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

extension String {
    /// The text without spaces at its end (for table lines).
    public var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
