// libFuzzer entry point for DispositionParser (buyer CRM dispositions as CSV or JSON Lines). Built by
// scripts/fuzz.sh together with the LeadDeckStore sources, so internal symbols are visible.
import Foundation
import LeadDeckCore

private let now = Timestamp(seconds: 1_800_000_000)  // 2027-01-15T08:00:00Z, as in ParserTests
private let checkCRLF = ProcessInfo.processInfo.environment["FUZZ_SKIP_CRLF"] == nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The call under test. (For a parser that takes text: `String(decoding: bytes, as: UTF8.self)`.)
    let rows = DispositionParser.parse(bytes, now: now)
    let lineCount = bytes.split(separator: 10, omittingEmptySubsequences: false).count
    var previous = 0
    for (line, result) in rows {
        fuzzCheck(line > previous && line <= lineCount, "line number \(line) out of order or past \(lineCount)", bytes)
        previous = line
        switch result {
        case .success(let d):
            fuzzCheck(!d.leadID.isEmpty, "empty lead_id", bytes)
            switch d.kind {
            case .converted:
                fuzzCheck(d.revenue.map { $0.cents > 0 && $0 <= Policy.maxPrice } == true, "converted without a positive revenue", bytes)
                fuzzCheck(d.refund == nil && d.reason == nil, "converted with refund/reason", bytes)
            case .returned:
                fuzzCheck(d.reason.map { !$0.isEmpty && $0.count <= 200 } == true, "returned without a reason of 1-200 characters", bytes)
                fuzzCheck(d.refund.map { $0.cents > 0 && $0 <= Policy.maxPrice } ?? true, "refund not positive", bytes)
                fuzzCheck(d.revenue == nil, "returned with revenue", bytes)
            case .contacted:
                fuzzCheck(d.revenue == nil && d.refund == nil && d.reason == nil, "contacted with money or reason", bytes)
            }
            if let t = d.time {
                fuzzCheck(t.seconds >= now.seconds - 366 * 86_400 && t.seconds <= now.seconds + 86_400, "time \(t.seconds) not plausible", bytes)
            }
            for field in [d.leadID, d.reason ?? ""] {
                fuzzCheck(fuzzIsTerminalSafe(Sanitizer.clean(field)), "Sanitizer.clean left a control in \(field.debugDescription)", bytes)
            }
        case .failure(let e):
            // Error messages are shown in the terminal: any untrusted text in them must have been cleaned.
            fuzzCheck(fuzzIsTerminalSafe(e.description), "unsafe character in error \(e.description.debugDescription)", bytes)
        }
    }
    // Line endings may be LF or CRLF, and a UTF-8 byte order mark at the start is ignored: the same input
    // with CRLF endings, or with a byte order mark, must read the same. (FUZZ_SKIP_CRLF=1 skips the CRLF check.)
    if checkCRLF && bytes.contains(10) && !bytes.contains(13) {
        compare(rows, DispositionParser.parse(bytes.flatMap { $0 == 10 ? [13, 10] : [$0] }, now: now), "CRLF line endings", bytes)
    }
    if !bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
        compare(rows, DispositionParser.parse([0xEF, 0xBB, 0xBF] + bytes, now: now), "a byte order mark", bytes)
    }
    return 0
}

private typealias Rows = [(line: Int, result: Result<Disposition, StoreError>)]

private func compare(_ rows: Rows, _ other: Rows, _ change: String, _ bytes: [UInt8]) {
    guard let i = (0..<max(rows.count, other.count)).first(where: { i in
        i >= rows.count || i >= other.count || rows[i].line != other[i].line || rows[i].result != other[i].result
    }) else { return }
    func show(_ r: Rows) -> String { i < r.count ? "line \(r[i].line): \(r[i].result)" : "no row" }
    fuzzCheck(false, "\(change) changed what is read: row \(i + 1) is\n  as given: \(show(rows))\n  with \(change): \(show(other))", bytes)
}


