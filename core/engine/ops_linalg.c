/* ops_linalg.c — log-determinant of a symmetric positive-definite matrix,
 * through a double-precision Cholesky factorisation (LAPACK dpotrf).
 *
 *   y = log det(S + ridge·I) = 2 Σ log L_ii
 *   dS += dy · (S + ridge·I)^{-1}        (dpotri; S symmetric) */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include "infomin/tape.h"

static void logdet_backward(im_tape *g, im_node *n)
{
    im_tensor *s = n->in[0];
    im_real *ds = im_grad_of(g, s);
    if (!ds) return;
    const double *inv = n->saved;
    im_real dy = n->out->grad[0];
    for (long i = 0; i < (long)s->rows * s->cols; i++) ds[i] += dy * (im_real)inv[i];
}

im_tensor *im_logdet(im_tape *g, im_tensor *s, double ridge)
{
    if (!s) return NULL;
    if (s->rows != s->cols) return im_op_fail(g, "im_logdet: %dx%d is not square", s->rows, s->cols);
    int p = s->rows;
    im_tensor *y = im_tensor_new(g, 1, 1);
    double *f = im_tape_alloc(g, sizeof(double) * (size_t)p * (size_t)p);
    if (!y || !f) return NULL;
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++)   /* symmetrise: the gradient formula assumes S = Sᵀ */
            f[i * p + j] = 0.5 * ((double)s->val[i * p + j] + s->val[j * p + i]) + (i == j ? ridge : 0.0);
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', p, f, p) != 0)
        return im_op_fail(g, "im_logdet: %dx%d matrix is not positive definite", p, p);
    double logdet = 0;
    for (int i = 0; i < p; i++) logdet += 2 * log(f[i * p + i]);
    y->val[0] = (im_real)logdet;
    im_node *n = im_tape_record(g, "logdet", y, logdet_backward, s, NULL, NULL);
    if (n) {
        if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', p, f, p) != 0)
            return im_op_fail(g, "im_logdet: cannot invert the %dx%d matrix", p, p);
        for (int i = 0; i < p; i++)   /* dpotri fills the lower triangle */
            for (int j = i + 1; j < p; j++) f[i * p + j] = f[j * p + i];
        n->saved = f;
    }
    return y;
}
