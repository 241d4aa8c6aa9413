import Dispatch
import LeadDeckCore
import Synchronization

/// Folds a batch's events into the desk's metrics on the other core while the engine decides the next ones
/// (`EngineSession.advance`): events are handed over in chunks, folded in the order given on one serial queue, and
/// the book is taken back when the batch is decided. The metrics are a sixth of deciding a simulated hour.
/// `simulate` counts its own run's report the same way.
public final class MetricsFolder: Sendable {
    private let book: Mutex<MetricsBook?>
    private let queue = EngineWork.queue

    /// Starts with `book` (lent by the desk, `Desk.lendMetrics`), so folding does not copy it.
    public init(_ book: consuming MetricsBook) { self.book = Mutex(book) }

    /// Folds `events` in after every chunk handed over before them; returns at once.
    /// - Parameter include: which events to fold (all by default).
    public func fold(_ events: [Event], where include: (@Sendable (Event) -> Bool)? = nil) {
        guard !events.isEmpty else { return }
        queue.async { [self] in
            book.withLock { b in
                for e in events where include?(e) ?? true { b!.apply(e) }
            }
        }
    }

    /// `body`'s result on the book as folded so far: only on the work queue, after the chunks it must see.
    func reading<T>(_ body: (MetricsBook) -> T) -> T {
        book.withLock { body($0!) }
    }

    /// The book with every chunk folded in, once the last is done. Call it once.
    public func finish() -> MetricsBook {
        queue.sync {}
        return book.withLock { b in
            let done = b.take()!
            return done
        }
    }
}
