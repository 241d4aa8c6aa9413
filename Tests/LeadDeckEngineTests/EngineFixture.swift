import LeadDeckTestSupport
import Foundation
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore

/// Stores and drivers for the engine tests, seeded from the repository's demo data.
enum EngineFixture {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let seed = repoRoot + "/data"

    static func tempDir() -> String {
        let dir = TestFolder.make("engine-test") + "/store"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A new file store from the demo seed.
    static func fileStore() throws -> Store { try Store.open(tempDir(), seedDirectory: seed) }

    /// A new in-memory store with the demo catalog and policy.
    static func memoryStore() throws -> MemoryStore {
        let seedStore = try fileStore()
        return MemoryStore(catalog: seedStore.catalog, policy: try seedStore.loadPolicyDocument().policy)
    }

    /// Monday 2026-11-02 09:00 US Eastern (14:00 UTC).
    static let monday9am = Timestamp(seconds: 1_793_595_600 + 9 * 3600)

    static func options(speed: Double = 10, start: Timestamp? = monday9am, mayRunEngine: Bool = true) -> EngineDriver.Options {
        var o = EngineDriver.Options()
        o.speed = speed
        o.seed = 7
        o.start = start
        o.mayRunEngine = mayRunEngine
        return o
    }

    static func offer(_ id: String, source: String = "AUT01", sub: String = "a91", at: Timestamp = monday9am,
                      price: Money = .dollars(20), saleType: PurchaseMode = .shared, phone: String? = nil) -> Offer {
        let phoneNumber = phone ?? ("21455501" + String(id.suffix(2)))
        return Offer(leadID: id, sourceID: source, subID: sub, vertical: .autoInsurance, state: "TX", postalCode: "75001", city: "Addison",
              saleType: saleType, maxSells: saleType == .exclusive ? 1 : 3, price: price, receivedAt: at,
              firstName: "Ann", lastName: "Lee", phone: phoneNumber, email: id + "@example.com")
    }
}

extension Event {
    var offer: OfferEvent? { if case .offer(let o) = self { return o }; return nil }
    var outcome: OutcomeEvent? { if case .outcome(let o) = self { return o }; return nil }
}
