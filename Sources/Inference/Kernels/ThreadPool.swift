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
/// `parallelFor` splits `0..<count` into `threadCount` contiguous chunks; the calling thread runs
/// chunk 0 and the workers the others. Workers spin briefly between calls (a decode step issues
/// hundreds of small matmuls, and waking a sleeping thread costs tens of microseconds), then sleep.
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

    /// Runs `body(begin, end, thread)` over contiguous chunks covering `0..<count`, one per thread
    /// (empty chunks are skipped), and returns when all are done. `thread` is in `0..<threadCount`
    /// and distinct between chunks running at the same time, so it can index per-thread scratch.
    public func parallelFor(_ count: Int, _ body: (_ begin: Int, _ end: Int, _ thread: Int) -> Void) {
        shared.parallelFor(count, body)
    }
}

/// The state the workers share with the pool; it outlives the pool until the last worker exits.
private final class Shared: @unchecked Sendable {
    let id: Int
    let threadCount: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let callLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// [0] generation, [1] workers still running the current job, [2] sleeping workers, [3] shutdown.
    private let state = UnsafeMutablePointer<Int>.allocate(capacity: 4)
    private var job: ((Int, Int, Int) -> Void)?
    private var jobCount = 0
    private static let spinIterations = 20_000

    init(id: Int, threadCount: Int) {
        self.id = id
        self.threadCount = threadCount
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(callLock, nil)
        pthread_cond_init(wake, nil)
        state.initialize(repeating: 0, count: 4)
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

    func parallelFor(_ count: Int, _ body: (Int, Int, Int) -> Void) {
        if count <= 0 { return }
        let tag = vs_thread_tag_get()
        let nested = tag / 4096 == id
        if threadCount == 1 || count == 1 || nested {
            // Single thread, trivial work, or nested inside one of this pool's bodies.
            body(0, count, nested ? tag % 4096 : 0)
            return
        }
        pthread_mutex_lock(callLock)
        defer { pthread_mutex_unlock(callLock) }
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            jobCount = count
            vs_atomic_store(&state[1], threadCount - 1)
            pthread_mutex_lock(mutex)
            vs_atomic_add(&state[0], 1)
            if vs_atomic_load(&state[2]) > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
            vs_thread_tag_set(id * 4096)
            let end = count / threadCount
            if end > 0 { escaping(0, end, 0) }
            vs_thread_tag_set(tag)
            while vs_atomic_load(&state[1]) > 0 { vs_cpu_relax() }
            job = nil
        }
    }

    func workerLoop(index: Int) {
        vs_thread_tag_set(id * 4096 + index)
        var seen = 0
        while true {
            var spins = 0
            while vs_atomic_load(&state[0]) == seen {
                if spins < Shared.spinIterations {
                    vs_cpu_relax()
                    spins += 1
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
            let begin = jobCount * index / threadCount
            let end = jobCount * (index + 1) / threadCount
            if begin < end, let job { job(begin, end, index) }
            vs_atomic_add(&state[1], -1)
        }
    }
}
