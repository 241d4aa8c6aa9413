import ArgumentParser
import LeadDeckCore
import LeadDeckStore

enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print metrics by source, sub-ID, vertical or mode, for the last hour, today or all time.",
        discussion: "Windows are relative to the store's clock (its latest lead or outcome). Outcomes count toward the window their lead was bought in.")

    @OptionGroup var options: StoreOptions
    @Option(help: "table, json or csv.") var format: ReportFormat = .table
    @Option(help: "source, subid, vertical, mode, sourcemode or exchange.") var by: ReportDimension = .source
    @Option(help: "hour, today or all.") var window: Window = .all

    func run() throws {
        try guarded {
            let store = try options.open()
            let state = try Failure.wrap { () throws(StoreError) in try store.loadState(leads: false) }
            flushNotices(store)
            let report = Report(metrics: state.desk.metrics, catalog: store.catalog, dimension: by, window: window)
            switch format {
            case .table: writeOut(report.table())
            case .json: writeOut(report.json())
            case .csv: writeOut(report.csv())
            }
        }
    }
}
