import ArgumentParser
import LeadDeckCore
import LeadDeckStore

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the terminal dashboard (the default when no subcommand is given).")

    @OptionGroup var options: StoreOptions

    func run() throws {
        try guarded {
            throw Failure(description: "the dashboard is not built yet (issue 3); use `leaddeck simulate --hours 24` and `leaddeck report` meanwhile")
        }
    }
}
