import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

/// Turns a parse failure of a setting into the command's one-line error.
func setting<T>(_ r: Result<T, PolicyError>) throws -> T {
    switch r {
    case .success(let v): return v
    case .failure(let e): throw Failure(description: e.description)
    }
}

extension ParsableCommand {
    /// A one-value setting's two forms: without a value, print what is in force (`show`); with one, parse it
    /// (a one-line error when it is bad, nothing changed) and apply the change it makes, logged like any other.
    func showOrSet<V: Sendable>(_ options: StoreOptions, _ text: String?, show: (Policy) -> String,
                                parse: (String) throws -> V, change: @escaping @Sendable (Policy, V) -> PolicyChange) throws {
        try guarded {
            guard let text else {
                writeOut(show(try policyInForce(options)) + "\n")
                return
            }
            let value = try parse(text)
            try applyPolicyChange(options) { p throws(StoreError) in change(p, value) }
        }
    }
}

/// The policy in force, read from the store (for commands that show a setting).
func policyInForce(_ options: StoreOptions) throws -> Policy {
    let store = try options.open()
    return try Failure.wrap { () throws(StoreError) in try store.loadPolicyDocument().policy }
}

struct Caps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps",
        abstract: "Set the daily and hourly lead caps, global or one source's (--source); without values, show them.",
        discussion: "A cap is a number of leads or none. A value left out keeps what is in force. Global caps are shared out by priority tier (tierSpendShare); a source's own caps apply to it alone.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Source id; without it the global caps change.") var source: String?
    @Option(help: "Most leads bought per local day, or none.") var daily: String?
    @Option(help: "Most leads bought per hour, or none.") var hourly: String?

    func run() throws {
        try guarded {
            let ref = try source.map(parseRef)
            if let ref, ref.subID != nil { throw Failure(description: "caps apply to a whole source, not a sub-ID") }
            guard daily != nil || hourly != nil else {
                let p = try policyInForce(options)
                writeOut("\(ref.map { "caps of \($0.source)" } ?? "global caps"): \(LeadCaps(p, source: ref?.source))\n")
                return
            }
            let d = try daily.map { try setting(LeadCaps.parseCap($0, field: "--daily")) }
            let h = try hourly.map { try setting(LeadCaps.parseCap($0, field: "--hourly")) }
            try applyPolicyChange(options) { p throws(StoreError) in
                let now = LeadCaps(p, source: ref?.source)
                return .caps(source: ref?.source, from: now, to: LeadCaps(daily: d ?? now.daily, hourly: h ?? now.hourly))
            }
        }
    }
}

struct Hours: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hours",
        abstract: "Set the hours of operation on the buyer's clock, per weekday, global or one source's (--source); without a value, show them.",
        discussion: """
            HOURS is OPEN-CLOSE for every day (8-21), always, or weekdays with hours, comma-separated: \
            "mon-fri 8-21, sat 10-16, sun closed" (days left out are closed). A source's own hours apply inside \
            the global ones; --source S global drops them.
            """)
    @OptionGroup var options: StoreOptions
    @Option(help: "Source id; without it the global hours change.") var source: String?
    @Argument(help: "8-21, always, or \"mon-fri 8-21, sat 10-16, sun closed\" (with --source, also global).") var hours: String?

    func run() throws {
        try guarded {
            let ref = try source.map(parseRef)
            if let ref, ref.subID != nil { throw Failure(description: "hours apply to a whole source, not a sub-ID") }
            guard let hours else {
                let p = try policyInForce(options)
                if let ref {
                    writeOut("hours of \(ref.source) \(BusinessHours.describe(p.settings(for: ref.source).hours, none: "global (\(BusinessHours.describe(p.hours)))"))\n")
                } else {
                    writeOut("hours \(BusinessHours.describe(p.hours)) (\(p.clock.name))\n")
                }
                return
            }
            if let ref {
                let h = hours.lowercased() == "global" ? nil : try setting(BusinessHours.parse(hours))
                if h == nil && hours.lowercased() != "global" {
                    throw Failure(description: "hours of a source: give its hours, or global to follow the global hours")
                }
                try applyPolicyChange(options) { p throws(StoreError) in
                    .sourceHours(source: ref.source, from: p.settings(for: ref.source).hours, to: h)
                }
            } else {
                let h = try setting(BusinessHours.parse(hours))
                try applyPolicyChange(options) { p throws(StoreError) in .hours(from: p.hours, to: h) }
            }
        }
    }
}

struct PacingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacing",
        abstract: "Set how the daily budget is spent over the day: asap, or even along the open hours; without a value, show it.",
        discussion: "even: by each moment the day may have spent the budget scheduled so far (open hours weighted by their usual volume) plus one hour's share, times the source's tier share. See README, \"Pacing\".")
    @OptionGroup var options: StoreOptions
    @Argument(help: "asap or even.") var pacing: String?

    func run() throws {
        try showOrSet(options, pacing, show: { "pacing \($0.pacing.rawValue)" }, parse: { text in
            guard let to = Pacing(rawValue: text.lowercased()) else {
                throw Failure(description: "pacing: '\(Sanitizer.clean(text))' is not asap or even")
            }
            return to
        }, change: { p, to in .pacing(from: p.pacing, to: to) })
    }
}

struct Timezone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timezone",
        abstract: "Set the buyer's time zone (an IANA name like America/New_York, with daylight saving); without a value, show it.",
        discussion: "Days, hours of operation, caps per hour and day, and the budget's day follow it. A fixed offset is also accepted: UTC-05:00.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "IANA zone name (America/Chicago, Europe/London, UTC) or a fixed offset UTC+HH:MM.") var zone: String?

    func run() throws {
        try showOrSet(options, zone, show: { "time zone \($0.clock.name)" }, parse: { try setting(LocalClock.parse($0)) },
                      change: { p, clock in .timezone(from: p.clock, to: clock) })
    }
}

struct HourPrices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hourprice",
        abstract: "Set the percent of the maximum prices paid per local hour (a bid modifier by hour of day); without values, show it.",
        discussion: "leaddeck hourprice 0-7 60 21-24 80 pays at most 60% of each vertical's maximum price from 00:00 to 07:00 and 80% from 21:00, 100% at other hours; offers above it are rejected price, and bids on pings scale the same way. reset goes back to 100% all day.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "Pairs of OPEN-CLOSE hours and a percent (0-7 60 21-24 80), or reset.") var spec: [String] = []

    func run() throws {
        try showOrSet(options, spec.isEmpty ? nil : spec.joined(separator: " "),
                      show: { "hour prices \(Policy.describeHourPrices($0.hourPriceShare))" },
                      parse: { try setting(Policy.parseHourPrices($0.split(separator: " ").map(String.init))) },
                      change: { p, shares in .hourPrices(from: p.hourPriceShare, to: shares) })
    }
}

struct States: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "states",
        abstract: "Set the states bought (two-letter codes), add or remove some, or buy all; without values, show them.",
        discussion: "leaddeck states CA TX FL sets the list; --add NV and --remove TX change it; all buys every state.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "State codes (CA TX ...), or all.") var states: [String] = []
    @Option(parsing: .upToNextOption, help: "States to add to the list.") var add: [String] = []
    @Option(parsing: .upToNextOption, help: "States to remove from the list.") var remove: [String] = []

    func run() throws {
        try guarded {
            guard !states.isEmpty || !add.isEmpty || !remove.isEmpty else {
                writeOut("states \(Policy.describeStates(try policyInForce(options).states))\n")
                return
            }
            if !states.isEmpty && !(add.isEmpty && remove.isEmpty) {
                throw Failure(description: "states: give a list, or --add/--remove, not both")
            }
            let all = states.count == 1 && states[0].lowercased() == "all"
            func checked(_ codes: [String]) throws -> [String] {
                do { return try Policy.checkedStates(codes.flatMap { $0.split(separator: ",").map(String.init) }) } catch { throw Failure(description: error.description) }
            }
            let set = all ? [] : try checked(states)
            let (added, removed) = (try checked(add), try checked(remove))
            try applyPolicyChange(options) { p throws(StoreError) in
                if !states.isEmpty { return .states(from: p.states, to: set) }
                do throws(PolicyError) { return .states(from: p.states, to: try p.states(adding: added, removing: removed)) } catch {
                    throw StoreError(error.description, kind: .badInput)
                }
            }
        }
    }
}

struct MaxPrice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maxprice",
        abstract: "Set the highest price paid for a vertical's leads, per mode; --none stops buying the vertical; without prices, show them.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "Vertical: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")).") var vertical: String
    @Option(help: "Dollars for a shared lead.") var shared: String?
    @Option(help: "Dollars for an exclusive lead.") var exclusive: String?
    @Flag(help: "Stop buying this vertical (no price limit means not bought).") var none = false

    func run() throws {
        try guarded {
            guard Vertical(rawValue: vertical) != nil else {
                throw Failure(description: "unknown vertical '\(Sanitizer.clean(vertical))' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if none {
                guard shared == nil && exclusive == nil else { throw Failure(description: "--none takes no prices") }
                try applyPolicyChange(options) { p throws(StoreError) in .maxPrice(vertical: vertical, from: p.maxPrice[vertical], to: nil) }
                return
            }
            guard shared != nil || exclusive != nil else {
                writeOut("max price of \(vertical): \(PriceLimit.describe(try policyInForce(options).maxPrice[vertical]))\n")
                return
            }
            let s = try shared.map { try setting(Money.parseDollars($0, field: "--shared", max: Policy.maxPrice)) }
            let x = try exclusive.map { try setting(Money.parseDollars($0, field: "--exclusive", max: Policy.maxPrice)) }
            try applyPolicyChange(options) { p throws(StoreError) in
                let now = p.maxPrice[vertical]
                guard let sharedPrice = s ?? now?.shared, let exclusivePrice = x ?? now?.exclusive else {
                    throw StoreError("\(vertical) is not bought yet: give both --shared and --exclusive", kind: .badInput)
                }
                return .maxPrice(vertical: vertical, from: now, to: PriceLimit(shared: sharedPrice, exclusive: exclusivePrice))
            }
        }
    }
}

struct Dedupe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "Set how many days a consumer once bought is refused as a duplicate (0 turns dedupe off); without a value, show it.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "Days, 0-365.") var days: Int?

    func run() throws {
        try guarded {
            guard let days else {
                writeOut("dedupe window \(try policyInForce(options).dedupeWindowDays) days\n")
                return
            }
            guard (0...365).contains(days) else { throw Failure(description: "dedupe: the window must be 0-365 days, got \(days)") }
            try applyPolicyChange(options) { p throws(StoreError) in .dedupe(from: p.dedupeWindowDays, to: days) }
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Print the whole policy in force (text, or --json).")
    @OptionGroup var options: StoreOptions
    @Flag(help: "Print JSON (the policy document as stored).") var json = false

    func run() throws {
        try guarded {
            let store = try options.open()
            let doc = try Failure.wrap { () throws(StoreError) in try store.loadPolicyDocument() }
            if json {
                writeOut(String(decoding: JSONFile.encodePretty(doc.policy), as: UTF8.self))
                return
            }
            let p = doc.policy
            var out = "Policy of \(store.directory) (last change seq \(doc.lastChangeSeq))\n"
            out += "  global mode     \(p.globalMode.rawValue)\n"
            out += "  daily budget    \(p.dailyBudget.formatted)\n"
            out += "  global caps     \(LeadCaps(p, source: nil))\n"
            out += "  time zone       \(p.clock.name)\n"
            out += "  hours           \(BusinessHours.describe(p.hours))\n"
            out += "  pacing          \(p.pacing.rawValue)\n"
            out += "  hour prices     \(Policy.describeHourPrices(p.hourPriceShare))\n"
            out += "  dedupe window   \(p.dedupeWindowDays) days\n"
            out += "  states          \(Policy.describeStates(p.states))\n"
            out += "  tier shares     \(p.tierSpendShare.enumerated().map { "\($0.offset + 1): \($0.element)%" }.joined(separator: ", "))\n"
            out += "  max price       (shared / exclusive)\n"
            for v in Vertical.allCases {
                out += "    \(v.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))\(p.verticals.contains(v) ? "" : "(not bought) ")\(PriceLimit.describe(p.maxPrice[v.rawValue]))\n"
            }
            let own = p.sources.sorted { $0.key < $1.key }.filter { $0.value != .default }
            out += "  sources with their own settings: \(own.count)\n"
            for (id, st) in own {
                var parts = ["priority \(st.priority)", "mode \(st.mode.rawValue)"]
                if st.blocked { parts.append("BLOCKED") }
                if !st.blockedSubIDs.isEmpty { parts.append("blocked sub-IDs \(st.blockedSubIDs.joined(separator: " "))") }
                if st.dailyCap != nil || st.hourlyCap != nil { parts.append("caps \(LeadCaps(daily: st.dailyCap, hourly: st.hourlyCap))") }
                if let h = st.hours { parts.append("hours \(BusinessHours.describe(h))") }
                out += "    \(id.padding(toLength: 8, withPad: " ", startingAt: 0))\(parts.joined(separator: ", "))\n"
            }
            writeOut(out)
        }
    }
}
