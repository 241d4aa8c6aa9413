/// Something wrong with a store, said in one line: what, and where (file, line, byte).
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
