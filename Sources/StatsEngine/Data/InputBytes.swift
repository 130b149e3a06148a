import Foundation

/// The bytes of an input: a regular file mapped read-only into memory, or bytes read into an
/// array (standard input, pipes). A mapping is removed when the value is released, so a caller
/// that drops it after parsing gives the file's pages back.
final class InputBytes: @unchecked Sendable {
    /// The bytes, valid while this value lives.
    let buffer: UnsafeBufferPointer<UInt8>
    private let storage: Storage

    private enum Storage {
        case mapped(UnsafeMutableRawPointer, Int)
        case read(UnsafeMutableBufferPointer<UInt8>)
    }

    /// Up to `capacity` bytes that `fill` writes into the storage it is given, returning how
    /// many it wrote.
    init(capacity: Int, fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Int) rethrows {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        let count: Int
        do { count = try fill(storage) } catch {
            storage.deallocate()
            throw error
        }
        self.storage = .read(storage)
        buffer = UnsafeBufferPointer(rebasing: storage[..<count])
    }

    /// The first `size` bytes of the open file `fd` mapped read-only, or nil when it cannot be mapped.
    init?(mapping fd: Int32, size: Int) {
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        storage = .mapped(base, size)
        buffer = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Gives back the memory behind `range` of a mapped file, whose bytes have been read: its
    /// whole pages are unmapped from the process (the file's data stays in the page cache and
    /// is mapped again if read again), so a parse holds only the part of the file it is reading.
    /// Bytes read into memory are kept.
    func release(_ range: Range<Int>) {
        guard case .mapped(let base, _) = storage else { return }
        let page = Int(getpagesize())
        let lower = (range.lowerBound + page - 1) / page * page, upper = range.upperBound / page * page
        if upper > lower { _ = madvise(base + lower, upper - lower, MADV_DONTNEED) }
    }

    deinit {
        switch storage {
        case .mapped(let base, let size): munmap(base, size)
        case .read(let bytes): bytes.deallocate()
        }
    }
}
