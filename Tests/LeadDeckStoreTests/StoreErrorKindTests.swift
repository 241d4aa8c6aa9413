import Foundation
import LeadDeckCore
@testable import LeadDeckStore
import Testing

/// Every failure says what kind it is, so a server can answer with the right status without parsing text.
@Suite struct StoreErrorKindTests {
    @Test func aSecondEngineIsBusy() throws {
        let store = try StoreFixture.newStore()
        let lease = try store.acquireEngine()
        defer { lease.release() }
        let other = Store.open2(store.directory)
        #expect { _ = try other.acquireEngine() } throws: { ($0 as? StoreError)?.kind == .busy }
    }

    @Test func anImpossibleChangeIsBadInput() throws {
        let store = try StoreFixture.newStore()
        #expect {
            try store.changePolicy(actor: "t", time: Timestamp(seconds: 1_793_600_000)) { _ throws(StoreError) in
                .priority(source: "AUT01", from: 1, to: 9)
            }
        } throws: { ($0 as? StoreError)?.kind == .badInput }
    }

    @Test func aDamagedLogIsDamaged() throws {
        let store = try StoreFixture.newStore()
        var position = LogPosition.afterHeader
        try store.append([StoreFixture.note(1), StoreFixture.note(2)], at: &position)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.logPath)))
        let at = EventLogCodec.header.count + 20
        bytes[at] = bytes[at] == 0x41 ? 0x42 : 0x41
        try Data(bytes).write(to: URL(fileURLWithPath: store.logPath))
        #expect { _ = try store.loadState() } throws: { ($0 as? StoreError)?.kind == .damaged }
    }

    @Test func aMalformedStoreFileIsDamagedAndABadOfferLineIsBadInput() throws {
        let store = try StoreFixture.newStore()
        try Data("{\"schemaVersion\":1,".utf8).write(to: URL(fileURLWithPath: store.policyPath))
        #expect { _ = try store.loadPolicyDocument() } throws: { ($0 as? StoreError)?.kind == .damaged }
        guard case .failure(let e) = OfferParser.parse("{\"lead_id\":1}", now: Timestamp(seconds: 1_793_600_000)) else {
            Issue.record("parsed"); return
        }
        #expect(e.kind == .badInput)
    }

    @Test func aFailedWriteIsIO() throws {
        let fs = FaultyFileSystem()
        let store = try StoreFixture.newStore(fs: fs)
        fs.failNext(skipping: 0)
        var position = LogPosition.afterHeader
        #expect { try store.append([StoreFixture.note(1)], at: &position) } throws: { ($0 as? StoreError)?.kind == .io }
    }
}

/// Input fidelity (issue 10): an offer whose two prices disagree is refused, not bought at one of them.
@Suite struct PriceFidelityTests {
    @Test func disagreeingPricesAreRefusedAndAgreeingOnesAccepted() {
        let now = Timestamp(seconds: 1_793_600_000)
        let base = #""lead_id":"P1","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"TX","sale_type":"shared","max_sells":3"#
        guard case .failure(let e) = OfferParser.parse("{\(base),\"price\":20,\"price_cents\":2500}", now: now) else {
            Issue.record("bought at one of two prices"); return
        }
        #expect(e.description == "price $20.00 and price_cents 2500 disagree; send one, or both equal")
        #expect((try? OfferParser.parse("{\(base),\"price\":\"25.00\",\"price_cents\":2500}", now: now).get())?.price == .dollars(25))
    }
}

/// `listDirectory` read each entry's whole 256-byte name field, past the end of short records (found by
/// AddressSanitizer when a store was created in a busy /tmp); it must read each name only up to its end.
@Suite struct ListDirectoryTests {
    @Test func namesOfEveryLengthAreListedExactly() throws {
        let dir = StoreFixture.tempDir("many")
        var expected: [String] = []
        for i in 0..<300 {
            let name = "f\(i)-" + String(repeating: "x", count: i % 200)
            FileManager.default.createFile(atPath: dir + "/" + name, contents: nil)
            expected.append(name)
        }
        #expect(PosixFileSystem().listDirectory(dir) == expected.sorted())
    }
}
