import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

@main
struct LeadDeckCommand: ParsableCommand {
    /// Lets the store options come before the subcommand too (`leaddeck --store DIR report`), as global
    /// options do in most tools, by moving them after it.
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        let names = Set(configuration.subcommands.map { $0._commandName })
        var moved: [String] = []
        while let first = args.first, first.hasPrefix("--store") || first.hasPrefix("--seed-dir") {
            moved.append(args.removeFirst())
            if !first.contains("="), let value = args.first { moved.append(value); args.removeFirst() }
        }
        if !moved.isEmpty, let first = args.first, names.contains(first) {
            args.insert(contentsOf: moved, at: 1)
        } else {
            args.insert(contentsOf: moved, at: 0)
        }
        run(args)
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
                      Priority.self, Mode.self, Budget.self, Caps.self, Hours.self, MaxPrice.self, Dedupe.self, PolicyCommand.self,
                      Ingest.self, Outcomes.self, Log.self, Check.self, Serve.self, ExchangeCommand.self],
        defaultSubcommand: Dashboard.self
    )
}
