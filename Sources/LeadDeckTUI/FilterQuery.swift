import LeadDeckCore

/// Why a filter was refused, in one line the person can act on. The filter in force stays as it was.
public struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, without the `filter:` prefix (the bar the filter is typed in already says it).
    public var message: String

    public init(_ message: String) { self.message = message }

    /// The status-bar line: `filter: unknown key "foo" (known: vertical, channel, ...)`.
    public var description: String { "filter: \(message)" }
}

/// How a numeric term compares a row's figure with the number typed (`roi<0`, `leads>=30`).
enum FilterComparison: String, Sendable, CaseIterable {
    // Two-character operators first: the parser takes the first one the text starts with.
    case atMost = "<=", atLeast = ">=", notEqual = "!=", below = "<", above = ">", equal = "="

    /// Whether `value OP bound` holds. `=` takes figures within `tolerance` of the bound (half the step the
    /// figure is shown in: `conv=12.5` matches the 12.5% on screen, whatever digits lie behind it).
    func holds(_ value: Double, _ bound: Double, tolerance: Double) -> Bool {
        let equal = abs(value - bound) < tolerance
        switch self {
        case .below: return value < bound && !equal
        case .above: return value > bound && !equal
        case .atMost: return value < bound || equal
        case .atLeast: return value > bound || equal
        case .equal: return equal
        case .notEqual: return !equal
        }
    }
}

/// What a numeric field counts in: how its number may be written, and how close `=` is.
enum FilterUnit: Sendable {
    case count, dollars, percent

    /// The step figures are shown in.
    var step: Double {
        switch self {
        case .count: return 1
        case .dollars: return 0.01
        case .percent: return 0.1
        }
    }

    /// The number typed: digits with an optional sign, point and thousands commas; `$50` for dollars, `12%` for
    /// percent. Nil for anything else (`Double` alone would also take `nan`, `inf` and hex).
    func parse(_ text: Substring) -> Double? {
        var s = text.filter { $0 != "," }
        if self == .dollars, s.first == "$" { s.removeFirst() }
        if self == .percent, s.last == "%" { s.removeLast() }
        guard !s.isEmpty, s.allSatisfy({ "0123456789.+-".contains($0) }), let v = Double(s), v.isFinite else { return nil }
        return v
    }
}

/// The keys a filter knows for one kind of row (a source row, a lead in the live flow), and how a plain word
/// matches.
struct FilterFields<Subject>: Sendable {
    /// A field matched by value: `vertical:auto`.
    struct Word: Sendable {
        var names: [String]
        /// For a field with a closed list of values: every value, each with its other spellings (a typed value
        /// must begin one of them, so a typo is an error rather than a filter that matches nothing).
        var choices: [[String]]?
        var example: String
        /// Whether the row matches a lowercased, non-empty value.
        var matches: @Sendable (Subject, String) -> Bool

        /// A field with a closed list of values, matched when the value begins any spelling of the row's value.
        static func oneOf(_ names: [String], _ choices: [[String]], _ spellings: @escaping @Sendable (Subject) -> [String]) -> Word {
            Word(names: names, choices: choices, example: choices.first?.first ?? "x") { s, v in spellings(s).contains { $0.hasPrefix(v) } }
        }
    }

    /// A field compared with a number: `roi<0`.
    struct Number: Sendable {
        var names: [String]
        var unit: FilterUnit
        var example: String
        /// The row's figure in `unit`, or nil when it has none yet (no ROI before any spend): such a row matches
        /// no comparison, and so matches its negation.
        var value: @Sendable (Subject) -> Double?
    }

    var words: [Word]
    var numbers: [Number]
    /// The test of a plain word (no key), made once per word: whether it matches a row.
    var text: @Sendable (String) -> @Sendable (Subject) -> Bool

    /// Every key's first name, value fields then numeric ones, for the unknown-key error and the help.
    var known: [String] {
        var seen: [String] = []
        for n in words.map({ $0.names[0] }) + numbers.map({ $0.names[0] }) where !seen.contains(n) { seen.append(n) }
        return seen
    }

    func unknownKey(_ key: String) -> FilterError {
        let all = words.flatMap(\.names) + numbers.flatMap(\.names)
        let near = all.first { key.hasPrefix($0) || $0.hasPrefix(key) }.map { "did you mean \($0)? " } ?? ""
        return FilterError("unknown key \"\(key)\" (\(near)known: \(known.joined(separator: ", ")))")
    }
}

/// A parsed filter: words separated by spaces, every one must match; `!` before a word negates it.
///
/// A word is plain text (matched against the row's id, name and so on), `key:value`, or a comparison
/// `key OP number` with OP one of `< <= > >= = !=`. An unknown key or a malformed number is a `FilterError`
/// from `parse`, never a filter that silently matches nothing.
public struct FilterQuery<Subject>: Sendable {
    struct Term: Sendable {
        var negated: Bool
        var test: @Sendable (Subject) -> Bool
    }

    var terms: [Term]

    /// Whether the filter has no words (it matches every row).
    public var isEmpty: Bool { terms.isEmpty }

    /// Whether the row passes every word of the filter.
    public func matches(_ subject: Subject) -> Bool { terms.allSatisfy { $0.test(subject) != $0.negated } }

    /// Parses `text` against the keys `fields` knows. Matching ignores case.
    static func parse(_ text: String, fields: FilterFields<Subject>) -> Result<FilterQuery, FilterError> {
        var terms: [Term] = []
        for token in text.lowercased().split(whereSeparator: \.isWhitespace) {
            switch term(token, fields) {
            case .success(let t): terms.append(t)
            case .failure(let e): return .failure(e)
            }
        }
        return .success(FilterQuery(terms: terms))
    }

    static func term(_ token: Substring, _ fields: FilterFields<Subject>) -> Result<Term, FilterError> {
        let negated = token.first == "!"
        let t = negated ? token.dropFirst() : token
        if t.isEmpty { return .failure(FilterError("\"!\" needs a word after it, as in !blocked")) }
        let key = String(t.prefix { $0.isASCII && $0.isLetter })
        let rest = t.dropFirst(key.count)
        if !key.isEmpty, rest.first == ":" {
            let value = String(rest.dropFirst())
            guard let field = fields.words.first(where: { $0.names.contains(key) }) else {
                if let n = fields.numbers.first(where: { $0.names.contains(key) }) {
                    return .failure(FilterError("\(key) takes a comparison, as in \(key)\(n.example)"))
                }
                return .failure(fields.unknownKey(key))
            }
            if value.isEmpty { return .failure(FilterError("\"\(key):\" needs a value, as in \(key):\(field.example)")) }
            if let choices = field.choices, !choices.contains(where: { $0.contains { $0.hasPrefix(value) } }) {
                let list = choices.map { $0[0] }.joined(separator: ", ")
                return .failure(FilterError("no \(key) begins with \"\(value)\" (\(key): \(list))"))
            }
            return .success(Term(negated: negated) { field.matches($0, value) })
        }
        if !key.isEmpty, let op = FilterComparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) {
            let number = rest.dropFirst(op.rawValue.count)
            guard let field = fields.numbers.first(where: { $0.names.contains(key) }) else {
                if let w = fields.words.first(where: { $0.names.contains(key) }) {
                    return .failure(FilterError("\(key) is not a number: use \(key):VALUE, as in \(key):\(w.example)"))
                }
                return .failure(fields.unknownKey(key))
            }
            guard let bound = field.unit.parse(number) else {
                return .failure(FilterError(number.isEmpty ? "\"\(key)\(op.rawValue)\" needs a number, as in \(key)\(field.example)"
                                                           : "\"\(number)\" in \"\(t)\" is not a number, as in \(key)\(field.example)"))
            }
            let tolerance = field.unit.step / 2
            return .success(Term(negated: negated) { s in field.value(s).map { op.holds($0, bound, tolerance: tolerance) } ?? false })
        }
        let word = String(t)
        return .success(Term(negated: negated, test: fields.text(word)))
    }
}
