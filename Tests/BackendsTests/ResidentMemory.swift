import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's anonymous resident memory (`/proc/self/statm`, Linux: resident minus file-backed
/// pages, so a model file other tests memory-map and read does not count), sampled every 2 ms while
/// a body runs, so a test can bound the peak a request reached rather than what is left after it
/// freed its buffers.
final class ResidentMemory: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ResidentMemory.current()
    private var peak = 0
    private var running = true

    /// The largest growth over the resident size at the start while `body` ran, in bytes.
    static func peakGrowth<T>(during body: () async throws -> T) async rethrows -> (growth: Int, result: T) {
        let sampler = ResidentMemory()
        let result = try await body()
        return (sampler.stop(), result)
    }

    private init() {
        peak = start
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let now = Self.current()
                lock.withLock { peak = max(peak, now) }
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        thread.start()
    }

    private func stop() -> Int {
        let now = Self.current()
        return lock.withLock {
            running = false
            return max(peak, now) - start
        }
    }

    /// Anonymous resident bytes now; 0 where `/proc/self/statm` does not exist.
    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 2, let resident = Int(fields[1]), let shared = Int(fields[2]) else { return 0 }
        return (resident - shared) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
