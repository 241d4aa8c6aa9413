import ArgumentParser
import LeadDeckCore
import LeadDeckStore

/// Applies one policy change to the store, after the validation every entry point shares (the source and
/// sub-ID exist), and prints what happened.
func applyPolicyChange(_ options: StoreOptions, _ make: @escaping (Policy) throws(StoreError) -> PolicyChange?) throws {
    let store = try options.open()
    let user = currentUser()
    var subIDNotInCatalog = false
    func save(_ catalog: Catalog) throws(StoreError) -> PolicyEvent? {
        try store.changePolicy(actor: user, time: wallNow()) { p throws(StoreError) -> PolicyChange? in
            guard let change = try make(p) else { return nil }
            if let problem = Validation.problem(with: change, catalog: catalog, policy: p) {
                if let source = change.source, let sub = change.subID, let s = catalog.source(source) {
                    subIDNotInCatalog = !s.subIDs.contains { $0.id == sub }
                }
                throw StoreError(problem, kind: .badInput)
            }
            return change
        }
    }
    let event = try Failure.wrap { () throws(StoreError) in
        do throws(StoreError) {
            return try save(store.catalog)
        } catch {
            // A sub-ID sources.json does not list may have come with offers: the recorded desk knows those.
            guard subIDNotInCatalog else { throw error }
            return try save(try store.loadState(leads: false).desk.catalog)
        }
    }
    flushNotices(store)
    if let event {
        writeOut("\(event.change.summary) (by \(event.actor) at \(event.time.iso8601))\n")
    } else {
        writeOut("no change: already so\n")
    }
}

func parseRef(_ text: String) throws -> SourceRef {
    guard let ref = SourceRef(parsing: text) else {
        throw ValidationError("'\(Sanitizer.clean(text))' is not SOURCE or SOURCE/SUBID (ids are letters, digits, '-' and '_')")
    }
    return ref
}

struct Block: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "block", abstract: "Block a source, or one of its sub-IDs (SOURCE/SUBID).")
    @OptionGroup var options: StoreOptions
    @Argument(help: "SOURCE or SOURCE/SUBID.") var target: String
    func run() throws {
        try guarded {
            let ref = try parseRef(target)
            try applyPolicyChange(options) { _ throws(StoreError) in .block(source: ref.source, subID: ref.subID) }
        }
    }
}

struct Unblock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unblock", abstract: "Unblock a source, or one of its sub-IDs (SOURCE/SUBID).")
    @OptionGroup var options: StoreOptions
    @Argument(help: "SOURCE or SOURCE/SUBID.") var target: String
    func run() throws {
        try guarded {
            let ref = try parseRef(target)
            try applyPolicyChange(options) { _ throws(StoreError) in .unblock(source: ref.source, subID: ref.subID) }
        }
    }
}

struct Priority: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priority",
        abstract: "Set a source's priority tier, 1 (highest) to 5.",
        discussion: "A tier-N source may use only part of the daily budget and caps: tier 1 100%, 2 90%, 3 80%, 4 65%, 5 50% (policy.json tierSpendShare).")
    @OptionGroup var options: StoreOptions
    @Argument(help: "Source id.") var source: String
    @Argument(help: "Tier, 1-5.") var tier: Int
    func validate() throws {
        guard (1...5).contains(tier) else { throw ValidationError("priority must be 1-5, got \(tier)") }
    }
    func run() throws {
        try guarded {
            let ref = try parseRef(source)
            guard ref.subID == nil else { throw Failure(description: "priority applies to a whole source, not a sub-ID") }
            try applyPolicyChange(options) { p throws(StoreError) in
                .priority(source: ref.source, from: p.settings(for: ref.source).priority, to: tier)
            }
        }
    }
}

struct Mode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode",
        abstract: "Set the global purchase mode, or a source's (with --source; inherit follows the global mode).")
    @OptionGroup var options: StoreOptions
    @Option(help: "Source id; without it the global mode changes.") var source: String?
    @Argument(help: "shared, exclusive or inherit.") var mode: ModeSetting
    func run() throws {
        try guarded {
            if let source {
                let ref = try parseRef(source)
                guard ref.subID == nil else { throw Failure(description: "mode applies to a whole source, not a sub-ID") }
                try applyPolicyChange(options) { p throws(StoreError) in
                    .sourceMode(source: ref.source, from: p.settings(for: ref.source).mode, to: mode)
                }
            } else {
                let global: PurchaseMode
                switch mode {
                case .shared: global = .shared
                case .exclusive: global = .exclusive
                case .inherit: throw Failure(description: "the global mode must be shared or exclusive; inherit is for a source (--source)")
                }
                try applyPolicyChange(options) { p throws(StoreError) in .globalMode(from: p.globalMode, to: global) }
            }
        }
    }
}

struct Budget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Set the daily budget in dollars (e.g. 45000 or 45000.50); without an amount, show it.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "Dollars, at most two decimals.") var amount: String?
    func run() throws {
        try showOrSet(options, amount, show: { "daily budget \($0.dailyBudget.formatted)" },
                      parse: { try setting(Money.parseDollars($0, field: "budget", max: Policy.maxBudget)) },
                      change: { p, money in .dailyBudget(from: p.dailyBudget, to: money) })
    }
}
