// OpenBLAS's CBLAS interface (Debian layout) plus the few LAPACK routines we call.
// libopenblas exports LAPACK's Fortran symbols; lapacke.h is not part of libopenblas-dev,
// so they are declared here with the Fortran convention (every argument by pointer).
#include <cblas.h>

// Cholesky factorization + solve of a symmetric positive definite system A X = B.
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);
// Eigenvalues (and optionally eigenvectors) of a symmetric matrix.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info);
