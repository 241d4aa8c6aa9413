extension Int64 {
    /// The whole part of `value` as an Int64 that never traps: NaN is 0, and anything beyond the range (an
    /// infinity, or a ratio such as ROI on a one-cent spend) is `.max` or `.min`. `Int64(_:)` traps on those.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 0x1p63 {  // 2^63 is Int64.max + 1, the first Double out of range
            self = .max
        } else if value < -0x1p63 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
