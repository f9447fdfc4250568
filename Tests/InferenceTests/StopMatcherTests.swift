@testable import Inference
import Testing

struct StopMatcherTests {
    @Test func holdsBackPossibleStopPrefixesAndCutsAtTheStop() {
        var matcher = StopMatcher(stops: ["\nUser:", "###"])
        #expect(matcher.append("Hello") == ("Hello", false))
        #expect(matcher.append(" world\nUs") == (" world", false))
        #expect(matcher.append("ual") == ("\nUsual", false))
        #expect(matcher.append(" end\nUser: more") == (" end", true))
        #expect(matcher.text == "Hello world\nUsual end")
    }

    @Test func noStopsPassesEverythingThrough() {
        var matcher = StopMatcher(stops: [""])
        #expect(matcher.append("a#") == ("a#", false))
        #expect(matcher.flush() == "")
    }
}
