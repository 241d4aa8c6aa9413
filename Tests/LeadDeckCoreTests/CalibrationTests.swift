import Foundation
import Testing
@testable import LeadDeckCore

/// The published market ranges of /work/shared/DOMAIN.md ("Market figures (2025)"), as the calibration
/// checks them. A figure DOMAIN.md gives no range for is measured and shown, not checked.
///
/// How the lines of DOMAIN.md combine:
/// - Insurance verticals (auto, home, life, health, Medicare) price by format: a real-time lead (web form,
///   search, social, display, email) $3-20 shared and $10-60 exclusive; a live transfer $25-100+; an inbound
///   call $40-150+. A vertical's own cost-per-lead range narrows the exclusive price (auto $40-65, life
///   $25-125, health $30-150, Medicare $30-100); the auto line narrows the shared price too ($12-25).
/// - Mortgage: shared $30-100, sold to 5+ lenders, 0.5-2% convert (of shared leads bought), $5,000-10,000
///   revenue per funded loan; any mortgage lead $25-250.
/// - Personal injury: shared $25-60 sold to 3-8 firms, under 2% signed (shared), $1,500-3,000 per retainer;
///   any PI lead $100-800, so exclusive is $100-800.
/// - Solar $30-350 per lead.
/// - Exclusive usually costs 2-4x shared; return rates run 8-35%; a shared lead goes to 3-5 buyers (auto 3-8).
/// - Auto exclusive: contact 38-52%, bind 18-25%; auto shared contact 22-35%. A conversion (close) rate is
///   sales / leads bought (DOMAIN.md's metrics table), which is how the Medicare example uses it too.
enum PublishedRanges {
    /// How an insurance lead reaches the buyer; the price ranges differ by format.
    enum Format: String, CaseIterable {
        case realTime = "real-time"
        case liveTransfer = "live transfer"
        case inboundCall = "inbound call"

        init(_ channel: Channel) {
            switch channel {
            case .callTransfer: self = .liveTransfer
            case .inboundCall: self = .inboundCall
            default: self = .realTime
            }
        }
    }

    static let insurance: Set<Vertical> = [.autoInsurance, .homeInsurance, .lifeInsurance, .health, .medicare]

    /// Average price (dollars) of a lead of this vertical, mode and format.
    static func price(_ v: Vertical, _ mode: PurchaseMode, _ format: Format) -> ClosedRange<Double> {
        if insurance.contains(v) {
            switch format {
            case .liveTransfer: return 25...100
            case .inboundCall: return 40...150
            case .realTime: break
            }
            if mode == .shared { return v == .autoInsurance ? 12...20 : 3...20 }
            switch v {
            case .autoInsurance: return 40...60
            case .lifeInsurance: return 25...60
            case .health, .medicare: return 30...60
            default: return 10...60
            }
        }
        switch (v, mode) {
        case (.mortgage, .shared): return 30...100
        case (.mortgage, .exclusive): return 25...250
        case (.legal, .shared): return 25...60
        case (.legal, .exclusive): return 100...800
        case (.solar, _): return 30...350
        default: return 20...100  // home services, not in the demo catalog
        }
    }

    /// Average price of a whole vertical's leads in a mode, whatever their format (only auto has a line).
    static func verticalPrice(_ v: Vertical, _ mode: PurchaseMode) -> ClosedRange<Double>? {
        v == .autoInsurance ? (mode == .shared ? 12...25 : 40...65) : nil
    }

    /// Exclusive price over shared price.
    static let exclusiveOverShared: ClosedRange<Double> = 2...4

    static func contact(_ v: Vertical, _ mode: PurchaseMode) -> ClosedRange<Double>? {
        v == .autoInsurance ? (mode == .shared ? 0.22...0.35 : 0.38...0.52) : nil
    }

    static func conversion(_ v: Vertical, _ mode: PurchaseMode) -> ClosedRange<Double>? {
        switch (v, mode) {
        case (.autoInsurance, .exclusive): return 0.18...0.25
        case (.mortgage, .shared): return 0.005...0.02
        case (.legal, .shared): return 0...0.02
        default: return nil
        }
    }

    static let returnRate: ClosedRange<Double> = 0.08...0.35

    /// Average revenue per sale as the buyer books it (dollars).
    static func saleValue(_ v: Vertical) -> ClosedRange<Double>? {
        switch v {
        case .mortgage: return 5_000...10_000  // the lender's revenue per funded loan, not the loan amount
        case .legal: return 1_500...3_000  // the retainer fee
        default: return nil
        }
    }

    /// Buyers a shared lead is sold to ("5+" for mortgage; the catalog allows at most 10).
    static func legs(_ v: Vertical) -> ClosedRange<Int> {
        switch v {
        case .autoInsurance, .legal: return 3...8
        case .mortgage: return 5...10
        default: return 3...5
        }
    }

    /// DOMAIN.md's Medicare Advantage example: exclusive $38 at 22% close, shared $14 at 6%. An example,
    /// not a range, so it is checked with a tolerance: price within 15%, conversion within a few points.
    static func medicareExample(_ mode: PurchaseMode) -> (price: ClosedRange<Double>, conversion: ClosedRange<Double>) {
        mode == .exclusive ? (32.3...43.7, 0.18...0.26) : (11.9...16.1, 0.04...0.08)
    }
}

/// What a simulated stretch produced for one group of leads (a vertical and mode, maybe one format).
struct MeasuredFigures {
    var bought = 0
    var spend = Money.zero
    var contacted = 0
    var converted = 0
    var returned = 0
    var revenue = Money.zero
    var fewestLegs = Int.max
    var mostLegs = 0

    var averagePrice: Double { Double(spend.cents) / 100 / Double(max(1, bought)) }
    var contactRate: Double { Double(contacted) / Double(max(1, bought)) }
    var conversionRate: Double { Double(converted) / Double(max(1, bought)) }
    var returnRate: Double { Double(returned) / Double(max(1, bought)) }
    var averageSale: Double { Double(revenue.cents) / 100 / Double(max(1, converted)) }
}

/// Runs the demo catalog through the engine, buying everything offered in one mode, and sums up each
/// vertical's figures. Leads count when bought in the first `cohortDays`; their outcomes are followed to the
/// end of the run (returns come within 10 days, and all but a sliver of sales too), so no lead is cut short.
struct CalibrationRun {
    struct Key: Hashable { var vertical: Vertical; var mode: PurchaseMode; var format: PublishedRanges.Format? }

    var figures: [Key: MeasuredFigures] = [:]

    static let start = Timestamp(iso8601: "2026-11-02T05:00:00Z")!

    static func demoCatalog() throws -> Catalog {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/sources.json")
        return try JSONDecoder().decode(Catalog.self, from: Data(contentsOf: url))
    }

    /// A policy that buys every lead of `mode`: every vertical and state, any hour, any price, no caps, no dedupe.
    static func buyEverything(_ mode: PurchaseMode) -> Policy {
        let any = PriceLimit(shared: .dollars(100_000), exclusive: .dollars(100_000))
        return Policy(globalMode: mode, dailyBudget: Policy.maxBudget, dailyCap: nil, hourlyCap: nil,
                      maxPrice: Dictionary(uniqueKeysWithValues: Vertical.allCases.map { ($0.rawValue, any) }),
                      verticals: Vertical.allCases, states: [], hours: nil, clock: LocalClock(utcOffsetMinutes: -300),
                      dedupeWindowDays: 0, sources: [:])
    }

    /// - Parameters:
    ///   - volumeShare: the share of each source's daily volume to simulate (rates and prices do not depend
    ///     on volume; a smaller share keeps a debug-build test quick).
    init(catalog full: Catalog, seed: UInt64, cohortDays: Int, followDays: Int, volumeShare: Double) {
        var catalog = full
        for i in catalog.sources.indices {
            guard var m = catalog.sources[i].market else { continue }
            m.dailyVolume = max(1, Int((Double(m.dailyVolume) * volumeShare).rounded()))
            catalog.sources[i].market = m
        }
        let channel = Dictionary(uniqueKeysWithValues: catalog.sources.map { ($0.id, $0.channel) })
        let cohortEnd = Self.start + Int64(cohortDays) * 86_400
        for mode in PurchaseMode.allCases {
            var desk = Desk(catalog: catalog, policy: Self.buyEverything(mode))
            var sim = MarketSimulator(seed: seed, start: Self.start)
            var figures = self.figures
            func keys(_ v: Vertical, _ m: PurchaseMode, _ source: String) -> [Key] {
                [Key(vertical: v, mode: m, format: nil), Key(vertical: v, mode: m, format: PublishedRanges.Format(channel[source]!))]
            }
            sim.advance(to: cohortEnd + Int64(followDays) * 86_400, catalog: catalog, desk: &desk) { event in
                switch event {
                case .offer(let o):
                    guard case .bought(let m) = o.decision, o.offer.receivedAt < cohortEnd else { return }
                    for k in keys(o.offer.vertical, m, o.offer.sourceID) {
                        figures[k, default: MeasuredFigures()].bought += 1
                        figures[k]!.spend += o.offer.price
                        if m == .shared {
                            figures[k]!.fewestLegs = min(figures[k]!.fewestLegs, o.offer.maxSells)
                            figures[k]!.mostLegs = max(figures[k]!.mostLegs, o.offer.maxSells)
                        }
                    }
                case .outcome(let o):
                    guard o.lead.boughtAt < cohortEnd else { return }
                    for k in keys(o.lead.vertical, o.lead.mode, o.lead.sourceID) {
                        switch o.kind {
                        case .contacted: figures[k]!.contacted += 1
                        case .converted: figures[k]!.converted += 1; figures[k]!.revenue += o.revenue ?? .zero
                        case .returned: figures[k]!.returned += 1
                        }
                    }
                default: break
                }
            }
            self.figures = figures
        }
    }

    /// Every figure outside its published range, as a line naming the vertical, mode, figure and range.
    func problems() -> [String] {
        var out: [String] = []
        func check(_ what: String, _ value: Double, _ range: ClosedRange<Double>?) {
            if let range, !range.contains(value) { out.append("\(what) \(value) outside \(range)") }
        }
        for (k, f) in figures.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let name = "\(k.vertical.rawValue) \(k.mode.rawValue)" + (k.format.map { " \($0.rawValue)" } ?? "")
            // A rate needs a few hundred leads to be judged; an average price (draws within 20% of the
            // source's price) needs far fewer.
            if f.bought < (k.format == nil ? 500 : 100) {
                out.append("\(name): only \(f.bought) leads bought, too few to judge")
                continue
            }
            guard let format = k.format else {
                check("\(name) average price", f.averagePrice, PublishedRanges.verticalPrice(k.vertical, k.mode))
                check("\(name) contact rate", f.contactRate, PublishedRanges.contact(k.vertical, k.mode))
                check("\(name) conversion rate", f.conversionRate, PublishedRanges.conversion(k.vertical, k.mode))
                check("\(name) return rate", f.returnRate, PublishedRanges.returnRate)
                check("\(name) average sale value", f.averageSale, PublishedRanges.saleValue(k.vertical))
                if k.mode == .shared {
                    let legs = PublishedRanges.legs(k.vertical)
                    if !(legs.contains(f.fewestLegs) && legs.contains(f.mostLegs)) {
                        out.append("\(name) sold to \(f.fewestLegs)-\(f.mostLegs) buyers, outside \(legs)")
                    }
                }
                if k.vertical == .medicare {
                    let example = PublishedRanges.medicareExample(k.mode)
                    check("\(name) average price (DOMAIN.md's example)", f.averagePrice, example.price)
                    check("\(name) conversion rate (DOMAIN.md's example)", f.conversionRate, example.conversion)
                }
                continue
            }
            check("\(name) average price", f.averagePrice, PublishedRanges.price(k.vertical, k.mode, format))
            if k.mode == .exclusive, let shared = figures[Key(vertical: k.vertical, mode: .shared, format: format)] {
                check("\(name) price over shared", f.averagePrice / shared.averagePrice, PublishedRanges.exclusiveOverShared)
            }
        }
        return out
    }

    /// The figures as a table, for the README and for whoever tunes the catalog.
    func table() -> String {
        var lines: [String] = []
        for (k, f) in figures.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let name = "\(k.vertical.rawValue) \(k.mode.rawValue)" + (k.format.map { " \($0.rawValue)" } ?? "")
            lines.append(String(format: "%@: %d bought, $%.2f, contact %.1f%%, conversion %.2f%%, returns %.1f%%, sale $%.0f, legs %d-%d",
                                name, f.bought, f.averagePrice, f.contactRate * 100, f.conversionRate * 100,
                                f.returnRate * 100, f.averageSale, f.fewestLegs == .max ? 1 : f.fewestLegs, max(1, f.mostLegs)))
        }
        return lines.joined(separator: "\n")
    }
}

@Suite("Market calibration against DOMAIN.md")
struct CalibrationTests {
    @Test func demoCatalogStaysInsidePublishedRanges() throws {
        // 30 simulated days (720 h) at a quarter of the catalog's volume, in each mode: about 120,000 leads
        // bought, enough for every published rate, in well under a minute in a debug build. Leads bought in
        // the first 20 days count; the last 10 days let their returns and sales arrive.
        // CALIBRATION_SEED and CALIBRATION_VOLUME (a share of the catalog's volume) vary the run, and
        // CALIBRATION_TABLE=1 prints the figures (the README's table comes from them).
        let env = ProcessInfo.processInfo.environment
        let run = CalibrationRun(catalog: try CalibrationRun.demoCatalog(),
                                 seed: env["CALIBRATION_SEED"].flatMap { UInt64($0) } ?? 1, cohortDays: 20,
                                 followDays: 10, volumeShare: env["CALIBRATION_VOLUME"].flatMap { Double($0) } ?? 0.25)
        if env["CALIBRATION_TABLE"] == "1" { print(run.table()) }
        let problems = run.problems()
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The seed itself, source by source: what the audit of issue 10 read first.
    @Test func everySourceIsSeededInsidePublishedRanges() throws {
        var problems: [String] = []
        for s in try CalibrationRun.demoCatalog().sources {
            guard let m = s.market else { continue }
            let format = PublishedRanges.Format(s.channel)
            let shared = Double(m.sharedPrice.cents) / 100, exclusive = Double(m.exclusivePrice.cents) / 100
            if !PublishedRanges.price(s.vertical, .shared, format).contains(shared) { problems.append("\(s.id) shared price \(shared)") }
            if !PublishedRanges.price(s.vertical, .exclusive, format).contains(exclusive) { problems.append("\(s.id) exclusive price \(exclusive)") }
            if !PublishedRanges.exclusiveOverShared.contains(exclusive / shared) { problems.append("\(s.id) exclusive / shared \(exclusive / shared)") }
            let legs = PublishedRanges.legs(s.vertical)
            if !(legs.contains(m.minLegs) && legs.contains(m.maxLegs)) { problems.append("\(s.id) legs \(m.minLegs)-\(m.maxLegs)") }
            if !PublishedRanges.returnRate.contains(m.returnRate) { problems.append("\(s.id) return rate \(m.returnRate)") }
            if let range = PublishedRanges.saleValue(s.vertical), !range.contains(Double(m.saleValue.cents) / 100) {
                problems.append("\(s.id) sale value \(m.saleValue.cents / 100)")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
