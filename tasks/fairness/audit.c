/* audit.c — what the fairness task reports on its codes: the head's
 * scores on test Z judged (accuracy or RMSE, ΔDP and ΔEO) and the leakage
 * of T measured apart from the penalty (the core's audit, audit.h). */
#include <stdlib.h>
#include "fairness.h"

/* The head's output for every row of z (allocated here). */
static im_status head_scores(im_ctx *ctx, const model *m, const im_mat *z, im_real **out)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_tensor *v = im_linear_layer_forward(g, &m->head, im_input(g, z));
    im_status st = v ? IM_OK : ctx->status;
    *out = st ? NULL : malloc(sizeof(im_real) * (size_t)(z->rows > 0 ? z->rows : 1));
    if (!st && !*out) st = im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    for (int i = 0; !st && i < z->rows; i++) (*out)[i] = v->val[i];
    im_tape_free(g);
    return st;
}

im_status fairness_audit(im_task *t, const fairness_settings *s, const model *m, const im_mat *z[3], double *quality)
{
    const im_dataset *ds = &t->ds;
    /* the test rows' scores for the audit; every split's when the codes
     * are saved too: each computed once */
    im_real *scores[3] = { NULL, NULL, NULL };
    im_status st = IM_OK;
    for (int k = s->save_codes[0] ? 0 : 2; k < 3 && !st; k++) st = head_scores(t->ctx, m, z[k], &scores[k]);
    im_audit_data d = { .z_train = z[0], .z_val = z[1], .z_test = z[2],
                        .t_train = &ds->train.t, .t_val = &ds->val.t, .t_test = &ds->test.t,
                        .t_binary = ds->t_kind == IM_VAR_BINARY, .y_test = &ds->test.y, .score_test = scores[2],
                        .y_binary = ds->y_kind != IM_VAR_CONTINUOUS };
    if (!st && s->save_codes[0]) st = fairness_save_codes(t, s, z, (const im_real *const *)scores);
    if (!st) st = im_audit_quality(t->ctx, &d, t->rec, quality);
    if (!st) st = im_audit_leakage(t->ctx, &s->audit, &d, t->rng, t->rec);
    for (int k = 0; k < 3; k++) free(scores[k]);
    return st;
}
