/// Helpers shared by every fuzz entry point (compiled into each fuzz binary by scripts/fuzz.sh).

/// No C0 control (ESC included), DEL, C1 control or bidi control: checked here independently of Sanitizer.
func fuzzIsTerminalSafe(_ s: String) -> Bool {
    !s.unicodeScalars.contains { u in
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }
}

/// Stops the run (libFuzzer saves the input as a crash) when an invariant does not hold; prints the input as hex.
func fuzzCheck(_ ok: @autoclosure () -> Bool, _ what: @autoclosure () -> String, _ input: [UInt8],
               file: StaticString = #filePath, line: UInt = #line) {
    guard !ok() else { return }
    let hex = input.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    fatalError("INVARIANT FAILED at \(file):\(line): \(what())\ninput (hex): \(hex)")
}
