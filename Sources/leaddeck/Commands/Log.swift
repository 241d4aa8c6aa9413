import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the event stream: offers and decisions, outcomes, policy changes.",
        discussion: "--json prints one object per line ({\"seq\":N,\"event\":{...}}) for pipes; --follow keeps printing new events.")

    @OptionGroup var options: StoreOptions
    @Flag(help: "Keep running and print new events as they are recorded.") var follow = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Print only the last N events first.") var last: Int?

    func run() throws {
        try guarded {
            let store = try options.open()
            let policy = try Failure.wrap { () throws(StoreError) in try store.loadPolicyDocument().policy }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = ""
            func emit(_ r: LogRecord) {
                if json {
                    // Non-ASCII controls and bidi characters are escaped, so the output is safe in a terminal too.
                    let payload = (try? encoder.encode(r.event)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
                    out += "{\"seq\":\(r.seq),\"event\":\(asciiJSON(payload))}\n"
                } else {
                    out += "#\(r.seq)  \(describe(r.event, clock: policy.clock))\n"
                }
                if out.utf8.count > 1 << 16 { writeOut(out); out = "" }
            }
            var position = LogPosition.afterHeader
            if let last {
                let (records, end) = try Failure.wrap { () throws(StoreError) in try store.lastRecords(max(0, last)) }
                records.forEach(emit)
                position = end
            } else {
                position = try Failure.wrap { () throws(StoreError) in try store.forEachRecord(after: position, emit) }
            }
            writeOut(out)
            out = ""
            while follow {
                usleep(200_000)
                position = try Failure.wrap { () throws(StoreError) in try store.forEachRecord(after: position, emit) }
                writeOut(out)
                out = ""
            }
        }
    }
}

/// JSON text with control, DEL, C1 and bidi characters escaped as \uXXXX.
func asciiJSON(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        // JSONEncoder already escapes C0; the sanitiser's set adds DEL, C1 and the bidi controls.
        if Sanitizer.isUnsafe(u) {
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}
