/// Something wrong with a store, said in one line: what, and where (file, line, byte), and what kind of
/// failure it is, so a caller can react by kind (a server maps kinds to status codes) without parsing text.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is.
    public enum Kind: String, Sendable, Hashable {
        /// The caller's input is wrong (a malformed line, an unknown source, an impossible change); retrying
        /// the same input fails the same way.
        case badInput
        /// The store changed under the caller (someone else's later change is in force); re-read and decide again.
        case conflict
        /// The stored data is damaged (a bad record, an unreadable store file); writers stop until `check --repair`.
        case damaged
        /// The operating system refused (disk full, permissions, a failed fsync); nothing half-done was kept.
        case io
        /// Another process holds what was asked for (the engine lease); try again later.
        case busy
    }

    public var description: String
    public var kind: Kind

    public init(_ description: String, kind: Kind = .io) {
        self.description = description
        self.kind = kind
    }
}
