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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for v in values { appendDigits(v, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "L" and the lead number in upper-case base 36 ("L1", "LAC2P").
    static func leadID(_ n: Int64) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "L")]
        var digits: [UInt8] = []
        var v = n
        repeat {
            let d = UInt8(v % 36)
            digits.append(d < 10 ? 48 + d : 55 + d)
            v /= 36
        } while v > 0
        bytes.append(contentsOf: digits.reversed())
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A zip prefix and two more digits.
    static func postalCode(_ prefix: String, _ last: Int) -> String {
        var bytes = Array(prefix.utf8)
        appendDigits(last, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "first.lastN@example.com".
    static func email(_ first: String, _ last: String, _ n: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(first.utf8.count + last.utf8.count + 16)
        bytes.append(contentsOf: first.utf8)
        bytes.append(UInt8(ascii: "."))
        bytes.append(contentsOf: last.utf8)
        appendDigits(n, to: &bytes)
        bytes.append(contentsOf: "@example.com".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendDigits(_ v: Int, to bytes: inout [UInt8]) {
        if v >= 10 { appendDigits(v / 10, to: &bytes) }
        bytes.append(48 + UInt8(v % 10))
    }
}
