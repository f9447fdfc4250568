import CKernels
import Foundation
import Testing
@testable import Inference

@Suite("ThreadPool")
struct ThreadPoolTests {
    /// Counts visits per index with atomic increments (each index must be seen exactly once).
    final class Visits: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let size: Int
        init(_ size: Int) {
            self.size = size
            counts = .allocate(capacity: max(size, 1))
            counts.initialize(repeating: 0, count: max(size, 1))
        }
        deinit { counts.deallocate() }
        func visit(_ i: Int) { _ = __vs_add(counts + i) }
        var allOnce: Bool { (0..<size).allSatisfy { counts[$0] == 1 } }
    }

    @Test("every index is visited exactly once, for many counts and thread counts", arguments: [1, 2, 3, 5])
    func coverage(threads: Int) {
        let pool = ThreadPool(threads: threads)
        #expect(pool.threadCount == threads)
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            for chunks in [nil, 1, 3, 16, 5000] {
                let visits = Visits(count)
                let inUse = Visits(threads)
                let clash = Visits(1)
                pool.parallelFor(count, chunks: chunks) { begin, end, thread in
                    #expect(begin < end && thread >= 0 && thread < threads)
                    // No two chunks running at once share a thread index.
                    if vs_atomic_add(inUse.counts + thread, 1) != 1 { clash.visit(0) }
                    for i in begin..<end { visits.visit(i) }
                    vs_atomic_add(inUse.counts + thread, -1)
                }
                #expect(visits.allOnce, "count \(count) chunks \(String(describing: chunks))")
                #expect(clash.counts[0] == 0)
            }
        }
    }

    @Test("0 threads means all cores")
    func allCores() {
        #expect(ThreadPool(threads: 0).threadCount == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("many rapid calls all complete with the right sums")
    func rapidCalls() {
        let pool = ThreadPool(threads: 2)
        let sums = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        defer { sums.deallocate() }
        for call in 0..<20_000 {
            sums.initialize(repeating: 0, count: 2)
            let count = 2 + call % 13
            pool.parallelFor(count) { begin, end, thread in
                for i in begin..<end { sums[thread] += i }
            }
            #expect(sums[0] + sums[1] == count * (count - 1) / 2)
        }
    }

    @Test("a parallelFor inside a body runs inline and covers its range")
    func nested() {
        let pool = ThreadPool(threads: 2)
        let visits = Visits(8 * 50)
        pool.parallelFor(8) { begin, end, outerThread in
            for outer in begin..<end {
                pool.parallelFor(50) { b, e, innerThread in
                    #expect(innerThread == outerThread)
                    for inner in b..<e { visits.visit(outer * 50 + inner) }
                }
            }
        }
        #expect(visits.allOnce)
    }

    @Test("calls from several threads at once are serialised safely")
    func concurrentCallers() {
        let pool = ThreadPool(threads: 2)
        let visits = Visits(4 * 300 * 37)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for call in 0..<300 {
                pool.parallelFor(37) { begin, end, _ in
                    for i in begin..<end { visits.visit((caller * 300 + call) * 37 + i) }
                }
            }
        }
        #expect(visits.allOnce)
    }

    @Test("pools can be created and dropped repeatedly")
    func lifecycle() {
        for _ in 0..<50 {
            let pool = ThreadPool(threads: 3)
            let visits = Visits(10)
            pool.parallelFor(10) { b, e, _ in for i in b..<e { visits.visit(i) } }
            #expect(visits.allOnce)
        }
    }
}

/// Atomic increment for the visit counters.
@inline(__always) func __vs_add(_ p: UnsafeMutablePointer<Int>) -> Int {
    vs_atomic_add(p, 1)
}
