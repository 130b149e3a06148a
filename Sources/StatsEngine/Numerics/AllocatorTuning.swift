import Foundation

/// Asks glibc's allocator to serve column-sized arrays (8 MB per million rows) from its heap and
/// keep freed memory for reuse, instead of mapping each one afresh and paying a page fault per
/// 4 KB on first touch: that was a third of a million-row regression's time. Looked up at run
/// time; elsewhere it does nothing.
public enum AllocatorTuning {
    /// mallopt's parameters M_TRIM_THRESHOLD and M_MMAP_THRESHOLD (malloc.h).
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3

    public static func reuseLargeAllocations() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 512 << 20)
    }
}
