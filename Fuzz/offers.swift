// libFuzzer entry point for OfferParser (one exchange offer per line, JSON). Built by scripts/fuzz.sh together
// with the LeadDeckStore sources, so internal symbols are visible; LeadDeckCore is imported as a module.
import Foundation
import LeadDeckCore

private let now = Timestamp(seconds: 1_800_000_000)  // 2027-01-15T08:00:00Z, as in ParserTests

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The call under test. (For a parser that takes text: `String(decoding: bytes, as: UTF8.self)`.)
    let result = OfferParser.parse(bytes[...], now: now)
    switch result {
    case .success(let o):
        // An offer line is JSON text in UTF-8: valid UTF-8, and no raw control bytes but tab, LF and CR.
        fuzzCheck(String(validating: bytes, as: UTF8.self) != nil, "accepted invalid UTF-8", bytes)
        fuzzCheck(!bytes.contains { $0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13 }, "accepted raw control bytes", bytes)
        fuzzCheck(!o.leadID.isEmpty, "empty lead_id", bytes)
        fuzzCheck(o.leadID.count <= 64, "lead_id longer than 64", bytes)
        fuzzCheck(o.price.cents > 0 && o.price <= Policy.maxPrice, "price \(o.price.cents) cents not in 1...max", bytes)
        fuzzCheck(o.state.unicodeScalars.count == 2 && o.state.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) },
                  "state \(o.state.debugDescription) is not two upper-case ASCII letters", bytes)
        fuzzCheck(SourceRef.isValidID(o.sourceID) && SourceRef.isValidID(o.subID), "invalid source_id/sub_id", bytes)
        fuzzCheck((1...20).contains(o.maxSells), "max_sells \(o.maxSells) not in 1...20", bytes)
        fuzzCheck(o.receivedAt.seconds >= now.seconds - 366 * 86_400 && o.receivedAt.seconds <= now.seconds + 86_400,
                  "received_at \(o.receivedAt.seconds) not plausible", bytes)
        for field in [o.leadID, o.sourceID, o.subID, o.state, o.postalCode, o.city, o.firstName, o.lastName, o.phone, o.email] {
            fuzzCheck(fuzzIsTerminalSafe(Sanitizer.clean(field)), "Sanitizer.clean left a control in \(field.debugDescription)", bytes)
        }
    case .failure(let e):
        // Error messages are shown in the terminal: any untrusted text in them must have been cleaned.
        fuzzCheck(fuzzIsTerminalSafe(e.description), "unsafe character in error \(e.description.debugDescription)", bytes)
    }
    return 0
}


