// Tokenizer benchmark (scripts/bench-tokenizer.sh builds it against two source trees): load time
// of each model's tokenizer (GGUF parse included) and encode throughput on a fixed mixed text, best
// of 5 runs, in thread CPU time so that a busy machine does not decide the result.
//   bench-tokenizer TEXT_FILE MODEL.gguf...
// Prints one line per model: `model load_ms MB/s tokens`.
import Foundation
import GGUF
import Tokenizer

func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = threadCPUTime()
    try body()
    return threadCPUTime() - start
}

let arguments = CommandLine.arguments
let text = (try? String(contentsOfFile: arguments[1], encoding: .utf8)) ?? ""
for path in arguments.dropFirst(2) {
    var tokenizer: Tokenizer?
    var load = Double.infinity
    do {
        for _ in 0 ..< 5 {
            load = min(load, try seconds { tokenizer = try Tokenizer(gguf: GGUFFile(path: path)) })
        }
    } catch {
        print("#", (path as NSString).lastPathComponent, error)  // e.g. a revision without SentencePiece
        continue
    }
    guard let tokenizer else { continue }
    var count = 0
    var best = Double.infinity
    for _ in 0 ..< 5 {
        best = min(best, seconds { count = tokenizer.encode(text, parseSpecial: true, addBOS: false).count })
    }
    let name = (path as NSString).lastPathComponent
    print(name, String(format: "%.1f", load * 1000), String(format: "%.2f", Double(text.utf8.count) / best / 1e6), count)
}
