// glibc's vector math library (libmvec, part of libc6): exp and log of arrays, four (AVX2) or
// two (SSE registers, any x86-64) values per call through the x86-64 vector function ABI, each
// result within 4 ulp of the exact value (glibc's manual; libm's scalar functions are within 1).
// The width is chosen when the program runs (four where the processor has AVX2, whatever the
// build's target), so the tests' debug build runs the code the release build runs. Elsewhere
// (another processor or C library) libm's scalar functions; Package.swift links libmvec on Linux.
#include <math.h>
#include <string.h>

/// The functions `disparity_map` applies.
typedef enum { disparity_exp, disparity_log } disparity_function;

/// y[i] = f(x[i]) for i < n with libm's scalar functions.
static inline void disparity_map_scalar(disparity_function function, const double *x, double *y, long n) {
    for (long i = 0; i < n; i++) y[i] = function == disparity_exp ? exp(x[i]) : log(x[i]);
}

#if defined(__GLIBC__) && defined(__x86_64__)
typedef double disparity_vector2 __attribute__((vector_size(16)));
typedef double disparity_vector4 __attribute__((vector_size(32)));
disparity_vector2 _ZGVbN2v_exp(disparity_vector2);
disparity_vector2 _ZGVbN2v_log(disparity_vector2);
disparity_vector4 _ZGVdN4v_exp(disparity_vector4);
disparity_vector4 _ZGVdN4v_log(disparity_vector4);

// The loop over `n` values `width` at a time, a last partial vector padded (with 0 for exp, 1
// for log) so that each value's result does not depend on its position.
#define DISPARITY_MAP_LOOP(vector, width, exp_function, log_function)                       \
    vector (*f)(vector) = function == disparity_exp ? exp_function : log_function;           \
    long i = 0;                                                                               \
    vector v;                                                                                 \
    for (; i + width <= n; i += width) {                                                      \
        memcpy(&v, x + i, sizeof v);                                                          \
        v = f(v);                                                                             \
        memcpy(y + i, &v, sizeof v);                                                          \
    }                                                                                         \
    if (i < n) {                                                                              \
        double padded[width];                                                                 \
        for (int k = 0; k < width; k++) padded[k] = function == disparity_exp ? 0 : 1;       \
        memcpy(padded, x + i, (size_t)(n - i) * sizeof(double));                              \
        memcpy(&v, padded, sizeof v);                                                         \
        v = f(v);                                                                             \
        memcpy(padded, &v, sizeof v);                                                         \
        memcpy(y + i, padded, (size_t)(n - i) * sizeof(double));                              \
    }

static inline void disparity_map2(disparity_function function, const double *x, double *y, long n) {
    DISPARITY_MAP_LOOP(disparity_vector2, 2, _ZGVbN2v_exp, _ZGVbN2v_log)
}

// Compiled for AVX2 whatever the build's target: a 256-bit argument travels in a register
// only from code compiled for AVX. Called only where the processor has AVX2.
__attribute__((target("avx2"))) static inline void disparity_map4(disparity_function function, const double *x, double *y, long n) {
    DISPARITY_MAP_LOOP(disparity_vector4, 4, _ZGVdN4v_exp, _ZGVdN4v_log)
}

/// The widest vector this processor runs: 4 with AVX2, else 2.
static inline int disparity_vector_width(void) { return __builtin_cpu_supports("avx2") ? 4 : 2; }
#else
static inline int disparity_vector_width(void) { return 1; }
#endif

/// `disparity_map` at a given width: 1 (libm's scalar functions), 2 or 4 (libmvec; 4 only
/// where `disparity_vector_width()` is 4). Any other width is libm's.
static inline void disparity_map_width(disparity_function function, const double *x, double *y, long n, int width) {
#if defined(__GLIBC__) && defined(__x86_64__)
    if (width == 4) { disparity_map4(function, x, y, n); return; }
    if (width == 2) { disparity_map2(function, x, y, n); return; }
#endif
    disparity_map_scalar(function, x, y, n);
}

/// y[i] = exp(x[i]) or log(x[i]) for i < n (x and y may be the same array), at the widest
/// vector this processor runs.
static inline void disparity_map(disparity_function function, const double *x, double *y, long n) {
    disparity_map_width(function, x, y, n, disparity_vector_width());
}
