import ArgumentParser
import Foundation
import LeadDeckCore
import LeadDeckStore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the event stream: offers and decisions, outcomes, policy changes.",
        discussion: "--json prints one object per line ({\"seq\":N,\"event\":{...}}) for pipes; --follow keeps printing new events.")

    @OptionGroup var options: StoreOptions
    @Flag(help: "Keep running and print new events as they are recorded.") var follow = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Print only the last N events first.") var last: Int?

    func run() throws {
        // A parent's blocked mask would make SIGTERM and Ctrl-C wait forever while following.
        if follow { Terminal.unblockSignals() }
        try guarded {
            let store = try options.open()
            // Only the text form reads the policy (its clock, for local times); JSON prints what is stored.
            let clock = json ? nil : try Failure.wrap { () throws(StoreError) in try store.loadPolicyDocument().policy.clock }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = ""
            func emit(_ r: LogRecord) {
                if let clock {
                    out += "#\(r.seq)  \(describe(r.event, clock: clock))\n"
                } else {
                    // Non-ASCII controls and bidi characters are escaped, so the output is safe in a terminal too.
                    let payload = (try? encoder.encode(r.event)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
                    out += "{\"seq\":\(r.seq),\"event\":\(asciiJSON(payload))}\n"
                }
                if out.utf8.count > 1 << 16 { writeOut(out); out = "" }
            }
            // JSON passes each event's stored bytes through (checked by their checksum, never decoded and
            // encoded again): the stored bytes are what the encoder wrote, so the output is the same, faster.
            // A chunk of records is read in place (the next one on the other core meanwhile); plain ASCII records'
            // printed lines are written over their own framing there and written out from there, and only lines
            // that need escaping are built apart, in `spare`.
            var spare: [UInt8] = []
            var gather = GatherWriter()
            func emitChunk(_ chunk: EventChunk) {
                chunk.writeLogJSON(spare: &spare) { piece in
                    gather.add(piece)
                    gather.flush()
                }
            }
            func next(after position: LogPosition) throws -> LogPosition {
                try Failure.wrap { () throws(StoreError) in
                    json ? try store.forEachEventChunk(after: position, emitChunk) : try store.forEachRecord(after: position, emit)
                }
            }
            var position = LogPosition.afterHeader
            if let last {
                let (records, end) = try Failure.wrap { () throws(StoreError) in try store.lastRecords(max(0, last)) }
                records.forEach(emit)
                position = end
            } else {
                position = try next(after: position)
            }
            writeOut(out)
            out = ""
            while follow {
                usleep(200_000)
                position = try next(after: position)
                writeOut(out)
                out = ""
            }
        }
    }
}
