// The cross-product B'B of a tall, narrow block of rows: the kernel of the X'ΩX of the IRLS
// passes, least squares and calibration (the replicate refits form every replicate's X'ΩX at
// once, a well-shaped product that stays with BLAS). See CrossProducts.c.
#ifndef DISPARITY_CROSS_PRODUCTS_H
#define DISPARITY_CROSS_PRODUCTS_H

/// The widest block `disparity_add_cross_product` takes.
#define DISPARITY_CROSS_PRODUCT_MAX_COLUMNS 32

/// Adds B'B to the upper triangle of `gram` (p × p, column-major, leading dimension `ldg`; the
/// lower triangle is not touched), for a block B of `m` rows × `p` columns (column-major, leading
/// dimension `ld`), 1 ≤ p ≤ DISPARITY_CROSS_PRODUCT_MAX_COLUMNS.
///
/// Each entry is summed in the same order on every processor: four running sums over the rows
/// taken four at a time (fused multiply-adds), added as (s₀ + s₁) + (s₂ + s₃), then the last
/// m mod 4 rows in turn; the AVX2 code and the portable code give the same bits. A NaN makes
/// its column's sums NaN; sums whose partial sums overflow may differ from summing row by row
/// (NaN for +Inf, or a finite sum where a rounded product would overflow), as BLAS's may.
/// On x86-64 processors without FMA (before 2013) the portable code calls libm's `fma` for each
/// product and is slower than BLAS.
void disparity_add_cross_product(const double *block, long m, long p, long ld, double *gram, long ldg);

/// `disparity_add_cross_product` by the portable code whatever the processor (for the tests
/// that show both codes give the same bits).
void disparity_add_cross_product_portable(const double *block, long m, long p, long ld, double *gram, long ldg);

#endif
