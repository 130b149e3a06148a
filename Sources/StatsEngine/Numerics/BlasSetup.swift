import CProcessorFeatures
import Foundation

/// OpenBLAS (Debian's libblas.so.3 when libopenblas is installed) set up for the engine: the
/// kernels of the processor it runs on, and one thread. Looked up at run time, so the reference
/// BLAS works unchanged.
public enum BlasSetup {
    /// Chooses OpenBLAS's kernels again where it took the processor for a Pentium 4. OpenBLAS
    /// built for many processors (Debian's, `DYNAMIC_ARCH`) picks its kernels by the processor's
    /// model number when it is loaded, and falls back to its oldest x86-64 kernels ("Prescott",
    /// SSE3) for a model it does not know: 0.3.21 (Debian 12) on Intel's Emerald Rapids (family
    /// 6, model 207) does, and its `dgemm` then takes about twice as long (measured: 80
    /// replicate refits of a linear model on 1M rows, 0.60 s against 0.28 s). Where it fell back
    /// so and the processor runs AVX-512 (F, CD, BW, DQ, VL: the SkylakeX kernels') or AVX2 with
    /// FMA (the Haswell kernels'), the kernels are chosen as `OPENBLAS_CORETYPE` chooses them
    /// (OpenBLAS's `gotoblas_dynamic_quit` and `gotoblas_dynamic_init`, which its own loading
    /// calls). A core type the user set in `OPENBLAS_CORETYPE` is kept; the environment is left
    /// as it was.
    ///
    /// Call it first thing in a process, from one thread, before any BLAS or LAPACK call (the
    /// command line's entry does); effective once per process.
    public static func useProcessorKernels() { _ = processorKernels }

    private static let processorKernels: Bool = {
        typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
        typealias Initialisation = @convention(c) () -> Void
        guard getenv("OPENBLAS_CORETYPE") == nil, let process = dlopen(nil, RTLD_NOW),
              let coreName = dlsym(process, "openblas_get_corename"), let quit = dlsym(process, "gotoblas_dynamic_quit"),
              let initialise = dlsym(process, "gotoblas_dynamic_init"),
              let name = unsafeBitCast(coreName, to: CoreName.self)(), String(cString: name).lowercased() == "prescott"
        else { return true }
        // The kernels the processor runs, where this OpenBLAS has them (built without AVX-512, it has no SkylakeX's).
        let choice = [("SkylakeX", disparity_has_avx512_skylakex()), ("Haswell", disparity_has_avx2_fma())].first { core, runs in
            runs != 0 && dlsym(process, "gotoblas_\(core.uppercased())") != nil
        }
        guard let core = choice?.0 else { return true }
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Initialisation.self)()
        unsafeBitCast(initialise, to: Initialisation.self)()
        unsetenv("OPENBLAS_CORETYPE")
        return true
    }()

    /// Keeps OpenBLAS single-threaded: the engine splits its large products over the cores
    /// itself, in cache-sized blocks, and OpenBLAS threads started for each small block only
    /// spin and yield against ours (measured: a fifth of a regression's time).
    ///
    /// Call it first thing in a process too: OpenBLAS starts its threads when it is loaded, and
    /// they spin (`sched_yield`) for about a tenth of a second, taking a core from the file's
    /// parse on a two-core machine; setting one thread does not stop them, so they are shut down
    /// (`blas_thread_shutdown_`, which OpenBLAS itself calls before a fork; with one thread it
    /// never starts them again). Measured: 35 ms of a 1M-row batch's CPU. Call it before BLAS
    /// work as well; effective once per process.
    public static func useSingleThread() { _ = singleThread }

    private static let singleThread: Bool = {
        typealias SetThreads = @convention(c) (Int32) -> Void
        typealias Shutdown = @convention(c) () -> Int32
        if let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "openblas_set_num_threads") {
            unsafeBitCast(symbol, to: SetThreads.self)(1)
            if let shutdown = dlsym(process, "blas_thread_shutdown_") { _ = unsafeBitCast(shutdown, to: Shutdown.self)() }
        }
        return true
    }()
}
