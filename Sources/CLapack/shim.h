// Fortran LAPACK and BLAS entry points (reference ABI: every argument by pointer,
// hidden string lengths omitted because each char argument here has length 1).
#ifndef CLAPACK_SHIM_H
#define CLAPACK_SHIM_H

/// Cholesky factorisation of a symmetric positive definite matrix.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
/// Inverse from a Cholesky factor.
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
/// QR with column pivoting.
void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt,
             double *tau, double *work, const int *lwork, int *info);
/// Applies Q or Q' from a QR factorisation.
void dormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k,
             const double *a, const int *lda, const double *tau, double *c, const int *ldc,
             double *work, const int *lwork, int *info);
/// Triangular solve with multiple right-hand sides.
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const double *a, const int *lda, double *b, const int *ldb, int *info);
/// Singular value decomposition.
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work,
             const int *lwork, int *iwork, int *info);
/// Symmetric rank-k update: C := alpha A'A + beta C.
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *beta, double *c, const int *ldc);
/// General matrix product.
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc);
/// Matrix-vector product.
void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
            const int *lda, const double *x, const int *incx, const double *beta, double *y,
            const int *incy);

#endif
