// glibc's vector math library (libmvec, part of libc6): exp and log of arrays, four (AVX2) or
// two (SSE registers, any x86-64) values per call through the x86-64 vector function ABI, each
// result within 4 ulp of the exact value (glibc's manual; libm's scalar functions are within 1).
// Elsewhere (another processor or C library) the scalar functions; Package.swift links libmvec
// on Linux. The width is fixed when the including code is compiled (`__AVX2__`: the release
// build's `-target-cpu haswell`), since a 256-bit argument travels in a register only when the
// caller is compiled for AVX.
#include <math.h>
#include <string.h>

#if defined(__GLIBC__) && defined(__x86_64__) && defined(__AVX2__)
typedef double disparity_vector __attribute__((vector_size(32)));
disparity_vector _ZGVdN4v_exp(disparity_vector);
disparity_vector _ZGVdN4v_log(disparity_vector);
#define DISPARITY_VECTOR_WIDTH 4
#define DISPARITY_VECTOR_EXP _ZGVdN4v_exp
#define DISPARITY_VECTOR_LOG _ZGVdN4v_log
#elif defined(__GLIBC__) && defined(__x86_64__)
typedef double disparity_vector __attribute__((vector_size(16)));
disparity_vector _ZGVbN2v_exp(disparity_vector);
disparity_vector _ZGVbN2v_log(disparity_vector);
#define DISPARITY_VECTOR_WIDTH 2
#define DISPARITY_VECTOR_EXP _ZGVbN2v_exp
#define DISPARITY_VECTOR_LOG _ZGVbN2v_log
#endif

/// The functions `disparity_map` applies.
typedef enum { disparity_exp, disparity_log } disparity_function;

/// y[i] = exp(x[i]) or log(x[i]) for i < n (x and y may be the same array). A last partial
/// vector is padded (with 0 for exp, 1 for log), so each value's result does not depend on its
/// position.
static inline void disparity_map(disparity_function function, const double *x, double *y, long n) {
#ifdef DISPARITY_VECTOR_WIDTH
    disparity_vector (*f)(disparity_vector) = function == disparity_exp ? DISPARITY_VECTOR_EXP : DISPARITY_VECTOR_LOG;
    long i = 0;
    disparity_vector v;
    for (; i + DISPARITY_VECTOR_WIDTH <= n; i += DISPARITY_VECTOR_WIDTH) {
        memcpy(&v, x + i, sizeof v);
        v = f(v);
        memcpy(y + i, &v, sizeof v);
    }
    if (i < n) {
        double padded[DISPARITY_VECTOR_WIDTH];
        for (int k = 0; k < DISPARITY_VECTOR_WIDTH; k++) padded[k] = function == disparity_exp ? 0 : 1;
        memcpy(padded, x + i, (size_t)(n - i) * sizeof(double));
        memcpy(&v, padded, sizeof v);
        v = f(v);
        memcpy(padded, &v, sizeof v);
        memcpy(y + i, padded, (size_t)(n - i) * sizeof(double));
    }
#else
    for (long i = 0; i < n; i++) y[i] = function == disparity_exp ? exp(x[i]) : log(x[i]);
#endif
}
