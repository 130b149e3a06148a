import Foundation

/// Asks glibc's allocator to serve large arrays (columns, design matrices, influence values)
/// from its heap and keep freed memory for reuse, instead of mapping each one afresh and paying a
/// page fault per 4 KB on first touch: that was a third of a million-row regression's time. Looked up at run
/// time; elsewhere it does nothing.
public enum AllocatorTuning {
    /// mallopt's parameters M_TRIM_THRESHOLD and M_MMAP_MAX (malloc.h).
    private static let trimThreshold: Int32 = -1
    private static let mmapMaximum: Int32 = -4

    /// Sets glibc's `mallopt` so large allocations come from the reusable heap; call once at start.
    public static func reuseLargeAllocations() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        // No allocation is mapped on its own (glibc caps the mmap threshold at 32 MB, below a
        // design matrix's size), and up to 1 GB of freed heap is kept for reuse.
        _ = mallopt(mmapMaximum, 0)
        _ = mallopt(trimThreshold, 1 << 30)
    }
}
