/// A small, fast, seedable random generator (xoshiro256**), so a simulation with a given seed always
/// plays out the same. Its state is saved with the store so a simulation continues where it stopped.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
    /// Uniform integer in the closed range.
    public mutating func int(_ r: ClosedRange<Int>) -> Int {
        r.lowerBound + Int(next() % UInt64(r.upperBound - r.lowerBound + 1))
    }
    /// Exponentially distributed with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log1mUnit() }
    mutating func log1mUnit() -> Double {
        let u = 1 - unit()  // in (0, 1]
        return _log(u)
    }
    /// A uniform index below `count` (> 0): the draw `pick` makes.
    public mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
    /// One element of a non-empty array.
    public mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
}

#if canImport(Glibc)
import Glibc
func _log(_ x: Double) -> Double { Glibc.log(x) }
#elseif canImport(Darwin)
import Darwin
func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif
