@testable import LeadDeckStore
import Testing

/// SHA-256 against the FIPS 180-4 examples and `sha256sum` (GNU coreutils) for inputs around the padding
/// boundaries (55 bytes is the most that fits one block with its length; 56-63 need a second block).
@Suite("SHA256")
struct SHA256Tests {
    /// The first `n` bytes of a repeating alphabet-and-digits text (what `head -c n` of it gives).
    static func pattern(_ n: Int) -> String {
        String(String(repeating: "abcdefghijklmnopqrstuvwxyz0123456789", count: 2).prefix(n))
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(_ input: String, _ expected: String) {
        #expect(SHA256.hexDigest(input) == expected)
    }

    @Test func oneMillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(SHA256.hash(input)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Expected values from `printf %s "$P" | head -c N | sha256sum`, P the pattern twice.
    @Test(arguments: [
        (55, "82a01e3dd9cf63b32f2137747c00d92aeacfcea35dc58b37cf6b01fbcd7b5092"),
        (56, "24d78d38b3e044ec7100a06261c63a1e94f48928104858fe5576aea695db1e6f"),
        (63, "b499f29a5bed5082ce023ec3a5e7f7df025e37906d05391cdeea9b6a2d1f1a8e"),
        (64, "9811e1ddf569b14d62a237a466700c99034c0836d098a02b2bd146265489c068"),
        (65, "4e43e86934fadc32af139ed8d8dbd9cc1c1e9468ddcc136e0c64669f0b116bd2"),
    ])
    func paddingBoundaries(_ length: Int, _ expected: String) {
        let input = Self.pattern(length)
        #expect(input.utf8.count == length)
        #expect(SHA256.hexDigest(input) == expected)
        #expect(SHA256.hash(Array(input.utf8)).count == 32)
    }

    @Test func hexRoundTrips() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa0, 0xff, 0x7e]
        #expect(SHA256.hex(bytes) == "000fa0ff7e")
        #expect(SHA256.bytes(hex: "000FA0ff7e") == bytes)
        #expect(SHA256.bytes(hex: "abc") == nil)
        #expect(SHA256.bytes(hex: "zz") == nil)
    }
}
