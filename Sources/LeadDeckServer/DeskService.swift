import Foundation
import Synchronization
import LeadDeckCore
import LeadDeckEngine
import LeadDeckStore

/// The engine behind `leaddeck serve`: one thread owns the `EngineDriver` (and so the desk), and every request
/// is a job queued for it. The thread takes all waiting jobs at once and decides them in one durable batch
/// (group commit: one fsync however many posts arrived together), then answers each. Nothing is answered
/// before the batch that recorded it is durable; a batch that cannot be written is answered `unavailable`,
/// and the desk goes back to what is recorded.
public final class DeskService: @unchecked Sendable {
    /// Settings of the service.
    public struct Options: Sendable {
        /// How long a bid may be taken up by a post, in seconds.
        public var bidSeconds: Int64 = 120
        /// The clock requests are stamped with (the wall clock; tests inject their own).
        public var now: @Sendable () -> Timestamp = { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
        /// How often the idle engine picks up others' changes and checks its checkpoint schedule.
        public var idleSeconds: Double = 0.5
        public init() {}
    }

    /// The answer to a ping.
    public enum PingReply: Sendable, Equatable {
        /// Decided: a bid or no bid. `repeated` when the same ping id was answered before (a retry).
        case answered(PingEvent, repeated: Bool)
        /// Bad input (unknown source, out of time order): nothing recorded.
        case refused(String)
    }

    /// The answer to a post.
    public enum PostReply: Sendable, Equatable {
        /// Bought (durably) at this price; `repeated` for a retry of a post bought before.
        case bought(leadID: String, price: Money, repeated: Bool)
        /// Not bought, for a reason an exchange understands (`duplicate`, `cap`, `expired_ping`...).
        case failed(reason: String, message: String)
        /// Bad input (a field that disagrees with its ping, unknown source): nothing recorded.
        case refused(String)
    }

    /// What became of each disposition of an outcomes request, in order: nil when recorded, else why not.
    public typealias OutcomeReplies = [String?]

    enum Job {
        case ping(Ping)
        case post(Post, exchange: String?)
        case outcomes([Result<Disposition, StoreError>], exchange: String?)
        case read(@Sendable (Desk) -> String)
    }

    enum Reply: Sendable {
        case ping(PingReply)
        case post(PostReply)
        case outcomes(OutcomeReplies)
        case read(String)
        /// The store could not record the batch, or the service is stopping: nothing recorded.
        case unavailable(String)
    }

    private struct Waiting {
        var job: Job
        var resume: @Sendable (Reply) -> Void
    }

    public let options: Options
    private let driver: EngineDriver
    private let condition = NSCondition()
    private var queue: [Waiting] = []
    private var stopping = false
    private var finished = false
    /// Bids that a post may still take up, by ping id (owned by the service thread).
    private var openBids: [String: PingEvent] = [:]
    private var lastPrune: Int64 = 0

    /// Starts the service thread on an engine (the driver must hold the engine lease).
    public init(driver: EngineDriver, options: Options = Options()) {
        self.driver = driver
        self.options = options
        seqSnapshot.withLock { $0 = driver.state.position.seq }
        let thread = Thread { [self] in self.loop() }
        thread.name = "leaddeck-desk"
        thread.start()
    }

    /// The store's last sequence number as this engine has it (for health checks).
    public var lastSequence: Int64 { seqSnapshot.withLock { $0 } }
    private let seqSnapshot = Mutex<Int64>(0)

    /// How many batches of requests were decided (each one durable append, one fsync, however many requests
    /// it answered).
    public var batchesDecided: Int { batches.withLock { $0 } }
    private let batches = Mutex(0)
    private var held = false

    /// Holds queued requests unanswered until `release()` (tests use it to show that requests arriving
    /// together are decided in one batch).
    public func hold() {
        condition.lock()
        held = true
        condition.unlock()
    }

    /// Lets held requests through, all in one batch.
    public func release() {
        condition.lock()
        held = false
        condition.broadcast()
        condition.unlock()
    }

    /// How many requests wait for the service thread.
    public var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Answers a ping.
    public func ping(_ ping: Ping) async -> Result<PingReply, ServiceUnavailable> {
        switch await run(.ping(ping)) {
        case .ping(let r): return .success(r)
        case .unavailable(let m): return .failure(ServiceUnavailable(message: m))
        default: return .failure(ServiceUnavailable(message: "internal: wrong reply"))
        }
    }

    /// Decides a post (for a ping, or direct).
    public func post(_ post: Post, exchange: String?) async -> Result<PostReply, ServiceUnavailable> {
        switch await run(.post(post, exchange: exchange)) {
        case .post(let r): return .success(r)
        case .unavailable(let m): return .failure(ServiceUnavailable(message: m))
        default: return .failure(ServiceUnavailable(message: "internal: wrong reply"))
        }
    }

    /// Records dispositions; each parsed one is checked against the desk's leads.
    public func outcomes(_ items: [Result<Disposition, StoreError>], exchange: String?) async -> Result<OutcomeReplies, ServiceUnavailable> {
        switch await run(.outcomes(items, exchange: exchange)) {
        case .outcomes(let r): return .success(r)
        case .unavailable(let m): return .failure(ServiceUnavailable(message: m))
        default: return .failure(ServiceUnavailable(message: "internal: wrong reply"))
        }
    }

    /// Renders something from the desk as it stands (after picking up others' changes).
    public func read(_ render: @escaping @Sendable (Desk) -> String) async -> Result<String, ServiceUnavailable> {
        switch await run(.read(render)) {
        case .read(let s): return .success(s)
        case .unavailable(let m): return .failure(ServiceUnavailable(message: m))
        default: return .failure(ServiceUnavailable(message: "internal: wrong reply"))
        }
    }

    private func run(_ job: Job) async -> Reply {
        await withCheckedContinuation { (c: CheckedContinuation<Reply, Never>) in
            condition.lock()
            if stopping {
                condition.unlock()
                c.resume(returning: .unavailable("the server is shutting down"))
                return
            }
            queue.append(Waiting(job: job, resume: { c.resume(returning: $0) }))
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops taking jobs, answers every job already queued, saves a checkpoint and gives up the engine lease.
    /// Returns the checkpoint's failure message, if any (every answered event is already in the log).
    public func stop() -> String? {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        return driver.finish()
    }

    // MARK: The service thread

    private func loop() {
        while true {
            condition.lock()
            if (queue.isEmpty || held) && !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: options.idleSeconds)) }
            let take = !held || stopping
            let jobs = take ? queue : []
            if take { queue = [] }
            let stop = stopping && jobs.isEmpty
            condition.unlock()
            if stop { break }
            if jobs.isEmpty {
                _ = try? driver.refresh()
            } else {
                process(jobs)
            }
            seqSnapshot.withLock { $0 = driver.state.position.seq }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func process(_ jobs: [Waiting]) {
        let now = options.now()
        pruneBids(now: now)
        var replies = [Reply?](repeating: nil, count: jobs.count)
        var added: [String: PingEvent] = [:]
        var taken: Set<String> = []
        if jobs.contains(where: { if case .read = $0.job { return false } else { return true } }) {
            do throws(StoreError) {
                try driver.commit { desk throws(StoreError) in
                    added = [:]
                    taken = []
                    var events: [Event] = []
                    for (i, w) in jobs.enumerated() {
                        switch w.job {
                        case .ping(let p):
                            replies[i] = .ping(bid(on: p, desk: &desk, added: &added, events: &events))
                        case .post(let post, let exchange):
                            replies[i] = .post(decide(post, exchange: exchange, now: now, desk: &desk, added: added, taken: &taken, events: &events))
                        case .outcomes(let items, let exchange):
                            replies[i] = .outcomes(items.map { record($0, exchange: exchange, now: now, desk: &desk, events: &events) })
                        case .read:
                            break
                        }
                    }
                    return events
                }
                openBids.merge(added) { _, new in new }
                for id in taken { openBids.removeValue(forKey: id) }
            } catch {
                for i in jobs.indices { if case .read = jobs[i].job {} else { replies[i] = .unavailable("not recorded: \(error)") } }
            }
        } else {
            _ = try? driver.refresh()
        }
        batches.withLock { $0 += 1 }
        for (i, w) in jobs.enumerated() {
            if case .read(let render) = w.job { replies[i] = .read(render(driver.desk)) }
            w.resume(replies[i] ?? .unavailable("internal: no answer"))
        }
    }

    private func bid(on p: Ping, desk: inout Desk, added: inout [String: PingEvent], events: inout [Event]) -> PingReply {
        if let earlier = added[p.pingID] ?? openBids[p.pingID], earlier.ping.exchange == p.exchange {
            return .answered(earlier, repeated: true)
        }
        guard desk.knows(source: p.sourceID) else {
            return .refused("source_id: unknown source id '\(Sanitizer.clean(p.sourceID))' (not in the store's sources.json)")
        }
        guard desk.isInOrder(p.receivedAt) else {
            return .refused("the store's clock (\(desk.lastOfferTime.iso8601)) is ahead of this server's (\(p.receivedAt.iso8601))")
        }
        let e = desk.bid(on: p, ttlSeconds: options.bidSeconds)
        events.append(.ping(e))
        if e.decision.price != nil { added[p.pingID] = e }
        return .answered(e, repeated: false)
    }

    private func decide(_ post: Post, exchange: String?, now: Timestamp, desk: inout Desk, added: [String: PingEvent],
                        taken: inout Set<String>, events: inout [Event]) -> PostReply {
        var bid: PingEvent?
        if let id = post.pingID {
            if let b = added[id] ?? openBids[id], b.ping.exchange == exchange, !taken.contains(id) {
                if let end = b.expiresAt, now > end {
                    return .failed(reason: "expired_ping", message: "the bid on ping '\(Sanitizer.clean(id))' expired at \(end.iso8601)")
                }
                bid = b
            } else if let earlier = earlierAnswer(leadID: post.leadID ?? id, desk: desk) {
                return earlier
            } else {
                return .failed(reason: "unknown_ping", message: "no open bid for ping '\(Sanitizer.clean(id))' (never bid on, already posted, or expired)")
            }
        }
        let offer: Offer
        switch post.offer(for: bid, now: now, exchange: exchange) {
        case .success(let o): offer = o
        case .failure(let e): return .refused(e.description)
        }
        if let earlier = earlierAnswer(leadID: offer.leadID, desk: desk) { return earlier }
        if let problem = Validation.problem(with: offer, on: desk) { return .refused(problem) }
        let e = desk.process(offer)
        events.append(.offer(e))
        switch e.decision {
        case .bought:
            if let id = post.pingID { taken.insert(id) }
            return .bought(leadID: offer.leadID, price: offer.price, repeated: false)
        case .rejected(let r):
            return .failed(reason: r.rawValue, message: r.explanation)
        }
    }

    /// A retry of a post decided before gets the same answer.
    private func earlierAnswer(leadID: String, desk: Desk) -> PostReply? {
        switch desk.earlierDecision(leadID: leadID) {
        case .bought?:
            let price = desk.leads[leadID]?.lead.price ?? .zero
            return .bought(leadID: leadID, price: price, repeated: true)
        case .rejected(let r)?:
            return .failed(reason: r.rawValue, message: r.explanation)
        case nil:
            return nil
        }
    }

    private func record(_ item: Result<Disposition, StoreError>, exchange: String?, now: Timestamp, desk: inout Desk,
                        events: inout [Event]) -> String? {
        let d: Disposition
        switch item {
        case .success(let x): d = x
        case .failure(let e): return e.description
        }
        switch d.outcomeEvent(leads: desk.leads, storeClock: desk.metrics.latest, wallNow: now) {
        case .failure(let e): return e.description
        case .success(var ev):
            ev.exchange = exchange
            desk.apply(.outcome(ev))
            events.append(.outcome(ev))
            return nil
        }
    }

    /// Forgets bids past their end (once a minute).
    private func pruneBids(now: Timestamp) {
        guard now.seconds - lastPrune >= 60 else { return }
        lastPrune = now.seconds
        openBids = openBids.filter { ($0.value.expiresAt ?? now) >= now }
    }
}

/// The store could not take the request now (a failed write, shutting down); nothing was recorded.
public struct ServiceUnavailable: Error, Sendable, Equatable {
    public var message: String
}
