import Foundation

/// Keeps OpenBLAS (Debian's libblas.so.3 when libopenblas is installed) single-threaded: the
/// engine splits its large products over the cores itself, in cache-sized blocks, and OpenBLAS
/// threads started for each small block only spin and yield against ours (measured: a fifth of
/// a regression's time). Looked up at run time, so the reference BLAS works unchanged.
///
/// Call it first thing in a process too: OpenBLAS starts its threads when it is loaded, and
/// they spin (`sched_yield`) for about a tenth of a second, taking a core from the file's parse
/// on a two-core machine; setting one thread does not stop them, so they are shut down
/// (`blas_thread_shutdown_`, which OpenBLAS itself calls before a fork; with one thread it
/// never starts them again). Measured: 35 ms of a 1M-row batch's CPU.
public enum BlasThreading {
    private static let configured: Bool = {
        typealias SetThreads = @convention(c) (Int32) -> Void
        typealias Shutdown = @convention(c) () -> Int32
        if let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "openblas_set_num_threads") {
            unsafeBitCast(symbol, to: SetThreads.self)(1)
            if let shutdown = dlsym(process, "blas_thread_shutdown_") { _ = unsafeBitCast(shutdown, to: Shutdown.self)() }
        }
        return true
    }()

    /// Call at start and before BLAS work; effective once per process.
    public static func useSingleThread() { _ = configured }
}
