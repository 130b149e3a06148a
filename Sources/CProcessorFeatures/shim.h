// The instruction-set extensions of the processor the program runs on, as the operating system
// enables them (the compiler's __builtin_cpu_supports: CPUID, and XGETBV for the AVX and AVX-512
// register state), for choosing OpenBLAS's kernels where OpenBLAS does not know the processor
// (BlasSetup.swift). 0 on other architectures.

/// Whether the processor runs the instructions of OpenBLAS's SkylakeX kernels: AVX-512 F, CD,
/// BW, DQ and VL, with AVX2 and FMA.
static inline int disparity_has_avx512_skylakex(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2")
        && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

/// Whether the processor runs the instructions of OpenBLAS's Haswell kernels: AVX2 and FMA.
static inline int disparity_has_avx2_fma(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
