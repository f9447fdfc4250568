import Foundation
import GGUF
import Inference
import PromptFile

/// `vsynth bench kernels`: times the matmul kernels on the default model's shapes with random weights,
/// for one token (decode) and a 512-token batch (prefill), and estimates the matmul share of a forward pass.
enum BenchKernelsCommand: Command {
    struct Options: OptionGroup {
        let threads: Option<Int?> = .integer("threads", value: "N", bound: Limits.threads, help: "worker threads (default: all cores)")
        let path: Option<KernelChoice> = .choice("path", value: "PATH", choices: KernelChoice.allCases, default: .best,
                                                 help: "force a kernel path: best, avx512, avx2 or scalar")
        let batch: Option<Int> = .integer("batch", value: "N", bound: Limits.benchBatch, default: 512, help: "prefill batch size")
        let types: Option<[GGMLType]> = .list("types", default: "Q4_1,Q8_0",
                                              expected: "a weight type (\(GGMLType.allCases.map(\.name).joined(separator: ", ")))",
                                              help: "weight types to time") { name in
            GGMLType.allCases.first { $0.name == name.uppercased() }
        }
        let seconds: Option<Double> = .number("seconds", value: "S", bound: Limits.benchSeconds, default: 0.3,
                                              help: "minimum time per measurement")
        let noSweep: Option<Bool> = .flag("no-sweep", help: "skip the whole-model sweep")
        let cpuTime: Option<Bool> = .flag("cpu-time", help: "count thread CPU time, not wall time (with --threads 1, on a busy machine)")
        let shape: Option<String?> = .text("shape", value: "NAME", help: "time only the shapes whose name contains NAME (e.g. output)")
    }

    /// `--path`'s words.
    enum KernelChoice: String, CaseIterable, Sendable {
        case best, avx512, avx2, scalar

        var path: KernelPath {
            switch self {
            case .best: .best
            case .avx512: .avx512
            case .avx2: .avx2
            case .scalar: .scalar
            }
        }
    }

    static let spec = CommandSpec(
        path: ["bench", "kernels"],
        summary: "Time the matmul kernels on the default model's shapes",
        usage: "[--threads N] [--path best|avx512|avx2|scalar] [--batch N] [--types Q4_1,Q8_0]",
        options: Options())

    /// (name, rows, cols, count per forward pass) of SmolLM2-135M's matmuls.
    static let shapes: [(String, Int, Int, Int)] = [
        ("attn_q/attn_output", 576, 576, 60), ("attn_k/attn_v", 192, 576, 60),
        ("ffn_gate/ffn_up", 1536, 576, 60), ("ffn_down", 576, 1536, 30), ("output", 49152, 576, 1),
    ]

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let command = spec.path
        let threads = try arguments[\.threads] ?? 0
        let batch = try arguments[\.batch]
        let seconds = try arguments[\.seconds]
        let path = try arguments[\.path].path
        let types = try arguments[\.types]
        let pool = ThreadPool(threads: threads)
        cpuTime = try arguments[\.cpuTime]
        if cpuTime && pool.threadCount != 1 {
            throw UsageError(command: command, message: "--cpu-time needs --threads 1")
        }
        Console.out("kernels: path \(path == .best ? KernelPath.detected : path), \(pool.threadCount) threads"
                    + (cpuTime ? ", thread CPU time" : ", wall time"))
        let shape = try arguments[\.shape]
        var totals: [Int: Double] = [:]   // n → seconds per forward pass (matmuls only), default-model types
        for type in types {
            for (name, rows, cols, perPass) in shapes where cols % type.blockSize == 0
                && (shape.map { name.contains($0) } ?? true) {
                let modelType: GGMLType = name == "output" ? .q8_0 : .q4_1
                let bytes = randomWeights(type: type, rows: rows, cols: cols)
                defer { bytes.deallocate() }
                var w = try WeightMatrix(type: type, rows: rows, cols: cols, data: bytes)
                w.packed = PackedWeights.pack(w)   // as the model loader does, once, outside the timing
                for n in [1, batch] {
                    let x = UnsafeMutablePointer<Float>.allocate(capacity: n * cols)
                    let y = UnsafeMutablePointer<Float>.allocate(capacity: n * rows)
                    defer { x.deallocate(); y.deallocate() }
                    for i in 0..<n * cols { x[i] = Float(i % 97) / 48 - 1 }
                    let time = measure(seconds: seconds) {
                        Kernels.matmul(w, x: x, n: n, y: y, pool: pool, path: path)
                    }
                    let gflops = 2 * Double(rows * cols * n) / time / 1e9
                    Console.out(String(format: "%-5@ %-20@ %5d×%-5d n=%-4d %9.3f ms  %7.1f GFLOP/s",
                                       type.name, name, rows, cols, n, time * 1e3, gflops))
                    if type == modelType { totals[n, default: 0] += time * Double(perPass) }
                }
            }
        }
        if let decode = totals[1], let prefill = totals[batch], types.contains(.q4_1), types.contains(.q8_0) {
            Console.out(String(format: "shapes in cache, matmuls only: decode %.1f tok/s (%.2f ms/token), prefill %.1f tok/s (%d-token batch, logits for every token)",
                               1 / decode, decode * 1e3, Double(batch) / prefill, batch))
        }
        if try !arguments[\.noSweep] {
            try modelSweep(batch: batch, pool: pool, path: path, seconds: seconds)
        }
        return 0
    }

    /// The matmuls of a whole forward pass over 30 layers of distinct weights (Q4_1, output Q8_0: the
    /// default model's 96 MB, so decode streams them from memory as the engine does), with activation
    /// quantization shared as the engine shares it (Q/K/V, gate/up).
    static func modelSweep(batch: Int, pool: ThreadPool, path: KernelPath, seconds: Double) throws {
        let hidden = 576, ffn = 1536, kv = 192, layers = 30, vocab = 49152
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        func matrix(_ type: GGMLType, _ rows: Int, _ cols: Int) throws -> WeightMatrix {
            let bytes = randomWeights(type: type, rows: rows, cols: cols)
            buffers.append(bytes)
            var w = try WeightMatrix(type: type, rows: rows, cols: cols, data: bytes)
            w.packed = PackedWeights.pack(w)   // as the model loader does
            return w
        }
        var blocks: [[WeightMatrix]] = []
        for _ in 0..<layers {
            blocks.append([try matrix(.q4_1, hidden, hidden), try matrix(.q4_1, kv, hidden), try matrix(.q4_1, kv, hidden),
                           try matrix(.q4_1, hidden, hidden), try matrix(.q4_1, ffn, hidden), try matrix(.q4_1, ffn, hidden),
                           try matrix(.q4_1, hidden, ffn)])
        }
        let output = try matrix(.q8_0, vocab, hidden)
        for (n, logits) in [(1, 1), (batch, 1), (batch, batch)] {
            let x = UnsafeMutablePointer<Float>.allocate(capacity: n * ffn)
            let y = UnsafeMutablePointer<Float>.allocate(capacity: n * ffn)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: logits * vocab)
            defer { x.deallocate(); y.deallocate(); out.deallocate() }
            for i in 0..<n * ffn { x[i] = Float(i % 89) / 44 - 1 }
            let small = QuantizedActivations(cols: hidden, capacity: n)
            let time = measure(seconds: seconds) {
                for w in blocks {
                    small.quantize(x, n: n, pool: pool, path: path)
                    for i in 0..<3 { Kernels.matmul(w[i], x: x, n: n, y: y, pool: pool, quantized: small, path: path) }
                    Kernels.matmul(w[3], x: x, n: n, y: y, pool: pool, path: path)
                    small.quantize(x, n: n, pool: pool, path: path)
                    for i in 4..<6 { Kernels.matmul(w[i], x: x, n: n, y: y, pool: pool, quantized: small, path: path) }
                    Kernels.matmul(w[6], x: x, n: n, y: y, pool: pool, path: path)
                }
                Kernels.matmul(output, x: x + (n - logits) * hidden, n: logits, y: out, pool: pool, path: path)
            }
            Console.out(String(format: "model sweep (96 MB of weights, matmuls only): n=%-4d logits for %-4d %8.2f ms  %8.1f tok/s",
                               n, logits, time * 1e3, Double(n) / time))
        }
    }

    /// Whether `measure` counts the calling thread's CPU time instead of wall time (`--cpu-time`,
    /// single-threaded runs on a busy machine: time the OS gives to other processes is not counted).
    nonisolated(unsafe) static var cpuTime = false

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(cpuTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Best-of time of `body`, repeated for at least `seconds`.
    static func measure(seconds: Double, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        let start = Date()
        var runs = 0
        while runs < 3 || Date().timeIntervalSince(start) < seconds {
            let t0 = now()
            body()
            best = min(best, now() - t0)
            runs += 1
        }
        return best
    }

    /// Random bytes with finite, realistic scales in every f16 field the kernels read.
    static func randomWeights(type: GGMLType, rows: Int, cols: Int) -> UnsafeMutableRawPointer {
        let count = rows * cols / type.blockSize * type.typeSize
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        for i in 0..<count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes.storeBytes(of: UInt8(truncatingIfNeeded: state), toByteOffset: i, as: UInt8.self)
        }
        let scale: UInt16 = 0x1C00   // 2^-8
        switch type {
        case .f32:
            for i in 0..<rows * cols { bytes.storeBytes(of: Float(i % 13) / 13, toByteOffset: 4 * i, as: Float.self) }
        case .f16, .bf16:
            for i in 0..<rows * cols { bytes.storeBytes(of: scale, toByteOffset: 2 * i, as: UInt16.self) }
        case .q4_0, .q4_1, .q8_0:
            for b in 0..<count / type.typeSize {
                bytes.storeBytes(of: scale, toByteOffset: b * type.typeSize, as: UInt16.self)
                if type == .q4_1 { bytes.storeBytes(of: scale, toByteOffset: b * type.typeSize + 2, as: UInt16.self) }
            }
        case .q6_K:
            for b in 0..<count / type.typeSize { bytes.storeBytes(of: scale, toByteOffset: b * 210 + 208, as: UInt16.self) }
        default:
            break
        }
        return bytes
    }
}
