/// A small cache in front of `MetricsBook.Routes.positions`: the routes met lately, found by the bits of their
/// strings instead of hashing the strings through `Hasher` (a third of the fold's time went on that).
///
/// Sound because every entry keeps its strings alive: two strings with the same bits are then the same string
/// (a short string's bits are its bytes; a long one's name its storage, which cannot be reused while held). A
/// string equal to a cached one in other bits (another storage, another Unicode form) only misses, and the
/// dictionary behind answers. Direct-mapped: a route that collides with another replaces it.
struct RecentRoutes: Sendable {
    private struct Entry: Sendable {
        var route: MetricsBook.Routes.Key
        var positions: [Int]
    }

    /// Places: a month's log has a few hundred routes (source, sub-ID, mode, exchange); 256 places lost a
    /// third of them to collisions.
    private static let size = 2048
    private var entries: [Entry?] = []

    init() {}

    /// The bits of a string, or of an absent one (`String?` is as wide as `String`).
    @inline(__always)
    private static func bits(_ s: String?) -> (UInt64, UInt64) {
        assert(MemoryLayout<String?>.size == MemoryLayout<(UInt64, UInt64)>.size)
        return unsafeBitCast(s, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func sameBits(_ a: MetricsBook.Routes.Key, _ b: MetricsBook.Routes.Key) -> Bool {
        bits(a.source) == bits(b.source) && bits(a.subID) == bits(b.subID) && bits(a.exchange) == bits(b.exchange)
            && a.vertical == b.vertical && a.mode == b.mode
    }

    @inline(__always)
    private static func slot(_ k: MetricsBook.Routes.Key) -> Int {
        assert(MemoryLayout<Vertical>.size == 1 && MemoryLayout<PurchaseMode?>.size == 1)
        let (s0, s1) = bits(k.source), (b0, b1) = bits(k.subID), (e0, e1) = bits(k.exchange)
        var h = s0 &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ s1) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ b0) &* 0x94D0_49BB_1331_11EB
        h = (h ^ b1) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ e0 ^ (e1 << 1)) &* 0xBF58_476D_1CE4_E5B9
        h ^= UInt64(unsafeBitCast(k.vertical, to: UInt8.self)) &<< 8 | UInt64(unsafeBitCast(k.mode, to: UInt8.self))
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(size - 1))
    }

    /// The positions of a route met lately with the same strings, if it is still here.
    func positions(of route: MetricsBook.Routes.Key) -> [Int]? {
        guard !entries.isEmpty else { return nil }
        // Compared where it lies: copying the entry out retains its strings and positions only to let them go.
        return entries.withUnsafeBufferPointer { p in
            let e = p.baseAddress! + Self.slot(route)
            guard e.pointee != nil, Self.sameBits(e.pointee.unsafelyUnwrapped.route, route) else { return nil }
            return e.pointee.unsafelyUnwrapped.positions
        }
    }

    /// Keeps a route's positions (found in the dictionary), replacing the route in its place.
    mutating func remember(_ route: MetricsBook.Routes.Key, _ positions: [Int]) {
        if entries.isEmpty { entries = Array(repeating: nil, count: Self.size) }
        entries[Self.slot(route)] = Entry(route: route, positions: positions)
    }
}

/// Pairs of strings met lately, found by their bits as `RecentRoutes` finds routes (and sound for the same reason:
/// every entry keeps its strings alive). A pair equal to a kept one in other bits only misses. Direct-mapped.
struct RecentPairs: Sendable {
    private var entries: [(String, String)?] = []
    private static let size = 1024

    init() {}

    @inline(__always)
    private static func bits(_ s: String) -> (UInt64, UInt64) { unsafeBitCast(s, to: (UInt64, UInt64).self) }

    @inline(__always)
    private static func slot(_ a: String, _ b: String) -> Int {
        let (a0, a1) = bits(a), (b0, b1) = bits(b)
        var h = a0 &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ a1) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ b0) &* 0x94D0_49BB_1331_11EB
        h = (h ^ b1) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(size - 1))
    }

    /// Whether the pair was kept lately, with the same strings.
    func contains(_ a: String, _ b: String) -> Bool {
        guard !entries.isEmpty else { return false }
        return entries.withUnsafeBufferPointer { p in
            let e = p.baseAddress! + Self.slot(a, b)
            guard e.pointee != nil else { return false }
            let (x, y) = e.pointee.unsafelyUnwrapped
            return Self.bits(x) == Self.bits(a) && Self.bits(y) == Self.bits(b)
        }
    }

    /// Keeps the pair, replacing the one in its place.
    mutating func insert(_ a: String, _ b: String) {
        if entries.isEmpty { entries = Array(repeating: nil, count: Self.size) }
        entries[Self.slot(a, b)] = (a, b)
    }
}

/// Strings met lately and a value for each, found by the strings' bits as `RecentRoutes` finds routes (sound for
/// the same reason). A string equal to a kept one in other bits only misses. Direct-mapped.
struct RecentStrings<Value: Sendable>: Sendable {
    private var entries: [(key: String, value: Value)?] = []
    /// Places, a power of two (taken when the first string is kept).
    private let size: Int

    init(size: Int) {
        precondition(size > 0 && size & (size - 1) == 0, "a power of two")
        self.size = size
    }

    @inline(__always)
    private func slot(_ key: String) -> Int {
        let (a, b) = unsafeBitCast(key, to: (UInt64, UInt64).self)
        let h = ((a &* 0x9E37_79B9_7F4A_7C15) ^ b) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(size - 1))
    }

    /// The value kept for a string met lately with the same bits.
    func value(of key: String) -> Value? {
        guard !entries.isEmpty else { return nil }
        return entries.withUnsafeBufferPointer { p in
            let e = p.baseAddress! + slot(key)
            guard e.pointee != nil,
                  unsafeBitCast(e.pointee.unsafelyUnwrapped.key, to: (UInt64, UInt64).self) == unsafeBitCast(key, to: (UInt64, UInt64).self)
            else { return nil }
            return e.pointee.unsafelyUnwrapped.value
        }
    }

    /// Keeps the string's value, replacing the entry in its place.
    mutating func remember(_ key: String, _ value: Value) {
        if entries.isEmpty { entries = Array(repeating: nil, count: size) }
        entries[slot(key)] = (key, value)
    }
}
