import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "The API keys exchanges present to `leaddeck serve` (Authorization: Bearer KEY): list, add, revoke.",
        discussion: """
            The store keeps only each key's SHA-256 (in keys.json, mode 0600), so a key is shown once, when it is \
            added. A revoked key stays listed; its name may be given a new key.
            """,
        subcommands: [KeysList.self, KeysAdd.self, KeysRevoke.self],
        defaultSubcommand: KeysList.self
    )
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the API keys: name, created, by whom, active or revoked (never the key or its hash).")
    @OptionGroup var options: StoreOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        try guarded {
            let store = try options.open()
            let ring = try Failure.wrap { () throws(StoreError) in try store.apiKeys() }
            writeOut(json ? Self.json(ring) : Self.table(ring))
        }
    }

    static func status(_ key: APIKey) -> String {
        guard let at = key.revokedAt else { return "active" }
        return "revoked \(at.iso8601)" + (key.revokedBy.map { " by \($0)" } ?? "")
    }

    static func table(_ ring: KeyRing) -> String {
        guard !ring.keys.isEmpty else { return "no API keys; `leaddeck keys add NAME` makes one\n" }
        let nameWidth = max(4, ring.keys.map { $0.name.count }.max() ?? 0)
        let byWidth = max(2, min(20, ring.keys.map { Sanitizer.width($0.createdBy) }.max() ?? 0))
        let widths = [nameWidth, 20, byWidth]
        func line(_ cells: [String]) -> String {
            (zip(cells, widths).map { Sanitizer.fit($0.0, $0.1) } + [Sanitizer.clean(cells[3])])
                .joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        var out = line(["name", "created", "by", "status"])
        for key in ring.keys {
            out += line([key.name, key.createdAt.iso8601, key.createdBy, status(key)])
        }
        return out
    }

    /// What `--json` prints for a key: no hash (it identifies nothing a person needs, and stays in the store).
    struct Listing: Encodable {
        var name: String
        var createdAt: String
        var createdBy: String
        var status: String
        var revokedAt: String?
        var revokedBy: String?
    }

    static func json(_ ring: KeyRing) -> String {
        let items = ring.keys.map { k in
            Listing(name: k.name, createdAt: k.createdAt.iso8601, createdBy: k.createdBy,
                    status: k.isActive ? "active" : "revoked", revokedAt: k.revokedAt?.iso8601, revokedBy: k.revokedBy)
        }
        return String(decoding: JSONFile.encodePretty(items), as: UTF8.self)
    }
}

struct KeysAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Make a new API key for an exchange and print it, once: only its hash is stored.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "The exchange's name: 1-40 letters, digits, '.', '_' or '-'.") var name: String

    func run() throws {
        try guarded {
            // A bad name is refused before the store is opened (or created).
            try Failure.wrap { () throws(StoreError) in try KeyRing.checkName(name) }
            let store = try options.open()
            let secret = KeyRing.newSecret()
            let user = currentUser()
            try Failure.wrap { () throws(StoreError) in
                try store.changeKeys { ring throws(StoreError) in try ring.add(name: name, secret: secret, at: wallNow(), by: user) }
            }
            writeOut(secret + "\n")
            printError("save it now: only its hash is stored; exchanges send it as Authorization: Bearer KEY")
        }
    }
}

struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an exchange's API key: it stops working at once, and stays listed as revoked.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "The key's name.") var name: String

    func run() throws {
        try guarded {
            try Failure.wrap { () throws(StoreError) in try KeyRing.checkName(name) }
            let store = try options.open()
            let user = currentUser()
            let now = wallNow()
            try Failure.wrap { () throws(StoreError) in
                try store.changeKeys { ring throws(StoreError) in try ring.revoke(name: name, at: now, by: user) }
            }
            writeOut("revoked key \(name) (by \(Sanitizer.clean(user)) at \(now.iso8601))\n")
        }
    }
}
