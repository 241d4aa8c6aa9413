/// One line of an input file: its 1-based number and its bytes, without the line ending.
public struct InputLine: Sendable {
    public var number: Int
    public var bytes: ArraySlice<UInt8>
    /// Whether the line holds only spaces and tabs (or nothing).
    public var isBlank: Bool { bytes.allSatisfy { $0 == 32 || $0 == 9 } }
}

/// Splits input the way people's files come: LF or CRLF line endings (a lone CR at the end of a line is
/// dropped too), and a UTF-8 byte order mark at the start ignored. Works on bytes, so invalid UTF-8 stays
/// visible to the parsers (which refuse it) instead of being replaced.
public enum InputLines {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The lines of `bytes`; a last line without a newline counts, an empty last line after one does not.
    public static func split(_ bytes: [UInt8]) -> [InputLine] {
        var start = bytes.starts(with: byteOrderMark) ? 3 : 0
        var lines: [InputLine] = []
        var number = 0
        while start < bytes.count {
            number += 1
            let newline = bytes[start...].firstIndex(of: 10) ?? bytes.count
            var end = newline
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            lines.append(InputLine(number: number, bytes: bytes[start..<end]))
            start = newline + 1
        }
        return lines
    }

    /// The text of a line, or nil when it is not valid UTF-8.
    public static func text(_ line: ArraySlice<UInt8>) -> String? {
        String(validating: line, as: UTF8.self)
    }
}
