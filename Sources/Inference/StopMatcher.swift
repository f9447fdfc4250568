/// Watches generated text for stop strings. Text that could still turn into the start of a stop
/// string is held back, so a streamed generation never shows part of a stop string.
struct StopMatcher {
    let stops: [String]
    /// Everything generated so far.
    private(set) var text = ""
    /// Characters of `text` already handed out.
    private var emitted = 0

    init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Adds newly decoded text. Returns the text that is now safe to show, and whether a stop string
    /// was found (then `text` has been cut just before it).
    mutating func append(_ piece: String) -> (ready: String, stopped: Bool) {
        text += piece
        var earliest: String.Index?
        for stop in stops {
            if let range = text.range(of: stop), earliest.map({ range.lowerBound < $0 }) ?? true {
                earliest = range.lowerBound
            }
        }
        if let earliest {
            text = String(text[..<earliest])
            return (take(upTo: text.count), true)
        }
        // Hold back the longest suffix that is a prefix of some stop string.
        var hold = 0
        for stop in stops {
            var length = min(stop.count - 1, text.count)
            while length > hold {
                if text.hasSuffix(stop.prefix(length)) { hold = length; break }
                length -= 1
            }
        }
        return (take(upTo: text.count - hold), false)
    }

    /// The text not yet handed out (at the end of generation).
    mutating func flush() -> String { take(upTo: text.count) }

    private mutating func take(upTo count: Int) -> String {
        guard count > emitted else { return "" }
        let start = text.index(text.startIndex, offsetBy: emitted)
        let end = text.index(text.startIndex, offsetBy: count)
        emitted = count
        return String(text[start..<end])
    }
}
