#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Swaps two names in one directory atomically, so both files still exist afterwards: on Linux
/// `renameat2(RENAME_EXCHANGE)`, on macOS `renameatx_np(RENAME_SWAP)`. Unlike `rename`, which
/// destroys what it replaces, the writer can then look at the file it swapped out and swap it back
/// if someone changed it in the meantime.
enum AtomicExchange {
    enum Outcome {
        case exchanged
        /// The system or the file system cannot exchange (old kernel, some network file systems).
        case unsupported
        case failed(SystemCallError)
    }

    /// Exchanges the entries `first` and `second` of the directory open as `directory`.
    static func exchange(_ first: String, _ second: String, in directory: Int32) -> Outcome {
        #if os(Linux)
        guard let renameat2 = linuxRenameat2 else { return .unsupported }
        let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE, <linux/fs.h>
        if renameat2(directory, first, directory, second, exchangeFlag) == 0 { return .exchanged }
        #elseif canImport(Darwin)
        if renameatx_np(directory, first, directory, second, UInt32(RENAME_SWAP)) == 0 { return .exchanged }
        #else
        return .unsupported
        #endif
        let code = errno
        return [EINVAL, ENOSYS, ENOTSUP, EOPNOTSUPP].contains(code) ? .unsupported : .failed(SystemCallError("rename", code: code))
    }

    #if os(Linux)
    typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc (2.28 and later) has `renameat2` but Swift's Glibc module does not declare it (it needs
    /// `_GNU_SOURCE`), and `syscall` is variadic, so it is looked up once by name.
    static let linuxRenameat2: Renameat2? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Renameat2.self)
    }()
    #endif
}
