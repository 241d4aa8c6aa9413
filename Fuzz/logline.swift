// libFuzzer entry point for EventLogCodec.parse (one event-log line, without its newline). Built by
// scripts/fuzz.sh together with the LeadDeckStore sources, so internal symbols (encode, EventEncoder, CRC32)
// are visible.
import Foundation
import LeadDeckCore

private let decoder = JSONDecoder()
/// A checksum field of exactly `xxxxxxxx` is replaced by the right CRC before parsing, so that mutated events
/// get past the checksum and reach the event decoder (random mutations almost never keep a CRC right). Any
/// other checksum text is parsed as it is, which fuzzes the framing and checksum checks.
private let crcPlaceholder = Array("xxxxxxxx".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var line = Array(UnsafeBufferPointer(start: data, count: size))
    if line.starts(with: EventLogCodec.prefix), line.last == 125,
       let at = firstRange(of: EventLogCodec.crcKey, in: line), line.count >= at + 8,
       line[at..<(at + 8)].elementsEqual(crcPlaceholder) {
        let seqText = Array(line[EventLogCodec.prefix.count..<(at - EventLogCodec.crcKey.count)])  // may be junk
        let payloadStart = at + 8 + EventLogCodec.eventKey.count
        if payloadStart <= line.count - 1 {
            let crc = CRC32.checksum(line[payloadStart..<(line.count - 1)], start: CRC32.checksum(seqText + [58]))
            line.replaceSubrange(at..<(at + 8), with: EventLogCodec.hex8(crc))
        }
    }
    switch EventLogCodec.parse(line[...], decoder: decoder) {
    case .success(let (seq, event)):
        fuzzCheck(seq >= 0, "negative sequence number \(seq)", line)
        // What the codec reads, it must write back so that it reads the same again.
        var out: [UInt8] = []
        EventLogCodec.encode(event, seq: seq, encoder: EventEncoder(), into: &out)
        fuzzCheck(out.last == 10 && !out.dropLast().contains(10), "encoded record is not one line ending in a newline", line)
        switch EventLogCodec.parse(out.dropLast(), decoder: decoder) {
        case .success(let (seq2, event2)):
            fuzzCheck(seq2 == seq && event2 == event,
                      "round trip changed the record: \(seq) \(event)\n  -> \(seq2) \(event2)\n  re-encoded: \(String(decoding: out, as: UTF8.self))", line)
        case .failure(let e):
            fuzzCheck(false, "re-encoded record does not parse: \(e.description)\n  re-encoded: \(String(decoding: out, as: UTF8.self))", line)
        }
    case .failure(let e):
        fuzzCheck(!e.description.isEmpty, "failure without a description", line)
    }
    return 0
}

private func firstRange(of needle: [UInt8], in hay: [UInt8]) -> Int? {
    guard hay.count >= needle.count else { return nil }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) {
        return i + needle.count
    }
    return nil
}

