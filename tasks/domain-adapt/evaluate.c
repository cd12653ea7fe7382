/* evaluate.c — what a domain-adapt run reports, on test codes (encoder in
 * evaluation mode):
 *   source_accuracy, target_accuracy   the classifier on test rows of each domain;
 *   domain_accuracy                    a fresh classifier (one hidden layer)
 *                                      reading the domain from Z_c, trained on
 *                                      validation codes, with domain_chance
 *                                      (the commoner domain's share of the test rows);
 *   rho_star                           ρ*(Z_c; domain), a fresh renyi critic. */
#include <math.h>
#include <stdlib.h>
#include "domain_adapt.h"

/* the classifier's accuracy on the test rows of each domain */
static im_status accuracies(im_ctx *ctx, const da_model *m, const im_dataset *ds, const im_mat *z, double acc[2])
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_tensor *logits = im_linear_layer_forward(g, &m->head, im_input(g, z));
    im_status st = logits ? IM_OK : ctx->status;
    long right[2] = { 0, 0 }, all[2] = { 0, 0 };
    for (int r = 0; r < z->rows && !st; r++) {
        const im_real *l = logits->val + (size_t)r * m->classes;
        int best = 0, d = im_mat_row(&ds->test.t, r)[0] > 0.5f;
        for (int c = 1; c < m->classes; c++) best = l[c] > l[best] ? c : best;
        right[d] += best == (int)im_mat_row(&ds->test.y, r)[0];
        all[d]++;
    }
    for (int d = 0; d < 2; d++) acc[d] = all[d] ? (double)right[d] / all[d] : NAN;
    im_tape_free(g);
    return st;
}

im_status da_evaluate(im_ctx *ctx, const da_settings *s, const im_dataset *ds, const da_model *m, im_rng *rng,
                      im_record *rec)
{
    im_mat zva = { 0 }, zte = { 0 };
    int *d_va = NULL, *d_te = NULL;
    double acc[2] = { NAN, NAN }, dom_acc, rho;
    im_status st = im_encoder_encode(ctx, &m->enc, &ds->val.x, IM_ENCODE_CODE, &zva);
    if (!st) st = im_encoder_encode(ctx, &m->enc, &ds->test.x, IM_ENCODE_CODE, &zte);
    if (!st) st = accuracies(ctx, m, ds, &zte, acc);
    if (!st) {
        im_record_num(rec, "source_accuracy", acc[0]);
        im_record_num(rec, "target_accuracy", acc[1]);
        d_va = im_class_labels(ctx, &ds->val.t, zva.rows);
        d_te = d_va ? im_class_labels(ctx, &ds->test.t, zte.rows) : NULL;
        if (!d_te) st = ctx->status;
    }
    if (!st) {
        im_probe_data d = { &zva, &zte, d_va, d_te, 2 };
        st = im_probe_accuracy(ctx, &d, s->leak.adversary_hidden, s->leak.adversary_epochs, 1e-3, rng, &dom_acc);
    }
    if (!st) {
        long target = 0;
        for (int r = 0; r < zte.rows; r++) target += d_te[r];
        im_record_num(rec, "domain_accuracy", dom_acc);
        im_record_num(rec, "domain_chance", fmax(target, zte.rows - target) / (double)zte.rows);
        st = im_probe_rho_star(ctx, &zva, &ds->val.t, &zte, &ds->test.t, s->leak.renyi_steps, rng, &rho);
    }
    if (!st) im_record_num(rec, "rho_star", rho);
    free(d_va);
    free(d_te);
    im_mat_free(&zva);
    im_mat_free(&zte);
    return st;
}
