import ArgumentParser
import LeadDeckCore
import LeadDeckStore

@main
struct LeadDeckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaddeck",
        abstract: "A buyer's desk for lead exchanges: watch sources, block the bad, prioritize the good, choose shared or exclusive.",
        discussion: """
            With no subcommand, opens the dashboard on the store, running the embedded simulated exchange.
            The store is --store DIR, else $LEADDECK_STORE, else ./data/store (created from ./data's seed files).
            """,
        subcommands: [Dashboard.self, Simulate.self, ReportCommand.self, SourcesCommand.self, Block.self, Unblock.self,
                      Priority.self, Mode.self, Ingest.self, Outcomes.self, Log.self, Check.self],
        defaultSubcommand: Dashboard.self
    )
}
