import ArgumentParser
import LeadDeckCore
import LeadDeckStore

struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "List traffic sources with their status, priority, purchase mode and today's figures.")

    @OptionGroup var options: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded {
            let store = try options.open()
            let state = try Failure.wrap { () throws(StoreError) in try store.loadState(leads: false) }
            flushNotices(store)
            let desk = state.desk
            let today = desk.metrics.table(.source, window: .today)
            if json {
                writeOut(SourcesListing.json(desk))
                return
            }
            writeOut("Global mode: \(desk.policy.globalMode.rawValue); daily budget \(desk.policy.dailyBudget.formatted); "
                + "\(store.catalog.sources.count) sources. "
                + (desk.metrics.latest.seconds == 0 ? "No leads yet." : "Today = \(desk.policy.clock.format(desk.metrics.latest)) local.") + "\n\n")
            let header = [("id", 6), ("name", 28), ("vertical", 9), ("channel", 13), ("status", 8), ("pri", 3),
                          ("mode", 15), ("bought", 7), ("CPL", 9), ("sub-IDs", 30)]
            writeOut(header.map { Sanitizer.fit($0.0, $0.1) }.joined(separator: " ").trimmingTrailingSpaces + "\n")
            for s in store.catalog.sources {
                let st = desk.policy.settings(for: s.id)
                let c = today[MetricKey(.source, s.id)] ?? Counters()
                let inForce = st.mode.resolved(global: desk.policy.globalMode).rawValue
                let mode = st.mode == .inherit ? inForce : "\(inForce) (own)"
                let subs = s.subIDs.map { st.blockedSubIDs.contains($0.id) ? "\($0.id)[blocked]" : $0.id }.joined(separator: " ")
                let cells = [s.id, s.name, s.vertical.rawValue, s.channel.short, SourceStatus(st, subIDs: s.subIDs).rawValue,
                             "\(st.priority)", mode, "\(c.bought)", MetricsRow(c).cpl?.formatted ?? "-", subs]
                writeOut(zip(cells, header).map { Sanitizer.fit($0.0, $0.1.1) }.joined(separator: " ").trimmingTrailingSpaces + "\n")
            }
        }
    }
}

