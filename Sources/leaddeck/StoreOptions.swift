import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

/// The options every command shares: which store, and where a new store's seed files are.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Store folder (default: $LEADDECK_STORE, else ./data/store).", valueName: "dir"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Seed files for a new store (default: $LEADDECK_SEED, else ./data).", valueName: "dir"))
    var seedDir: String?

    var storePath: String {
        store ?? ProcessInfo.processInfo.environment["LEADDECK_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/store"
    }
    var seedPath: String {
        seedDir ?? ProcessInfo.processInfo.environment["LEADDECK_SEED"].flatMap { $0.isEmpty ? nil : $0 } ?? "data"
    }

    /// Opens (creating from seed if needed) the store, or exits with a one-line error.
    /// - Parameter forWriting: the command runs the engine (see `Store.open`).
    func open(forWriting: Bool = false) throws -> Store {
        let s = try Failure.wrap { () throws(StoreError) in try Store.open(storePath, seedDirectory: seedPath, forWriting: forWriting) }
        return s
    }
}

/// A failure that ends the command with one line on stderr and a non-zero exit.
struct Failure: Error, CustomStringConvertible {
    var description: String
    var code: Int32 = 1

    @discardableResult
    static func wrap<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do { return try body() } catch { throw Failure(description: error.description) }
    }
}

extension ParsableCommand {
    /// Runs `body`, turning a `Failure` into "leaddeck: message" on stderr and its exit code.
    func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let f as Failure {
            printError("leaddeck: \(f.description)")
            throw ExitCode(f.code)
        }
    }
}

func printError(_ s: String) {
    FileHandle.standardError.write(Data((Sanitizer.clean(s) + "\n").utf8))
}

/// Notices the store raised (a torn record cut aside...), on stderr.
func flushNotices(_ store: Store) {
    for n in store.notices { printError("leaddeck: note: \(n)") }
}

/// Says that the final checkpoint was not saved. A warning that says what it is: `what` is already durable
/// in the log, only the start-up shortcut is missing (so the command still succeeds).
func warnCheckpoint(_ problem: String, seq: Int64, store: Store, what: String) {
    printError("leaddeck: warning: \(what) are durable in \(store.logPath) (up to seq \(seq)); "
        + "only the checkpoint was not saved (\(problem)); the next start replays them from the log, or `leaddeck check --repair` rebuilds it")
}

/// The OS user making a change, for the audit trail.
func currentUser() -> String {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
}

/// Wall-clock now.
func wallNow() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

func writeOut(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    // Handed to the file handle without a copy: `bytes` outlives the write.
    bytes.withUnsafeBytes { b in
        FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: b.baseAddress!), count: b.count, deallocator: .none))
    }
}

func writeOut(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}
