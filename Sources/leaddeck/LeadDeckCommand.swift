import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

@main
struct LeadDeckCommand: ParsableCommand {
    /// Lets the store options come before the subcommand too (`leaddeck --store DIR report`, `leaddeck keys
    /// --store DIR add NAME`), as global options do in most tools, by moving them after the subcommand's name
    /// (after the innermost one, for commands with their own subcommands).
    static func main() {
        run(movingStoreOptions(Array(CommandLine.arguments.dropFirst())))
    }

    /// `args` with the store options given before (or between) the subcommand names moved after the last name.
    static func movingStoreOptions(_ input: [String]) -> [String] {
        var args = input
        var moved: [String] = []
        var command: ParsableCommand.Type = LeadDeckCommand.self
        var index = 0
        while true {
            while index < args.count, args[index].hasPrefix("--store") || args[index].hasPrefix("--seed-dir") {
                let option = args.remove(at: index)
                moved.append(option)
                if !option.contains("="), index < args.count { moved.append(args.remove(at: index)) }
            }
            guard index < args.count,
                  let sub = command.configuration.subcommands.first(where: { $0._commandName == args[index] }) else { break }
            command = sub
            index += 1
        }
        args.insert(contentsOf: moved, at: index)
        return args
    }

    /// Parses and runs like `ParsableCommand.main`, but every message goes through the sanitiser first: an
    /// argument error quotes the command line, and that must not put raw ESC or BEL on the terminal.
    static func run(_ args: [String]) -> Never {
        do {
            var command = try parseAsRoot(args)
            try command.run()
            Foundation.exit(0)
        } catch {
            let message = fullMessage(for: error)
            let code = exitCode(for: error)
            let safe = message.split(separator: "\n", omittingEmptySubsequences: false)
                .map { Sanitizer.clean(String($0)) }.joined(separator: "\n")
            if !safe.isEmpty {
                if code == .success {
                    FileHandle.standardOutput.write(Data((safe + "\n").utf8))
                } else {
                    FileHandle.standardError.write(Data((safe + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "leaddeck",
        abstract: "A buyer's desk for lead exchanges: watch sources, block the bad, prioritize the good, choose shared or exclusive.",
        discussion: """
            With no subcommand, opens the dashboard on the store, running the embedded simulated exchange.
            The store is --store DIR, else $LEADDECK_STORE, else ./data/store (created from ./data's seed files).
            """,
        subcommands: [Dashboard.self, Simulate.self, ReportCommand.self, SourcesCommand.self, Block.self, Unblock.self,
                      Priority.self, Mode.self, Budget.self, Caps.self, Hours.self, PacingCommand.self, Timezone.self, States.self, HourPrices.self, MaxPrice.self, Dedupe.self, PolicyCommand.self,
                      Ingest.self, Outcomes.self, Log.self, Check.self, Keys.self, Serve.self, ExchangeCommand.self],
        defaultSubcommand: Dashboard.self
    )
}
