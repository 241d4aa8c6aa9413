/// Made-up consumer details for the simulated exchange.
enum ConsumerNames {
    static let first = ["James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "John",
                        "Elizabeth", "Carlos", "Aisha", "Wei", "Priya", "Daniel", "Sofia", "Kevin", "Grace",
                        "Jose", "Emily", "Thomas", "Olivia", "Andre", "Hannah", "Luis", "Chloe", "Mark", "Nina",
                        "Samuel", "Zoe", "Brian", "Fatima", "Tyler", "Mei", "Omar", "Rachel"]
    static let last = ["Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Rodriguez", "Martinez", "Lee",
                       "Wilson", "Anderson", "Thomas", "Nguyen", "Patel", "Kim", "Clark", "Lewis", "Walker",
                       "Hall", "Young", "Allen", "Lopez", "Hill", "Scott", "Green", "Adams", "Baker", "Chen",
                       "Rivera", "Campbell", "Mitchell", "Roberts", "Turner", "Phillips", "Evans", "Okafor"]
    /// `first` and `last` lower-cased, for e-mail addresses.
    static let firstLowercased = first.map { $0.lowercased() }
    static let lastLowercased = last.map { $0.lowercased() }
    /// Every postal code a place can get: its zip prefix and 10 to 99 (`SimulatedText.postalCode`), made once.
    static let postalCodes: [[String]] = places.map { p in (10...99).map { SimulatedText.postalCode(p.2, $0) } }
    /// (state, city, zip prefix), weighted roughly by population through repetition.
    static let places: [(String, String, String)] = [
        ("CA", "Los Angeles", "900"), ("CA", "San Diego", "921"), ("CA", "Sacramento", "958"),
        ("TX", "Houston", "770"), ("TX", "Dallas", "752"), ("TX", "Austin", "787"),
        ("FL", "Miami", "331"), ("FL", "Tampa", "336"), ("FL", "Orlando", "328"),
        ("NY", "Buffalo", "142"), ("NY", "Albany", "122"), ("PA", "Philadelphia", "191"),
        ("PA", "Pittsburgh", "152"), ("IL", "Chicago", "606"), ("OH", "Columbus", "432"),
        ("OH", "Cleveland", "441"), ("GA", "Atlanta", "303"), ("NC", "Charlotte", "282"),
        ("MI", "Detroit", "482"), ("NJ", "Newark", "071"), ("VA", "Richmond", "232"),
        ("WA", "Seattle", "981"), ("AZ", "Phoenix", "850"), ("MA", "Boston", "021"),
        ("TN", "Nashville", "372"), ("IN", "Indianapolis", "462"), ("MO", "St. Louis", "631"),
        ("MD", "Baltimore", "212"), ("CO", "Denver", "802"), ("MN", "Minneapolis", "554"),
        ("NV", "Las Vegas", "891"), ("OR", "Portland", "972"), ("LA", "New Orleans", "701"),
    ]
}

/// The simulated exchange's generated text, written digit by digit: one string allocation each (or none, for
/// the short ones Swift keeps inline) instead of interpolation's several. The text is what interpolation wrote.
enum SimulatedText {
    /// The decimal digits of non-negative `values`, one after the other ("2145550101" for 214, 555, 101).
    static func digits(_ values: Int...) -> String {
        let total = values.reduce(0) { $0 + decimalLength($1) }
        return write(capacity: total) { w in
            for v in values { w.decimal(v) }
        }
    }

    /// The decimal digits of three non-negative values (a phone number's area, exchange and line), without
    /// the variadic form's array.
    static func digits(_ a: Int, _ b: Int, _ c: Int) -> String {
        write(capacity: decimalLength(a) + decimalLength(b) + decimalLength(c)) { w in
            w.decimal(a)
            w.decimal(b)
            w.decimal(c)
        }
    }

    /// "L" and the lead number in upper-case base 36 ("L1", "LAC2P").
    static func leadID(_ n: Int64) -> String {
        write(capacity: 1 + digitCount(Int(n), radix: 36)) { w in
            w.byte(UInt8(ascii: "L"))
            w.number(Int(n), radix: 36)
        }
    }

    /// A zip prefix and two more digits.
    static func postalCode(_ prefix: String, _ last: Int) -> String {
        write(capacity: prefix.utf8.count + decimalLength(last)) { w in
            w.append(prefix)
            w.decimal(last)
        }
    }

    /// "first.lastN@example.com".
    static func email(_ first: String, _ last: String, _ n: Int) -> String {
        let domain = "@example.com"
        return write(capacity: first.utf8.count + 1 + last.utf8.count + decimalLength(n) + domain.utf8.count) { w in
            w.append(first)
            w.byte(UInt8(ascii: "."))
            w.append(last)
            w.decimal(n)
            w.append(domain)
        }
    }

    /// How many decimal digits non-negative `v` has.
    static func decimalLength(_ v: Int) -> Int { digitCount(v, radix: 10) }

    /// How many digits non-negative `v` has in base `radix`.
    static func digitCount(_ v: Int, radix: Int) -> Int {
        var length = 1
        var rest = v / radix
        while rest > 0 { length += 1; rest /= radix }
        return length
    }

    /// Writes ASCII text of exactly `capacity` bytes into a buffer on the stack and makes the string from it
    /// (kept inline when short; `String(unsafeUninitializedCapacity:)` looks a conformance up on every call).
    private static func write(capacity: Int, _ body: (inout Writer) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { buffer in
            var w = Writer(base: buffer.baseAddress!)
            body(&w)
            precondition(w.count == capacity, "SimulatedText wrote \(w.count) bytes for \(capacity)")
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: w.count), as: UTF8.self)
        }
    }

    private struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func byte(_ b: UInt8) {
            base[count] = b
            count += 1
        }

        mutating func append(_ s: String) {
            var s = s
            s.withUTF8 { u in
                guard let from = u.baseAddress else { return }
                (base + count).update(from: from, count: u.count)
                count += u.count
            }
        }

        mutating func decimal(_ v: Int) { number(v, radix: 10) }

        /// Non-negative `v` in base `radix` (at most 36), upper-case letters past 9.
        mutating func number(_ v: Int, radix: Int) {
            let length = SimulatedText.digitCount(v, radix: radix)
            var rest = v
            var at = length
            while at > 0 {
                at -= 1
                let d = UInt8(rest % radix)
                base[count + at] = d < 10 ? 48 + d : 55 + d
                rest /= radix
            }
            count += length
        }
    }
}
