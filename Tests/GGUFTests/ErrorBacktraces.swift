#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Swift Testing hooks the runtime's `swift_willThrow` to capture a backtrace for every thrown
/// error (tens of microseconds each). Corruption tests throw millions of parse errors on purpose,
/// so they pause that hook around their loops (runtime globals `_swift_willThrow` and
/// `_swift_willThrowTypedImpl`); when the symbols are absent the tests just run slower.
enum ErrorBacktraces {
    static func paused<R>(_ body: () throws -> R) rethrows -> R {
        let names = ["_swift_willThrow", "_swift_willThrowTypedImpl"]
        let slots = names.compactMap { dlsym(UnsafeMutableRawPointer(bitPattern: 0), $0) }
            .map { $0.assumingMemoryBound(to: UnsafeRawPointer?.self) }
        let saved = slots.map(\.pointee)
        for slot in slots { slot.pointee = nil }
        defer { for (slot, value) in zip(slots, saved) { slot.pointee = value } }
        return try body()
    }
}
