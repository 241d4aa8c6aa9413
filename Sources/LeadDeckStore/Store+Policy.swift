import Foundation
import LeadDeckCore

extension Store {
    /// Changes the policy: under the write lock, reads the saved policy, lets `make` compute the change from
    /// it (nil for none), appends the change as an event with who and when, then saves the new policy.
    /// Returns the recorded event, or nil when nothing changed. Costs the same however long the log is.
    ///
    /// Crash safety: an intent file (`policy-intent.json`) names the event's sequence number and offset before
    /// the event is appended; if a crash comes before `policy.json` is saved, the next change (or load) finds
    /// the logged event through the intent and applies it.
    @discardableResult
    public func changePolicy(actor: String, time: Timestamp,
                             _ make: (Policy) throws(StoreError) -> PolicyChange?) throws(StoreError) -> PolicyEvent? {
        try withWriteLock { () throws(StoreError) -> PolicyEvent? in
            var position = try tailPositionLocked()
            var doc = try loadPolicyDocument()
            if let (seq, change) = try pendingIntentChange(doc) {
                doc = PolicyDocument(policy: (try? change.apply(to: doc.policy)) ?? doc.policy, lastChangeSeq: seq)
                try io { () throws(FileSystemError) in try fs.replaceAtomically(policyPath, with: JSONFile.encodePretty(doc)) }
            }
            fs.remove(intentPath)
            let policy = doc.policy
            guard let change = try make(policy) else { return nil }
            let newPolicy: Policy
            do throws(PolicyError) { newPolicy = try change.apply(to: policy) } catch { throw StoreError(error.description, kind: .badInput) }
            guard newPolicy != policy else { return nil }
            let event = PolicyEvent(time: time, actor: actor, change: change, marketTime: marketClockLocked(at: position))
            let intent = PolicyIntent(schemaVersion: PolicyIntent.current, seq: position.seq + 1, offset: position.offset, change: change)
            try io { () throws(FileSystemError) in try fs.replaceAtomically(intentPath, with: JSONFile.encodePretty(intent)) }
            do throws(StoreError) {
                _ = try appendLocked([.policy(event)], at: &position)
            } catch {
                // The event is not in the log (the append cut back what it wrote), so the intent names nothing.
                fs.remove(intentPath)
                try? fs.syncDirectory(directory)
                throw error
            }
            // From here the change is durable (logged, and found through the intent on the next load), so a
            // failure to save policy.json is a warning, not a failed change.
            let newDoc = PolicyDocument(policy: newPolicy, lastChangeSeq: position.seq)
            do throws(FileSystemError) {
                try fs.replaceAtomically(policyPath, with: JSONFile.encodePretty(newDoc))
                fs.remove(intentPath)
            } catch {
                noteOnce("\(error.description); the change is logged and takes effect, and policy.json is brought up to date by the next change or load")
            }
            return event
        }
    }

    var intentPath: String { "\(directory)/policy-intent.json" }

    /// The market's clock at the end of the log: the time of the last record (for a policy change, the market
    /// time it carries). Nil for an empty log or when the tail cannot be read (the change is still made).
    func marketClockLocked(at position: LogPosition) -> Timestamp? {
        guard position.seq > 0, let last = try? lastRecords(1).records.last else { return nil }
        if case .policy(let e) = last.event { return e.marketTime }
        return last.event.time
    }

    /// A change logged by an interrupted `changePolicy` but not yet in `policy.json`, found through the intent.
    func pendingIntentChange(_ doc: PolicyDocument) throws(StoreError) -> (Int64, PolicyChange)? {
        guard fs.exists(intentPath),
              let intent = try? Self.readDocument(PolicyIntent.self, intentPath, current: PolicyIntent.current, fs: fs),
              intent.seq > doc.lastChangeSeq,
              let bytes = try? fs.read(logPath, from: intent.offset, maxCount: 1 << 20),
              let nl = bytes.prefix(1 << 20).firstIndex(of: 10),
              case .success(let (seq, event)) = EventLogCodec.parse(bytes[0..<nl], decoder: JSONDecoder()),
              seq == intent.seq, case .policy(let e) = event, e.change == intent.change
        else { return nil }
        return (seq, intent.change)
    }
}
