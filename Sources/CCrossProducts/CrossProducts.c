// B'B for the narrow blocks of rows the engine's X'ΩX are made of (2,048 rows × 1–32 columns).
// OpenBLAS's dgemm takes 2–4 times as long for these shapes as this kernel (1M rows in 2,048-row
// blocks, one AMD Zen 3 core, best of 5: 15 columns 36 against 10 ms, 8 columns 12 against 5,
// 32 columns 78 against 41):
// its kernels tile the p × p result, which is small, and pack both operands for each call, while
// here the rows are the long dimension. The columns are taken three at a time; each pair of
// groups (the upper triangle's 3 × 3 tiles) keeps nine vectors of four running sums in
// registers, one fused multiply-add per pair of columns per four rows, while the rows pass in
// chunks that stay in the first-level cache.
#include "CCrossProducts.h"

#include <math.h>
#include <string.h>

typedef double vector4 __attribute__((vector_size(32)));

enum { chunk_rows = 256, max_groups = (DISPARITY_CROSS_PRODUCT_MAX_COLUMNS + 2) / 3 };

// The kernel's body, compiled twice: for AVX2 with FMA (chosen where the processor has them) and
// for any x86-64 or other processor. `__builtin_elementwise_fma` rounds once either way, so both
// give the same bits.
#define CROSS_PRODUCT_BODY                                                                                    \
    long groups = (p + 2) / 3, tiles = groups * (groups + 1) / 2, whole = m & ~3L;                            \
    vector4 sums[max_groups * (max_groups + 1) / 2][9];                                                       \
    memset(sums, 0, (size_t)tiles * sizeof sums[0]);                                                          \
    /* A group's missing columns (p not a multiple of 3) repeat its first; their sums are dropped. */         \
    const double *column[3 * max_groups];                                                                     \
    for (long j = 0; j < 3 * groups; j++) column[j] = x + (j < p ? j : 3 * (j / 3)) * ld;                     \
    for (long start = 0; start < whole; start += chunk_rows) {                                                \
        long end = start + chunk_rows < whole ? start + chunk_rows : whole;                                   \
        vector4(*tile)[9] = sums;                                                                             \
        for (long ga = 0; ga < groups; ga++) {                                                                \
            const double *a0 = column[3 * ga], *a1 = column[3 * ga + 1], *a2 = column[3 * ga + 2];            \
            for (long gb = ga; gb < groups; gb++, tile++) {                                                   \
                const double *b0 = column[3 * gb], *b1 = column[3 * gb + 1], *b2 = column[3 * gb + 2];        \
                vector4 s00 = (*tile)[0], s01 = (*tile)[1], s02 = (*tile)[2], s10 = (*tile)[3],               \
                        s11 = (*tile)[4], s12 = (*tile)[5], s20 = (*tile)[6], s21 = (*tile)[7],               \
                        s22 = (*tile)[8];                                                                     \
                for (long r = start; r < end; r += 4) {                                                       \
                    vector4 u0, u1, u2, v;                                                                    \
                    memcpy(&u0, a0 + r, sizeof u0);                                                           \
                    memcpy(&u1, a1 + r, sizeof u1);                                                           \
                    memcpy(&u2, a2 + r, sizeof u2);                                                           \
                    memcpy(&v, b0 + r, sizeof v);                                                             \
                    s00 = __builtin_elementwise_fma(u0, v, s00);                                              \
                    s10 = __builtin_elementwise_fma(u1, v, s10);                                              \
                    s20 = __builtin_elementwise_fma(u2, v, s20);                                              \
                    memcpy(&v, b1 + r, sizeof v);                                                             \
                    s01 = __builtin_elementwise_fma(u0, v, s01);                                              \
                    s11 = __builtin_elementwise_fma(u1, v, s11);                                              \
                    s21 = __builtin_elementwise_fma(u2, v, s21);                                              \
                    memcpy(&v, b2 + r, sizeof v);                                                             \
                    s02 = __builtin_elementwise_fma(u0, v, s02);                                              \
                    s12 = __builtin_elementwise_fma(u1, v, s12);                                              \
                    s22 = __builtin_elementwise_fma(u2, v, s22);                                              \
                }                                                                                             \
                (*tile)[0] = s00; (*tile)[1] = s01; (*tile)[2] = s02;                                         \
                (*tile)[3] = s10; (*tile)[4] = s11; (*tile)[5] = s12;                                         \
                (*tile)[6] = s20; (*tile)[7] = s21; (*tile)[8] = s22;                                         \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
    vector4(*tile)[9] = sums;                                                                                 \
    for (long ga = 0; ga < groups; ga++)                                                                      \
        for (long gb = ga; gb < groups; gb++, tile++)                                                         \
            for (long i = 0; i < 3; i++)                                                                      \
                for (long j = 0; j < 3; j++) {                                                                \
                    long row = 3 * ga + i, col = 3 * gb + j;                                                  \
                    if (row >= p || col >= p || row > col) continue;                                          \
                    vector4 s = (*tile)[3 * i + j];                                                           \
                    double total = (s[0] + s[1]) + (s[2] + s[3]);                                             \
                    for (long r = whole; r < m; r++) total = fma(column[row][r], column[col][r], total);      \
                    gram[col * ldg + row] += total;                                                           \
                }

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void add_cross_product_avx2(const double *x, long m, long p, long ld,
                                                                       double *gram, long ldg) {
    CROSS_PRODUCT_BODY
}
#endif

void disparity_add_cross_product_portable(const double *x, long m, long p, long ld, double *gram, long ldg) {
    CROSS_PRODUCT_BODY
}

void disparity_add_cross_product(const double *block, long m, long p, long ld, double *gram, long ldg) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        add_cross_product_avx2(block, m, p, ld, gram, ldg);
        return;
    }
#endif
    disparity_add_cross_product_portable(block, m, p, ld, gram, ldg);
}
