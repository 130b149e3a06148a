import Foundation

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages (2 MB):
/// a million-row column then costs four page faults instead of two thousand. Only the 2 MB-aligned
/// part inside the buffer is advised, so no byte outside it changes; where the kernel has huge
/// pages only on request (`/sys/kernel/mm/transparent_hugepage/enabled` = madvise, Debian's
/// default) this is what turns them on, elsewhere it does nothing.
enum HugePages {
    /// The huge page size of x86-64 (and most arm64) kernels: 2 MB.
    static let size = 2 << 20

    /// Advises the 2 MB-aligned pages inside `bytes` bytes from `base`.
    static func advise(_ base: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= 2 * size else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(size - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    }
}
