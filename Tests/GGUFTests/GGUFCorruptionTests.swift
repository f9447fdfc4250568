import Foundation
import Support
import TestSupport
import Testing
@testable import GGUF

/// Truncations and byte flips of the real model's header (everything before the tensor data):
/// each must give a `GGUFError` carrying an offset inside the damaged region, never a crash.
struct GGUFCorruptionTests {
    /// A private, writable copy of the whole model file.
    final class FileCopy: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
        let dataOffset: Int
        init(_ file: GGUFFile) {
            bytes = .allocate(byteCount: file.fileSize, alignment: 64)
            bytes.copyMemory(from: file.fileBytes)
            dataOffset = file.dataOffset
        }
        deinit { bytes.deallocate() }
        func prefix(_ length: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[0 ..< length]) }
    }

    /// Start offsets of every header item (preamble, each key–value pair, each tensor info) and
    /// where the tensor infos end, found by walking the header with the parser's own steps.
    static func itemBoundaries(_ header: UnsafeRawBufferPointer) throws -> (starts: [Int], infosEnd: Int) {
        var parser = GGUFHeaderParser(header)
        let (_, tensorCount, keyCount) = try parser.readPreamble()
        var starts = [0]
        for _ in 0 ..< keyCount { starts.append(parser.reader.position); _ = try parser.readKeyValue() }
        for _ in 0 ..< tensorCount { starts.append(parser.reader.position); _ = try parser.readTensorInfo() }
        return (starts, parser.reader.position)
    }

    /// Truncation at every header offset. The parser's state at the start of an item is only its
    /// position (keys seen and alignment matter only after the item is read), so a truncation
    /// inside item `i` is checked by parsing item `i` from its start over the truncated prefix —
    /// exactly the work the full parse does there — instead of re-reading the 1.7 MB before it.
    /// Inside the two big string arrays (vocabulary, merges) the same holds one level down: the
    /// state at each element is its position, so every truncation inside element `e` is checked
    /// with the parser's per-element step from the element's start. Every offset is covered; the
    /// full-parse path is covered by `wholeFileTruncationsSampled`, and here by every offset of
    /// the preamble and of the padding before the tensor data.
    @Test func truncationAtEveryHeaderOffset() throws {
        let path = try TestModel.path()
        let copy = FileCopy(try GGUFFile(path: path))
        let (starts, infosEnd) = try Self.itemBoundaries(copy.prefix(copy.dataOffset))
        let keyCount = 33
        let ends = Array(starts.dropFirst()) + [infosEnd]
        let failures = Recorded<String>()
        var checked = 0
        let full = GGUFHeaderParser(copy.prefix(copy.dataOffset))
        try ErrorBacktraces.paused {
        for item in starts.indices {
            let (start, end) = (starts[item], ends[item])
            // A big string array: item-level up to its first element, element-level after.
            var bodyStart = end
            if item > 0, item <= keyCount, end - start > 65536 {
                let keyLength = Int(copy.prefix(start + 8).loadUnaligned(fromByteOffset: start, as: UInt64.self))
                let valueAt = start + 8 + keyLength
                let types = (copy.prefix(valueAt + 8).loadUnaligned(fromByteOffset: valueAt, as: UInt32.self),
                             copy.prefix(valueAt + 8).loadUnaligned(fromByteOffset: valueAt + 4, as: UInt32.self))
                if types == (9, 8) { bodyStart = valueAt + 16 }
            }
            for length in start ..< bodyStart {
                var parser = GGUFHeaderParser(copy.prefix(length))
                parser.reader.position = start
                do throws(GGUFError) {
                    if item == 0 { _ = try parser.readPreamble() }
                    else if item <= keyCount { _ = try parser.readKeyValue() }
                    else { _ = try parser.readTensorInfo() }
                    failures.append("no error for truncation at \(length) in item \(item)")
                } catch {
                    if error.offset < start || error.offset > length {
                        failures.append("truncation at \(length): offset \(error.offset) outside [\(start), \(length)]: \(error)")
                    }
                }
                checked += 1
            }
            guard bodyStart < end else { continue }
            var position = bodyStart
            var index = 0
            while position < end {
                let next = try full.stringElementEnd(at: position, index: index, key: "k")
                for length in position ..< next {
                    let parser = GGUFHeaderParser(copy.prefix(length))
                    do throws(GGUFError) {
                        _ = try parser.stringElementEnd(at: position, index: index, key: "k")
                        failures.append("no error for truncation at \(length) in element \(index) of item \(item)")
                    } catch {
                        if error.offset < position || error.offset > length {
                            failures.append("truncation at \(length): offset \(error.offset) outside [\(position), \(length)]")
                        }
                    }
                    checked += 1
                }
                position = next
                index += 1
            }
            #expect(position == end)
        }
        }
        // The padding after the tensor infos and the data start itself, through the full parse.
        for length in infosEnd ... copy.dataOffset {
            var parser = GGUFHeaderParser(copy.prefix(length))
            do throws(GGUFError) { _ = try parser.parse(); failures.append("no error for truncation at \(length)") }
            catch { if error.offset > length { failures.append("offset \(error.offset) past \(length)") } }
            checked += 1
        }
        #expect(failures.items.isEmpty, "\(failures.items.prefix(5))")
        #expect(checked == copy.dataOffset + 1)
        print("gguf: truncation checked at \(checked) offsets over \(starts.count) header items")
    }

    /// Whole-file truncations through the public in-memory entry, seeded sample over the header.
    @Test func wholeFileTruncationsSampled() throws {
        let path = try TestModel.path()
        let copy = FileCopy(try GGUFFile(path: path))
        var rng = SplitMix64(seed: 42)
        let failures = Recorded<String>()
        let (starts, _) = try Self.itemBoundaries(copy.prefix(copy.dataOffset))
        var lengths = starts.flatMap { [$0, $0 + 1, $0 + 8, $0 + 9] }
        for _ in 0 ..< 300 { lengths.append(Int(rng.next() % UInt64(copy.dataOffset + 1))) }
        ErrorBacktraces.paused {
            for length in lengths where length <= copy.dataOffset {
                var parser = GGUFHeaderParser(copy.prefix(length))
                do throws(GGUFError) { _ = try parser.parse(); failures.append("no error at \(length)") }
                catch { if error.offset > length { failures.append("offset \(error.offset) past \(length)") } }
            }
        }
        #expect(failures.items.isEmpty, "\(failures.items.prefix(5))")
    }

    /// A few thousand seeded random byte changes in the header, each parsed as a whole file: an
    /// error or a file whose every tensor lies inside it, never a crash.
    @Test func randomByteFlipsNeverCrash() throws {
        let path = try TestModel.path()
        let copy = FileCopy(try GGUFFile(path: path))
        let (starts, infosEnd) = try Self.itemBoundaries(copy.prefix(copy.dataOffset))
        var rng = SplitMix64(seed: 7)
        var errors = 0, parsed = 0
        let failures = Recorded<String>()
        ErrorBacktraces.paused {
        for round in 0 ..< 3000 {
            // Half the flips hit item starts (lengths, types, counts), half anywhere in the header.
            let at = round % 2 == 0
                ? min(starts[Int(rng.next() % UInt64(starts.count))] + Int(rng.next() % 24), infosEnd - 1)
                : Int(rng.next() % UInt64(copy.dataOffset))
            let original = copy.bytes[at]
            copy.bytes[at] = round % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : original ^ (1 << (rng.next() % 8))
            var parser = GGUFHeaderParser(UnsafeRawBufferPointer(copy.bytes))
            do throws(GGUFError) {
                let header = try parser.parse()
                parsed += 1
                if !header.tensors.allSatisfy({ $0.offset >= header.dataOffset && $0.offset + $0.byteCount <= copy.bytes.count }) {
                    failures.append("flip at \(at): a tensor outside the file was accepted")
                }
            } catch {
                errors += 1
                // Offsets point into the file, except a tensor's claimed (out-of-file) data offset.
                var inFile = error.offset >= 0 && error.offset <= copy.bytes.count
                if case .tensorOutOfBounds = error { inFile = error.offset >= 0 }
                if !inFile || !error.description.hasPrefix("gguf: ") { failures.append("flip at \(at): \(error)") }
            }
            copy.bytes[at] = original
        }
        }
        #expect(failures.items.isEmpty, "\(failures.items.prefix(5))")
        print("gguf: 3000 byte flips: \(errors) errors, \(parsed) still parse")
        #expect(errors > 500)
    }
}
