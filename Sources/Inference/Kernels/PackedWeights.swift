import CKernels
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Q4_0, Q4_1, Q5_0 or Q8_0 matrix repacked for the AVX-512 VNNI kernel (Sources/CKernels/avx512_qmatmul.c):
/// the same bytes as its GGUF blocks (Q5_0: its 5-bit codes one per byte), reordered 16 rows side by
/// side so that one 512-bit register holds one of ggml's 8 lanes for 16 rows and a decode step needs
/// no unpacking but the nibbles'; or a Q4_K matrix that llama.cpp repacks, 16 rows side by side
/// (Sources/CKernels/q4k_packed.c). Made once at model load; the matrix's file pages are then
/// released (read again, from the page cache, only by embedding lookups and the portable paths).
public final class PackedWeights: @unchecked Sendable {
    /// The packed bytes, 64-byte aligned.
    public let pointer: UnsafeRawPointer
    public let byteCount: Int

    /// Packs `w`, or nil when its type has no packed form or this CPU has no AVX-512 VNNI path.
    public static func pack(_ w: WeightMatrix) -> PackedWeights? { packAll([w], releasingFilePages: false)[0] }

    /// Packs every matrix that can be, on all cores: work items of a few hundred row groups, so that
    /// one large matrix (the output projection) and many small ones spread evenly.
    /// - Parameter releasingFilePages: the matrices are in a read-only file mapping whose pages may be
    ///   dropped after packing (never for memory the process owns: MADV_DONTNEED would zero it).
    public static func packAll(_ matrices: [WeightMatrix], releasingFilePages: Bool) -> [PackedWeights?] {
        guard KernelPath.detected == .avx512 else { return matrices.map { _ in nil } }
        let packs: [PackedWeights?] = matrices.map { w in
            let bytes = vs_packed_weight_bytes(Int32(w.type.rawValue), Int32(w.rows), Int32(w.cols))
            return bytes > 0 ? PackedWeights(bytes: bytes) : nil
        }
        // (matrix index, first group, end group), with Sendable addresses for the worker closure.
        var work: [(index: Int, g0: Int, g1: Int)] = []
        for (index, w) in matrices.enumerated() where packs[index] != nil {
            let groups = (w.rows + groupRows(w) - 1) / groupRows(w)
            var g0 = 0
            while g0 < groups { work.append((index, g0, min(groups, g0 + 256))); g0 += 256 }
        }
        let items = work
        let sources = matrices.map { (Int(bitPattern: $0.data), $0.rowBytes, Int32($0.type.rawValue), Int32($0.rows), Int32($0.cols), groupRows($0)) }
        let targets = packs.map { Int(bitPattern: $0?.pointer) }
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            let item = items[i]
            let (data, rowBytes, type, rows, cols, group) = sources[item.index]
            vs_pack_weights(type, UnsafeRawPointer(bitPattern: data), rowBytes, rows, cols, Int32(item.g0), Int32(item.g1),
                            UnsafeMutableRawPointer(bitPattern: targets[item.index]))
            // The packed copy replaces these rows: drop their file pages now, so the peak resident
            // set does not hold both (they come back from the page cache if read again).
            if releasingFilePages {
                releasePages(from: data + item.g0 * group * rowBytes, to: data + min(Int(rows), item.g1 * group) * rowBytes)
            }
        }
        return packs
    }

    /// Rows per group of the packed layout (8, or 16 for Q4_K).
    private static func groupRows(_ w: WeightMatrix) -> Int { Int(vs_pack_group_rows(Int32(w.type.rawValue))) }

    private init(bytes: Int) {
        pointer = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64))
        byteCount = bytes
    }

    deinit { UnsafeMutableRawPointer(mutating: pointer).deallocate() }

    /// Drops the whole pages inside [start, end) from this process's resident set (MADV_DONTNEED on
    /// the read-only file mapping: a later read faults them in again from the page cache).
    static func releasePages(from start: Int, to end: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (start + page - 1) / page * page, last = end / page * page
        guard last > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, last - first, Int32(MADV_DONTNEED))
    }
}
