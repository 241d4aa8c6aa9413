/// A point in time as whole seconds since 1970-01-01 UTC. Cheap to compare and hash on the per-offer path.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var seconds: Int64
    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
    public static func + (a: Timestamp, s: Int64) -> Timestamp { Timestamp(seconds: a.seconds + s) }
    public static func - (a: Timestamp, s: Int64) -> Timestamp { Timestamp(seconds: a.seconds - s) }

    public init(from decoder: Decoder) throws {
        seconds = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(seconds)
    }

    /// Parses an ISO 8601 time such as "2026-11-02T14:05:00Z": a date, `T` (or a space), hours, minutes and
    /// seconds, optional fractional seconds (dropped), then `Z`, an offset like "-05:00", or nothing (UTC).
    ///
    /// Returns nil for anything that is not a real time: a day the month does not have (Feb 31, Feb 29 of a
    /// non-leap year), hour 24, minute 60, second 60 (leap seconds are refused, since whole seconds since the
    /// epoch cannot hold them), a "." with no digits after it, or an offset outside the ones clocks use,
    /// -12:00 to +14:00 (minutes 00-59).
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 32, b[13] == 58, b[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              (1...12).contains(mo), (1...Timestamp.daysIn(month: mo, year: y)).contains(d),
              h < 24, mi < 60, s < 60 else { return nil }
        var i = 19
        if i < b.count && b[i] == 46 {  // fractional seconds are dropped, but there must be some
            i += 1
            let digits = i
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
            guard i > digits else { return nil }
        }
        var offset: Int64 = 0
        if i < b.count {
            if b[i] == 90 && i == b.count - 1 {
                offset = 0
            } else if (b[i] == 43 || b[i] == 45) && b.count == i + 6 && b[i + 3] == 58,
                      let oh = num(i + 1, 2), let om = num(i + 4, 2), om < 60 {
                offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
                // Real UTC offsets run from -12:00 (Baker Island) to +14:00 (Line Islands).
                guard (-12 * 3600...14 * 3600).contains(offset) else { return nil }
            } else {
                return nil
            }
        }
        let days = Timestamp.daysFromCivil(y, mo, d)
        seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
    }

    /// The number of days in a month (1-12) of a proleptic Gregorian year.
    public static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// "2026-11-02T14:05:00Z".
    public var iso8601: String {
        let (y, m, d) = Timestamp.civil(fromDays: floorDiv(seconds, 86_400))
        let r = seconds - floorDiv(seconds, 86_400) * 86_400
        return "\(y)-\(pad(m))-\(pad(d))T\(pad(r / 3600)):\(pad(r % 3600 / 60)):\(pad(r % 60))Z"
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Division rounding toward negative infinity, so times before 1970 still fall in the right bucket.
public func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// The buyer's local clock, used for "today", hours of operation, weekdays and day buckets: an IANA time zone
/// (`America/New_York`, with daylight saving from the system's zone data) or a fixed offset from UTC.
///
/// Days follow the zone, so a day when clocks change has 23 or 25 hours. Hours (`hourIndex`) are real hours,
/// aligned with the local clock's hour boundaries: the hour repeated when clocks go back is two hours.
public struct LocalClock: Sendable, Hashable, Codable {
    /// Minutes east of UTC (US Eastern standard time is -300). With a `zone`, its standard offset (informative).
    public var utcOffsetMinutes: Int
    /// The IANA zone name, or nil for the fixed offset.
    public private(set) var zone: String?
    private var table: ZoneTable?

    /// A clock at a fixed offset from UTC.
    public init(utcOffsetMinutes: Int) { self.utcOffsetMinutes = utcOffsetMinutes }

    /// A clock following an IANA zone; nil when the system's zone data does not know the name.
    public init?(zone name: String) {
        guard let t = ZoneTable.named(name) else { return nil }
        zone = t.name
        table = t
        utcOffsetMinutes = Int(t.standardOffset / 60)
    }

    enum CodingKeys: String, CodingKey { case utcOffsetMinutes, zone }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        utcOffsetMinutes = try c.decode(Int.self, forKey: .utcOffsetMinutes)
        if let name = try c.decodeIfPresent(String.self, forKey: .zone) {
            guard let t = ZoneTable.named(name) else {
                throw DecodingError.dataCorruptedError(forKey: .zone, in: c,
                    debugDescription: "unknown time zone '\(Sanitizer.clean(name))' (an IANA name like America/New_York)")
            }
            zone = t.name
            table = t
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(utcOffsetMinutes, forKey: .utcOffsetMinutes)
        try c.encodeIfPresent(zone, forKey: .zone)
    }

    public static func == (a: LocalClock, b: LocalClock) -> Bool { a.utcOffsetMinutes == b.utcOffsetMinutes && a.zone == b.zone }
    public func hash(into h: inout Hasher) {
        h.combine(utcOffsetMinutes)
        h.combine(zone)
    }

    /// Seconds east of UTC in force at `t`.
    public func offsetSeconds(at t: Timestamp) -> Int64 {
        table?.offset(at: t.seconds) ?? Int64(utcOffsetMinutes) * 60
    }

    /// The offset hours are aligned to: the fixed offset, or the zone's standard offset (daylight saving moves
    /// clocks by whole hours, so real hours stay aligned with the local clock's).
    private var hourBase: Int64 { table?.standardOffset ?? Int64(utcOffsetMinutes) * 60 }

    public func localSeconds(_ t: Timestamp) -> Int64 { t.seconds + offsetSeconds(at: t) }
    /// The local day of `t`, the offset in force then, and the first moment (UTC seconds, after `t`) at which
    /// either may be different: the next local midnight or the next change of offset, whichever comes first.
    /// For a path that asks for the day of one moment after another.
    public func daySpan(at t: Timestamp) -> LocalDaySpan {
        let (offset, change) = table?.offsetSpan(at: t.seconds) ?? (Int64(utcOffsetMinutes) * 60, .max)
        let day = floorDiv(t.seconds + offset, 86_400)
        let (next, overflow) = (day + 1).multipliedReportingOverflow(by: 86_400)
        let midnight = overflow ? t.seconds &+ 1 : next &- offset
        return LocalDaySpan(from: t.seconds, until: max(t.seconds &+ 1, min(midnight, change)), day: day, offset: offset)
    }
    /// The buyer's local day number (days since 1970-01-01 local).
    public func day(_ t: Timestamp) -> Int64 { floorDiv(localSeconds(t), 86_400) }
    /// The local weekday of `t`: 0 Monday ... 6 Sunday.
    public func weekday(_ t: Timestamp) -> Int { Self.weekday(ofDay: day(t)) }
    /// The weekday of a local day number: 0 Monday ... 6 Sunday (1970-01-01 was a Thursday).
    public static func weekday(ofDay d: Int64) -> Int { Int((d % 7 + 7 + 3) % 7) }
    /// The moment the local day of `t` began (the first moment of that day when midnight was skipped).
    public func startOfDay(_ t: Timestamp) -> Timestamp {
        let d = day(t)
        let midnight = d * 86_400
        let guess = midnight - offsetSeconds(at: t)
        let exact = midnight - offsetSeconds(at: Timestamp(seconds: guess))
        if day(Timestamp(seconds: exact)) == d && localSeconds(Timestamp(seconds: exact)) == midnight { return Timestamp(seconds: exact) }
        // No local midnight that day (clocks moved forward at 00:00): the day starts when they did.
        return Timestamp(seconds: day(Timestamp(seconds: guess)) == d ? min(guess, exact) : max(guess, exact))
    }
    /// Real hours since the epoch, aligned with the local clock's hour boundaries.
    public func hourIndex(_ t: Timestamp) -> Int64 { floorDiv(t.seconds + hourBase, 3600) }
    /// The local hour of day, 0-23.
    public func hourOfDay(_ t: Timestamp) -> Int {
        let l = localSeconds(t)
        return Int((l - floorDiv(l, 86_400) * 86_400) / 3600)
    }
    /// Seconds since the start of the local hour of `t`, 0-3599.
    public func secondsIntoHour(_ t: Timestamp) -> Int64 {
        let l = localSeconds(t)
        return l - floorDiv(l, 3600) * 3600
    }
    /// "2026-11-02 14:05" on the local clock.
    public func format(_ t: Timestamp, seconds: Bool = false) -> String {
        let l = localSeconds(t)
        let (y, m, d) = Timestamp.civil(fromDays: floorDiv(l, 86_400))
        let r = l - floorDiv(l, 86_400) * 86_400
        let hm = "\(pad(r / 3600)):\(pad(r % 3600 / 60))"
        return "\(y)-\(pad(m))-\(pad(d)) \(hm)" + (seconds ? ":\(pad(r % 60))" : "")
    }
    /// "14:05:09" on the local clock.
    public func formatTime(_ t: Timestamp) -> String {
        let l = localSeconds(t)
        let r = l - floorDiv(l, 86_400) * 86_400
        return "\(pad(r / 3600)):\(pad(r % 3600 / 60)):\(pad(r % 60))"
    }
    /// "America/New_York", or "UTC-05:00" for a fixed offset.
    public var name: String {
        if let zone { return zone }
        let m = utcOffsetMinutes
        return "UTC\(m >= 0 ? "+" : "-")\(pad(Int64(abs(m) / 60))):\(pad(Int64(abs(m) % 60)))"
    }
}

/// A stretch of time on one local day under one UTC offset (`LocalClock.daySpan(at:)`): from `from` up to, not
/// including, `until` (UTC seconds). Remembered by a fold so it asks the clock once per stretch, not per event.
/// Two spans are equal whatever they hold (a memo, not data).
public struct LocalDaySpan: Sendable, Hashable {
    var from: Int64
    var until: Int64
    public let day: Int64
    public let offset: Int64

    /// A span that holds no moment.
    public static let none = LocalDaySpan(from: 1, until: 0, day: 0, offset: 0)

    /// Whether `t` lies in the span.
    @inline(__always)
    public func holds(_ t: Timestamp) -> Bool { t.seconds >= from && t.seconds < until }

    /// The local hour of day (0-23) of a moment the span holds.
    @inline(__always)
    public func hourOfDay(_ t: Timestamp) -> Int { Int((t.seconds + offset - day * 86_400) / 3600) }

    public static func == (a: Self, b: Self) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
