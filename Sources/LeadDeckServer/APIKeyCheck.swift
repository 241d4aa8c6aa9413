import Foundation
import LeadDeckStore

/// Checks bearer keys against the store's API keys, reloading them when another process changes them (looked
/// at no more than once per `recheckSeconds`, so `leaddeck keys revoke` takes effect within that time).
/// Thread-safe: the server's threads call it concurrently.
public final class APIKeyCheck: @unchecked Sendable {
    private let store: any EventStore
    private let lock = NSLock()
    private let recheckSeconds: Double
    private let onDamage: @Sendable (String) -> Void
    private var ring = KeyRing(keys: [])
    private var stamp: String?
    private var checkedAt = -Double.infinity

    /// - Parameters:
    ///   - store: a store handle used only here (keys are read on the server's threads).
    ///   - onDamage: told once per change when the keys cannot be read (then every request is refused).
    public init(store: any EventStore, recheckSeconds: Double = 1, onDamage: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.recheckSeconds = recheckSeconds
        self.onDamage = onDamage
        lock.lock()
        reloadIfChanged(now: ProcessInfo.processInfo.systemUptime)
        lock.unlock()
    }

    /// The exchange (key name) a presented key belongs to; nil for a wrong or revoked key.
    public func exchange(forBearer secret: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        reloadIfChanged(now: ProcessInfo.processInfo.systemUptime)
        return ring.exchange(forBearer: secret)
    }

    private func reloadIfChanged(now: Double) {
        guard now - checkedAt >= recheckSeconds else { return }
        checkedAt = now
        let current = store.keysStamp()
        guard current != stamp else { return }
        stamp = current
        do {
            ring = try store.apiKeys()
        } catch {
            // Unreadable keys let nobody in, rather than keeping keys that may have been revoked meanwhile.
            ring = KeyRing(keys: [])
            onDamage("\(error); every request is refused until it is fixed")
        }
    }
}
