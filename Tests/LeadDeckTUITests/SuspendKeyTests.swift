import LeadDeckCore
@testable import LeadDeckTUI
import Testing

@Suite("Ctrl-Z")
struct SuspendKeyTests {
    @Test func ctrlZAsksTheRuntimeToSuspendOnEveryScreen() {
        var m = TUIFixture.model(readOnly: true)
        for key in [Key.char("1"), .char("2"), .char("3"), .char("4")] {
            TUIFixture.press(&m, key)
            #expect(TUIFixture.press(&m, .ctrl("z")) == [.suspend], "\(m.screen)")
        }
        #expect(Renderer.helpLines(m).contains { $0.hasPrefix("Ctrl-Z") && $0.contains("suspend") })
        // A confirmation takes the key first: it is cancelled, and nothing else happens.
        var c = TUIFixture.model()
        TUIFixture.press(&c, .char("b"))
        #expect(TUIFixture.press(&c, .ctrl("z")).isEmpty && c.confirmation == nil)
    }
}
