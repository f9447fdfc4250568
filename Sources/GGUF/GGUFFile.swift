/// A GGUF model file, memory-mapped read-only: the header is parsed and validated once, tensor
/// data is served straight from the mapping (no copy of the weights).
public final class GGUFFile: @unchecked Sendable {
    /// 2 or 3.
    public let version: UInt32
    /// Size of the file in bytes.
    public let fileSize: Int
    /// `general.alignment`, or 32 when absent.
    public let alignment: Int
    /// Offset where the tensor data section starts (the header is everything before it).
    public let dataOffset: Int
    public let metadata: GGUFMetadata
    /// Tensor infos in file order, with absolute offsets.
    public let tensors: [GGUFTensorInfo]
    /// The path it was opened from, or nil for an in-memory file.
    public let path: String?

    private let storage: GGUFStorage
    private let index: [String: Int]

    /// Maps and parses the file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(storage: GGUFStorage(path: path), path: path)
    }

    /// Parses an in-memory copy of `bytes` (synthetic files, corruption tests).
    public convenience init(bytes: [UInt8]) throws(GGUFError) {
        try self.init(storage: GGUFStorage(bytes: bytes), path: nil)
    }

    private init(storage: GGUFStorage, path: String?) throws(GGUFError) {
        var parser = GGUFHeaderParser(storage.buffer)
        let header = try parser.parse()
        self.storage = storage
        self.path = path
        version = header.version
        fileSize = storage.count
        alignment = header.alignment
        dataOffset = header.dataOffset
        metadata = header.metadata
        tensors = header.tensors
        var index: [String: Int] = [:]
        index.reserveCapacity(header.tensors.count)
        for (i, info) in header.tensors.enumerated() { index[info.name] = i }
        self.index = index
    }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// The data of `tensor`, valid while this file lives. Empty for an info whose extent is not
    /// inside this file (infos from this file are always inside: that was validated on open).
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        guard tensor.offset >= 0, tensor.byteCount >= 0, tensor.offset <= fileSize,
              tensor.byteCount <= fileSize - tensor.offset, let base = storage.base else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base + tensor.offset, count: tensor.byteCount)
    }

    /// All bytes of the file (header and data), valid while this file lives.
    public var fileBytes: UnsafeRawBufferPointer { storage.buffer }
    /// Whether the bytes are a read-only mapping of the file (pages may be dropped and read again),
    /// not an in-memory copy.
    public var isMemoryMapped: Bool { storage.isMapped }
}
