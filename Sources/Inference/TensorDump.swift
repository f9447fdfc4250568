import Foundation

/// The forward pass's intermediate tensors, written under llama.cpp's names (`attn_norm-L`, `kqv_out-L`,
/// `ffn_out-L`, `l_out-L`, …) when `VSYNTH_DUMP_TENSORS=DIR` is set: each call appends the batch's rows
/// (f32, native byte order) to DIR/NAME.bin. For checking a kernel change against llama.cpp layer by
/// layer (`scripts/compare-with-llamacpp.py`): the engine repeats llama.cpp's arithmetic, so every
/// tensor should match bit for bit. Off unless the variable is set (one check per call).
enum TensorDump {
    static let directory: String? = {
        guard let path = ProcessInfo.processInfo.environment["VSYNTH_DUMP_TENSORS"], !path.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Appends `count` floats at `pointer` to DIR/`name`.bin.
    @inline(__always)
    static func write(_ name: @autoclosure () -> String, _ pointer: UnsafePointer<Float>, count: Int) {
        guard let directory else { return }
        let path = directory + "/" + name() + ".bin"
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(bytes: pointer, count: count * MemoryLayout<Float>.stride))
        handle.closeFile()
    }
}
