// Benchmarks for the goals in docs/DESIGN.md. Run: swift run -c release leaddeck-bench [--quick] [--only N]
// --only N runs just section N (1 engine, 2 simulate, 3 open and report, 4 sources frame, 5 checkpoint read and
// write); 3 needs 2's store, so --only 3 runs 2 as well. 5 runs only when named, on copies of `--stores A B...`.
// Prints figures; asserts nothing. Uses temporary stores seeded from ./data.
import Foundation
import LeadDeckCore
import LeadDeckStore
import LeadDeckTUI

let quick = CommandLine.arguments.contains("--quick")
let only: Int? = CommandLine.arguments.firstIndex(of: "--only").flatMap { i in
    i + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[i + 1]) : nil
}
/// Whether section `n` runs (all do without --only).
func runs(_ n: Int...) -> Bool { only.map { n.contains($0) } ?? true }
let seed = "data"

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

let benchRoot = NSTemporaryDirectory() + "leaddeck-bench-\(UUID().uuidString.prefix(6))"
defer { try? FileManager.default.removeItem(atPath: benchRoot) }

func tempStore(_ name: String) -> String { benchRoot + "/" + name }

/// CPU time of the calling thread: on a shared machine wall time also counts the time other work holds the core.
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let t0 = now()
    try body()
    return now() - t0
}

func fmt(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
func count(_ n: Int) -> String { Money.grouped(UInt64(n)) }

func fileSize(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }

print("LeadDeck benchmarks (\(quick ? "quick" : "full")), \(ProcessInfo.processInfo.activeProcessorCount) cores")

// 1. The engine's per-offer path.
if runs(1) {
    let store = try Store.open(tempStore("engine"), seedDirectory: seed)
    let state = try store.loadState()
    var desk = state.desk
    var sim = MarketSimulator(seed: 1, start: EngineSession.defaultStart)
    var offers: [Offer] = []
    var scratch = desk
    sim.advance(to: sim.now + 86_400, catalog: desk.catalog, desk: &scratch) { e in
        if case .offer(let o) = e { offers.append(o.offer) }
    }
    let n = quick ? 1_000_000 : 5_000_000
    var bought = 0
    let policy = desk.policy
    let ledger = desk.ledger
    let t = seconds {
        for i in 0..<n where Engine.decide(offers[i % offers.count], policy: policy, ledger: ledger).isBought { bought += 1 }
    }
    print("engine decide: \(count(n)) offers in \(fmt(t))s = \(count(Int(Double(n) / t))) decisions/s (one core, \(bought) would buy)")
    let m = quick ? 200_000 : 1_000_000
    let t2 = seconds {
        for i in 0..<m { _ = desk.process(offers[i % offers.count]) }
    }
    print("decide + book (ledger, metrics, lead index): \(count(m)) offers in \(fmt(t2))s = \(count(Int(Double(m) / t2))) offers/s")
}

// 2. A 30-day simulation into a store, appended in hourly batches (one write and one fsync each, the fsync
// overlapping the next batch as in `simulate`).
let bigStore = tempStore("month")
if runs(2, 3) {
    let days = quick ? 3 : 30
    let store = try Store.open(bigStore, seedDirectory: seed)
    let session = try EngineSession(store: store, seed: 1, start: nil)
    session.syncsBehind = true
    var events = 0
    let t = try seconds {
        let end = session.now + Int64(days) * 86_400
        var at = session.now
        while at < end {
            at = min(end, at + 3600)
            events += try session.advance(to: at).own.count
        }
        try session.checkpoint()
    }
    session.close()
    let bytes = fileSize(store.logPath)
    print("simulate \(days) days: \(count(events)) events in \(fmt(t))s = \(count(Int(Double(events) / t))) events/s; log \(fmt(Double(bytes) / 1e6, 1)) MB, \(days * 24) fsync'd batches")
}

// 3. Opening a store and reporting: the checkpoint plus the log tail, against a small store and a full replay.
if runs(3) {
    let small = tempStore("small")
    let s = try Store.open(small, seedDirectory: seed)
    let session = try EngineSession(store: s, seed: 2, start: nil)
    try session.advance(to: session.now + 9 * 3600)
    try session.checkpoint()
    let smallEvents = session.state.position.seq
    session.close()
    for (label, dir, events) in [("small", small, smallEvents), ("large", bigStore, Int64(-1))] {
        var seq: Int64 = 0
        var rows = 0
        let t = try seconds {
            let store = try Store.open(dir, seedDirectory: nil)
            let st = try store.loadState(leads: false)
            seq = st.position.seq
            rows = Report(metrics: st.desk.metrics, catalog: store.catalog, dimension: .source, window: .all).rows.count
        }
        print("open + report (\(label) store, \(count(Int(events < 0 ? seq : events))) events, checkpoint): \(fmt(t * 1000, 1)) ms (\(rows) rows)")
    }
    // Append a tail after the checkpoint, as a running engine would between checkpoints.
    let store = try Store.open(bigStore, seedDirectory: nil)
    let tailSession = try EngineSession(store: store, seed: nil, start: nil)
    try tailSession.advance(to: tailSession.now + 3600)
    let tail = tailSession.sinceCheckpoint
    tailSession.close()
    let t = try seconds { _ = try Store.open(bigStore, seedDirectory: nil).loadState(leads: false) }
    let tw = try seconds { _ = try Store.open(bigStore, seedDirectory: nil).loadState(leads: true) }
    print("open as a writer (with the lead index and dedupe memory): \(fmt(tw * 1000, 1)) ms")
    print("open with a \(count(tail))-event tail after the checkpoint: \(fmt(t * 1000, 1)) ms")
    try FileManager.default.removeItem(atPath: bigStore + "/checkpoint.json")
    let full = try seconds { _ = try Store.open(bigStore, seedDirectory: nil).loadState() }
    print("open without a checkpoint (full replay, for contrast): \(fmt(full, 2)) s")
    let change = try seconds {
        try store.changePolicy(actor: "bench", time: Timestamp(seconds: 1)) { _ throws(StoreError) in .block(source: "AUT01", subID: nil) }
    }
    print("policy change on the large store (lock, intent, append, fsync, save): \(fmt(change * 1000, 1)) ms")
}

// 4. Rendering a frame of the sources screen with 10,000 sources.
if runs(4) {
    var sources: [Source] = []
    for i in 0..<10_000 {
        sources.append(Source(id: "S\(i)", name: "Source number \(i)", vertical: Vertical.allCases[i % 9], channel: Channel.allCases[i % 7],
                              subIDs: [SubSource(id: "a", name: "a")], market: nil))
    }
    let catalog = Catalog(sources: sources, buyer: BuyerProfile(speed: 0.5, brand: 0.5))
    let store = try Store.open(tempStore("render"), seedDirectory: seed)
    var desk = Desk(catalog: catalog, policy: try store.loadPolicyDocument().policy)
    for (i, s) in sources.enumerated() where i % 3 == 0 {
        let o = Offer(leadID: "L\(i)", sourceID: s.id, subID: "a", vertical: s.vertical, state: "CA", postalCode: "", city: "",
                      saleType: .shared, maxSells: 4, price: .dollars(20), receivedAt: EngineSession.defaultStart + Int64(i),
                      firstName: "", lastName: "", phone: "\(2_000_000_000 + i)", email: "")
        desk.apply(.offer(OfferEvent(offer: o, decision: .bought(.shared), tier: 3)))
    }
    var model = AppModel(width: 120, height: 40)
    let feed = LiveFeed()
    let info = DashboardInfo(storePath: "bench", engine: "bench")
    let frames = quick ? 10 : 50
    var cpu = 0.0
    let t = seconds {
        cpu = cpuSeconds {
            for i in 0..<frames {
                model.top = i * 10
                _ = Renderer.render(model, desk: desk, feed: feed, info: info)
            }
        }
    }
    print("render sources screen, 10,000 sources at 120x40: \(fmt(t / Double(frames) * 1000, 1)) ms per frame (\(fmt(cpu / Double(frames) * 1000, 1)) ms CPU)")
    // The listing's general path: a filter and a sort that read every row's settings and name.
    model.filter = "source"
    model.sort = .priority
    let general = seconds {
        for i in 0..<frames {
            model.top = i * 10
            _ = Renderer.render(model, desk: desk, feed: feed, info: info)
        }
    }
    print("  the same, filtered on \"source\" and sorted by priority: \(fmt(general / Double(frames) * 1000, 1)) ms per frame")
}

// 5. The checkpoint's read and write paths on given stores (say a 72 h and a 720 h one), median of 15 runs each:
// what a report, a writer's open and a writer's checkpoint cost as history grows. Works on a copy of each store.
if only == 5, let i = CommandLine.arguments.firstIndex(of: "--stores") {
    func median(_ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<15 { times.append(try seconds(body)) }
        return times.sorted()[times.count / 2]
    }
    for source in CommandLine.arguments[(i + 1)...] {
        let copy = tempStore("copy-\(UUID().uuidString.prefix(4))")
        try FileManager.default.createDirectory(atPath: benchRoot, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        let store = try Store.open(copy, seedDirectory: nil)
        let reader = try median { _ = try store.loadState(leads: false) }
        let writer = try median { _ = try store.loadState(leads: true) }
        let state = try store.loadState(leads: true)
        let save = try median { try store.saveCheckpoint(state.desk, simulator: state.simulator, at: state.position) }
        print("\(source): open as a reader \(fmt(reader * 1000, 1)) ms, as a writer \(fmt(writer * 1000, 1)) ms, save the checkpoint \(fmt(save * 1000, 1)) ms")
    }
}
