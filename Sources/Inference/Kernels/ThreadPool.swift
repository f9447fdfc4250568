import CKernels
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Worker threads of the engine's own, never the Swift concurrency pool: a forward pass blocks its
/// threads for milliseconds at a time, which would starve the daemon's I/O tasks on the shared pool.
///
/// `parallelFor` cuts `0..<count` into contiguous chunks (by default one per thread) that the threads
/// claim one at a time; the calling thread takes part. Whoever is free claims the next chunk, so a
/// worker the OS has not scheduled yet (a busy machine) never holds the caller up: the caller runs its
/// chunk instead. Workers spin briefly between calls (a decode step issues hundreds of small matmuls,
/// and waking a sleeping thread costs tens of microseconds), then sleep.
///
/// Nested calls (from inside a body) run inline on the calling thread; calls from several outside
/// threads at once are serialised.
public final class ThreadPool: @unchecked Sendable {
    /// Threads that run a `parallelFor` (the caller included).
    public let threadCount: Int

    private let shared: Shared
    nonisolated(unsafe) private static var nextID = 1
    private static let idLock = NSLock()

    /// - Parameter threads: the number of threads; 0 means all cores.
    public init(threads: Int) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        threadCount = max(1, threads > 0 ? threads : cores)
        ThreadPool.idLock.lock()
        let id = ThreadPool.nextID
        ThreadPool.nextID += 1
        ThreadPool.idLock.unlock()
        shared = Shared(id: id, threadCount: threadCount)
        for index in 1..<threadCount {
            let shared = self.shared
            let thread = Thread { shared.workerLoop(index: index) }
            thread.name = "vsynth-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.shutdown()
    }

    /// Runs `body(begin, end, thread)` over contiguous chunks covering `0..<count` and returns when
    /// all are done. `chunks` (default: one per thread) sets how finely the range is cut; more chunks
    /// balance uneven work. A thread may run several chunks, one after another; `thread` is in
    /// `0..<threadCount` and distinct between chunks running at the same time, so it can index
    /// per-thread scratch (accumulate into it: do not assume one chunk per thread).
    public func parallelFor(_ count: Int, chunks: Int? = nil, _ body: (_ begin: Int, _ end: Int, _ thread: Int) -> Void) {
        shared.parallelFor(count, chunks: min(count, max(1, chunks ?? threadCount), Shared.maxChunks), body)
    }
}

/// The state the workers share with the pool; it outlives the pool until the last worker exits.
private final class Shared: @unchecked Sendable {
    let id: Int
    let threadCount: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let callLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// [0] generation (bumped per job, wakes workers), [1] claim word, [2] sleeping workers,
    /// [3] shutdown, [4] chunks completed in the current job.
    /// The claim word packs generation (23 bits) | chunk count (20) | next chunk (20): a claim is one
    /// compare-and-swap that fails if the job changed under the claimer.
    private let state = UnsafeMutablePointer<Int>.allocate(capacity: 5)
    private var job: ((Int, Int, Int) -> Void)?
    private var jobCount = 0
    private static let spinIterations = 20_000
    static let maxChunks = (1 << 20) - 1

    init(id: Int, threadCount: Int) {
        self.id = id
        self.threadCount = threadCount
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(callLock, nil)
        pthread_cond_init(wake, nil)
        state.initialize(repeating: 0, count: 5)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        pthread_mutex_destroy(callLock)
        mutex.deallocate()
        wake.deallocate()
        callLock.deallocate()
        state.deallocate()
    }

    func shutdown() {
        pthread_mutex_lock(mutex)
        vs_atomic_store(&state[3], 1)
        vs_atomic_add(&state[0], 1)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
    }

    func parallelFor(_ count: Int, chunks: Int, _ body: (Int, Int, Int) -> Void) {
        if count <= 0 { return }
        let tag = vs_thread_tag_get()
        let nested = tag / 4096 == id
        if threadCount == 1 || chunks == 1 || nested {
            // Single thread, one chunk, or nested inside one of this pool's bodies.
            body(0, count, nested ? tag % 4096 : 0)
            return
        }
        pthread_mutex_lock(callLock)
        defer { pthread_mutex_unlock(callLock) }
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            jobCount = count
            vs_atomic_store(&state[4], 0)
            pthread_mutex_lock(mutex)
            // The claim word first, then the generation that wakes the workers to it.
            let generation = vs_atomic_load(&state[0]) + 1
            vs_atomic_store(&state[1], (generation & 0x7F_FFFF) << 40 | chunks << 20)
            vs_atomic_store(&state[0], generation)
            if vs_atomic_load(&state[2]) > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
            vs_thread_tag_set(id * 4096)
            runChunks(generation: generation, thread: 0)
            vs_thread_tag_set(tag)
            var spins = 0
            while vs_atomic_load(&state[4]) < chunks {
                // Yield now and then: when the machine has more runnable threads than cores, the
                // worker we wait for may be waiting for this very core.
                spins += 1
                if spins % 128 == 0 { sched_yield() } else { vs_cpu_relax() }
            }
            job = nil
        }
    }

    /// Claims and runs chunks of job `generation` until none is left (or the job is another one).
    private func runChunks(generation: Int, thread: Int) {
        while true {
            let word = vs_atomic_load(&state[1])
            guard word >> 40 == generation & 0x7F_FFFF else { return }
            let chunks = word >> 20 & 0xF_FFFF, next = word & 0xF_FFFF
            guard next < chunks, vs_atomic_cas(&state[1], word, word + 1) != 0 else {
                if next >= chunks { return }
                continue
            }
            // The job cannot change before this chunk is counted complete.
            let begin = jobCount * next / chunks, end = jobCount * (next + 1) / chunks
            if begin < end, let job { job(begin, end, thread) }
            vs_atomic_add(&state[4], 1)
        }
    }

    func workerLoop(index: Int) {
        vs_thread_tag_set(id * 4096 + index)
        var seen = 0
        while true {
            var spins = 0
            while vs_atomic_load(&state[0]) == seen {
                if spins < Shared.spinIterations {
                    spins += 1
                    if spins % 128 == 0 { sched_yield() } else { vs_cpu_relax() }
                    continue
                }
                pthread_mutex_lock(mutex)
                vs_atomic_add(&state[2], 1)
                while vs_atomic_load(&state[0]) == seen { pthread_cond_wait(wake, mutex) }
                vs_atomic_add(&state[2], -1)
                pthread_mutex_unlock(mutex)
            }
            seen = vs_atomic_load(&state[0])
            if vs_atomic_load(&state[3]) != 0 { return }
            runChunks(generation: seen, thread: index)
        }
    }
}
