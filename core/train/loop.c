/* loop.c — a task's training loop as an iterator (loop.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/checkpoint.h"
#include "infomin/clock.h"
#include "infomin/loop.h"
#include "infomin/progress.h"

enum { KEEP_PARAMS, KEEP_ENCODER, KEEP_ESTIMATOR, KEEP_CURVE, KEEP_BYTES };

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

im_status im_loop_begin(im_loop *l, im_task *task, const im_loop_opts *o)
{
    memset(l, 0, sizeof *l);
    l->task = task;
    l->o = *o;
    if (!l->o.name) l->o.name = task->sec.plugin ? task->sec.plugin->name : "training";
    o = &l->o;
    im_ctx *ctx = task->ctx;
    l->batch = o->rows > 0 ? (o->batch < o->rows ? o->batch : o->rows) : 0;
    l->extra_batch = o->extra_rows > 0 ? (o->extra_batch < o->extra_rows ? o->extra_batch : o->extra_rows) : 0;
    if (o->rows > 0 && l->batch < 1) return l->st = im_fail(ctx, IM_EINVAL, "%s: batches of %d rows", o->name, o->batch);
    if (o->rows > 0)
        l->per_epoch = o->whole_batches ? o->rows / l->batch : ceil_div(o->rows, l->batch);
    else
        l->per_epoch = o->per_epoch > 0 ? o->per_epoch : 1;
    l->total = o->epochs > 0 ? l->per_epoch * o->epochs : o->steps;
    if (o->epochs <= 0) l->per_epoch = l->total > 0 ? l->total : 1;   /* no epochs: one long one */
    if (!l->o.progress_every) l->o.progress_every = 20;
    im_status st = IM_OK;
    if (l->batch + l->extra_batch > 0 && !(l->row_buf = malloc(sizeof(int) * (size_t)(l->batch + l->extra_batch))))
        st = im_fail(ctx, IM_ENOMEM, "%s: out of memory", o->name);
    l->rows = l->row_buf;
    if (!st && o->rows > 0) st = im_batcher_init(ctx, &l->from[0], o->rows, task->rng);
    if (!st && o->extra_rows > 0) st = im_batcher_init(ctx, &l->from[1], o->extra_rows, task->rng);
    if (!st && !(l->g = im_tape_new(ctx))) st = ctx->status;
    if (!st && o->checkpoint_every > 0)
        st = im_checkpoint_target(ctx, task->cfg, im_record_run(task->rec), l->ck_path, sizeof l->ck_path, &l->ck_hash);
    l->t0 = im_seconds();
    return l->st = st;
}

static void show_progress(im_loop *l)
{
    char detail[256];
    int n = 0;
    if (l->o.epochs > 0) n = snprintf(detail, sizeof detail, "epoch %d/%d", l->epoch, l->o.epochs);
    if (l->n_tracked && n >= 0 && n < (int)sizeof detail)
        n += snprintf(detail + n, sizeof detail - (size_t)n, "%s%.4f", n ? "  " : "", im_loop_mean(l));
    if (l->note[0] && n >= 0 && n < (int)sizeof detail)
        snprintf(detail + n, sizeof detail - (size_t)n, "%s%s", n ? "  " : "", l->note);
    double now = im_seconds();
    im_progress_timed(l->task->ctx, l->o.name, l->step + 1, l->total, detail, l->seconds + now - l->t0,
                      l->step + 1 - l->step0, now - l->t0);
}

/* The checkpoint's blocks, in one order for writing and reading. */
static im_status save_checkpoint(im_loop *l);

int im_loop_next(im_loop *l)
{
    if (l->st || l->stopped) return 0;
    im_ctx *ctx = l->task->ctx;
    if (l->started) {   /* after the body of step l->step */
        int epoch_end = im_loop_epoch_done(l);
        if (epoch_end || (l->step + 1) % l->o.progress_every == 0) show_progress(l);
        if (epoch_end && l->o.checkpoint_every > 0 && l->o.epochs > 0 && l->epoch % l->o.checkpoint_every == 0 &&
            l->epoch < l->o.epochs && (l->st = save_checkpoint(l)))
            return 0;
        l->step++;
    } else {
        l->started = 1;
    }
    if (l->step >= l->total) return 0;
    if (im_interrupted(ctx)) {
        l->st = im_fail(ctx, IM_EINTERRUPTED, "%s: interrupted at step %ld of %ld", l->o.name, l->step, l->total);
        return 0;
    }
    l->epoch = (int)(l->step / l->per_epoch) + 1;
    if (im_loop_epoch_start(l)) l->tracked = 0, l->n_tracked = 0;
    double ramp = l->o.warmup > 0 ? (l->step + 1) / (l->o.warmup * l->per_epoch) : 1;
    l->ramp = ramp < 1 ? ramp : 1;
    int k = 0;
    for (; k < l->batch; k++) l->row_buf[k] = im_batcher_next(&l->from[0], l->task->rng);
    for (; k < l->batch + l->extra_batch; k++) l->row_buf[k] = im_batcher_next(&l->from[1], l->task->rng);
    im_tape_reset(l->g);
    return 1;
}

im_status im_loop_update(im_loop *l, im_tensor *loss, im_optim *opt)
{
    im_ctx *ctx = l->task->ctx;
    im_status st = loss ? im_backward(l->g, loss) : (ctx->status ? ctx->status : im_fail(ctx, IM_EINVAL, "%s: no loss", l->o.name));
    if (!st && !isfinite(im_item(loss)))
        st = im_fail(ctx, IM_ENUMERIC, "%s: the loss is %g at step %ld of %ld (%s)", l->o.name, im_item(loss), l->step,
                     l->total, l->o.hint ? l->o.hint : "lower lr");
    if (!st && opt) im_optim_step(opt);
    return l->st = st;
}

int im_loop_epoch_start(const im_loop *l) { return l->step % l->per_epoch == 0; }
int im_loop_epoch_done(const im_loop *l) { return (l->step + 1) % l->per_epoch == 0 || l->step + 1 == l->total; }

void im_loop_track(im_loop *l, double value)
{
    l->tracked += value;
    l->n_tracked++;
}

double im_loop_mean(const im_loop *l) { return l->n_tracked ? l->tracked / l->n_tracked : NAN; }

void im_loop_note(im_loop *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->note, sizeof l->note, fmt, ap);
    va_end(ap);
}

void im_loop_stop(im_loop *l) { l->stopped = 1; }

im_status im_loop_keep_best(im_loop *l, const im_params *params, int patience)
{
    if (l->o.checkpoint_every > 0)   /* the best weights so far would need a block of their own */
        return l->st = im_fail(l->task->ctx, IM_EINVAL, "%s: checkpoint_every with early stopping is not supported; "
                               "set checkpoint_every = 0", l->o.name);
    l->best_of = params;
    l->patience = patience;
    l->best_score = -INFINITY;
    if (!(l->best = malloc(sizeof(im_real) * (size_t)(im_params_numel(params) + 1))))
        return l->st = im_fail(l->task->ctx, IM_ENOMEM, "%s: out of memory", l->o.name);
    return IM_OK;
}

void im_loop_score(im_loop *l, double score)
{
    if (score > l->best_score) {
        l->best_score = score;
        l->since_best = 0;
        im_params_save(l->best_of, l->best);
    } else if (++l->since_best >= l->patience) {
        im_loop_stop(l);
    }
}

im_status im_loop_end(im_loop *l, im_status st)
{
    if (!l->task) return st;   /* never begun */
    im_progress_done(l->task->ctx);
    l->seconds += im_seconds() - l->t0;
    if (!st) st = l->st;
    if (!st && l->o.checkpoint_every > 0) unlink(l->ck_path);   /* finished: nothing to continue */
    if (l->best && isfinite(l->best_score)) im_params_load(l->best_of, l->best);
    free(l->best);
    l->best = NULL;
    im_batcher_free(&l->from[0]);
    im_batcher_free(&l->from[1]);
    im_tape_free(l->g);
    l->g = NULL;
    free(l->row_buf);
    l->row_buf = NULL;
    l->rows = NULL;
    return st;
}

/* ---- checkpoints ---- */

static im_status add_keep(im_loop *l, int kind, const char *name, void *what, im_optim *opt, size_t size)
{
    im_ctx *ctx = l->task->ctx;
    if (l->n_keep == IM_LOOP_KEEP_MAX)
        return l->st = im_fail(ctx, IM_EINVAL, "%s: more than %d checkpoint blocks", l->o.name, IM_LOOP_KEEP_MAX);
    for (int i = 0; i < l->n_keep; i++)
        if (!strcmp(l->keep[i].name, name))
            return l->st = im_fail(ctx, IM_EINVAL, "%s: checkpoint block '%s' registered twice", l->o.name, name);
    l->keep[l->n_keep++] = (im_loop_block){ kind, name, what, opt, size };
    return IM_OK;
}

im_status im_loop_keep_params(im_loop *l, const char *name, im_params *params, im_optim *opt)
{
    return add_keep(l, KEEP_PARAMS, name, params, opt, 0);
}

im_status im_loop_keep_encoder(im_loop *l, const char *name, const im_encoder *enc)
{
    if (l->o.checkpoint_every > 0 && !enc->vt->state_size)
        return l->st = im_fail(l->task->ctx, IM_EINVAL, "%s: checkpoint_every: encoder '%s' cannot save its state (no "
                               "state hooks); set checkpoint_every = 0", l->o.name, enc->name);
    return add_keep(l, KEEP_ENCODER, name, (void *)enc, NULL, 0);
}

im_status im_loop_keep_estimator(im_loop *l, const char *name, im_estimator *est, im_optim *opt)
{
    if (l->o.checkpoint_every > 0 && !est->vt->state_size)
        return l->st = im_fail(l->task->ctx, IM_EINVAL, "%s: checkpoint_every: estimator '%s' cannot save its state "
                               "(no state hooks); use slice, renyi, tc, club, hsic, pearson or dcor, or set "
                               "checkpoint_every = 0", l->o.name, est->plugin->name);
    return add_keep(l, KEEP_ESTIMATOR, name, est, opt, 0);
}

im_status im_loop_keep_curve(im_loop *l, const char *name, im_curve *curve)
{
    return add_keep(l, KEEP_CURVE, name, curve, NULL, 0);
}

im_status im_loop_keep_bytes(im_loop *l, const char *name, void *data, size_t size)
{
    return add_keep(l, KEEP_BYTES, name, data, NULL, size);
}

static void block_name(char *buf, size_t size, const char *name, const char *part)
{
    snprintf(buf, size, "%s.%s", name, part);
}

/* A block of state_size bytes written by save (or read by load) of self. */
typedef struct {
    size_t (*size)(void *self);
    void (*save)(void *self, void *buf);
    void (*load)(void *self, const void *buf);
    void *self;
} state_hooks;

static im_status put_state(im_ctx *ctx, im_checkpoint *ck, const char *name, state_hooks h)
{
    size_t n = h.size(h.self);
    void *buf = malloc(n + 1);
    if (!buf) return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    h.save(h.self, buf);
    im_status st = im_checkpoint_put(ctx, ck, name, buf, n);
    free(buf);
    return st;
}

static im_status get_state(im_ctx *ctx, const im_checkpoint *ck, const char *name, state_hooks h)
{
    size_t n = h.size(h.self);
    void *buf = malloc(n + 1);
    if (!buf) return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    im_status st = im_checkpoint_get(ctx, ck, name, buf, n);
    if (!st) h.load(h.self, buf);
    free(buf);
    return st;
}

static im_status put_params(im_ctx *ctx, im_checkpoint *ck, const char *name, im_params *p, const im_optim *opt)
{
    char adam[96];
    block_name(adam, sizeof adam, name, "adam_t");
    im_status st = im_checkpoint_put_params(ctx, ck, name, p);
    if (!st && opt) st = im_checkpoint_put(ctx, ck, adam, &opt->t, sizeof opt->t);
    return st;
}

static im_status get_params(im_ctx *ctx, const im_checkpoint *ck, const char *name, im_params *p, im_optim *opt)
{
    char adam[96];
    block_name(adam, sizeof adam, name, "adam_t");
    im_status st = im_checkpoint_get_params(ctx, ck, name, p);
    if (!st && opt) st = im_checkpoint_get(ctx, ck, adam, &opt->t, sizeof opt->t);
    return st;
}

static state_hooks encoder_hooks(const im_encoder *e)
{
    return (state_hooks){ e->vt->state_size, e->vt->state_save, e->vt->state_load, e->self };
}

static state_hooks estimator_hooks(const im_estimator *e)
{
    return (state_hooks){ e->vt->state_size, e->vt->state_save, e->vt->state_load, e->self };
}

static im_status put_curve(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_curve *c)
{
    int rows = im_curve_rows(c), cols = im_curve_cols(c);
    double *points = malloc(sizeof(double) * ((size_t)rows * (size_t)cols + 1));
    if (!points) return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) points[(size_t)r * cols + j] = im_curve_get(c, r, j);
    char block[96];
    block_name(block, sizeof block, name, "rows");
    im_status st = im_checkpoint_put(ctx, ck, block, &rows, sizeof rows);
    if (!st) st = im_checkpoint_put(ctx, ck, name, points, sizeof(double) * (size_t)rows * (size_t)cols);
    free(points);
    return st;
}

static im_status get_curve(im_ctx *ctx, const im_checkpoint *ck, const char *path, const char *name, im_curve *c,
                           long max_rows)
{
    int rows = 0, cols = im_curve_cols(c);
    char block[96];
    block_name(block, sizeof block, name, "rows");
    im_status st = im_checkpoint_get(ctx, ck, block, &rows, sizeof rows);
    if (!st && (rows < 0 || rows > max_rows))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: curve '%s' of %d rows (at most %ld)", path, name, rows, max_rows);
    double *points = st ? NULL : malloc(sizeof(double) * ((size_t)rows * (size_t)cols + 1));
    if (!st && !points) st = im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    if (!st) st = im_checkpoint_get(ctx, ck, name, points, sizeof(double) * (size_t)rows * (size_t)cols);
    for (int r = 0; !st && r < rows; r++) im_curve_add(c, points + (size_t)r * cols);
    free(points);
    return st;
}

static im_status put_keep(im_ctx *ctx, im_checkpoint *ck, const im_loop_block *k)
{
    char block[96];
    switch (k->kind) {
    case KEEP_PARAMS: return put_params(ctx, ck, k->name, k->what, k->opt);
    case KEEP_ENCODER: return put_state(ctx, ck, k->name, encoder_hooks(k->what));
    case KEEP_ESTIMATOR: {
        im_estimator *est = k->what;
        im_params *p = est->vt->params ? est->vt->params(est->self) : NULL;
        im_status st = p ? put_params(ctx, ck, k->name, p, k->opt) : IM_OK;
        block_name(block, sizeof block, k->name, "state");
        return st ? st : put_state(ctx, ck, block, estimator_hooks(est));
    }
    case KEEP_CURVE: return put_curve(ctx, ck, k->name, k->what);
    default: return im_checkpoint_put(ctx, ck, k->name, k->what, k->size);
    }
}

static im_status get_keep(im_loop *l, const im_checkpoint *ck, const im_loop_block *k)
{
    im_ctx *ctx = l->task->ctx;
    char block[96];
    switch (k->kind) {
    case KEEP_PARAMS: return get_params(ctx, ck, k->name, k->what, k->opt);
    case KEEP_ENCODER: return get_state(ctx, ck, k->name, encoder_hooks(k->what));
    case KEEP_ESTIMATOR: {
        im_estimator *est = k->what;
        im_params *p = est->vt->params ? est->vt->params(est->self) : NULL;
        im_status st = p ? get_params(ctx, ck, k->name, p, k->opt) : IM_OK;
        block_name(block, sizeof block, k->name, "state");
        return st ? st : get_state(ctx, ck, block, estimator_hooks(est));
    }
    case KEEP_CURVE: return get_curve(ctx, ck, l->ck_path, k->name, k->what, l->total + l->o.epochs + 1);
    default: return im_checkpoint_get(ctx, ck, k->name, k->what, k->size);
    }
}

static im_status save_checkpoint(im_loop *l)
{
    im_ctx *ctx = l->task->ctx;
    im_checkpoint *ck = im_checkpoint_new(l->ck_hash);
    if (!ck) return im_fail(ctx, IM_ENOMEM, "%s: out of memory", l->o.name);
    double seconds = l->seconds + im_seconds() - l->t0;
    im_status st = im_checkpoint_put(ctx, ck, "epoch", &l->epoch, sizeof l->epoch);
    if (!st) st = im_checkpoint_put(ctx, ck, "seconds", &seconds, sizeof seconds);
    if (!st) st = im_checkpoint_put_rng(ctx, ck, "rng", l->task->rng);
    if (!st && l->o.rows > 0) st = im_checkpoint_put_batcher(ctx, ck, "batcher", &l->from[0]);
    if (!st && l->o.extra_rows > 0) st = im_checkpoint_put_batcher(ctx, ck, "batcher.extra", &l->from[1]);
    for (int i = 0; i < l->n_keep && !st; i++) st = put_keep(ctx, ck, &l->keep[i]);
    if (!st) st = im_checkpoint_write(ctx, ck, l->ck_path);
    im_checkpoint_free(ck);
    return st;
}

static im_status load_checkpoint(im_loop *l)
{
    im_ctx *ctx = l->task->ctx;
    im_checkpoint *ck;
    im_status st = im_checkpoint_read(ctx, l->ck_path, l->ck_hash, &ck);
    if (st) return st;
    int epoch = 0;
    st = im_checkpoint_get(ctx, ck, "epoch", &epoch, sizeof epoch);
    if (!st && (epoch < 1 || epoch >= l->o.epochs))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: epoch %d is outside 1..%d", l->ck_path, epoch, l->o.epochs - 1);
    if (!st) st = im_checkpoint_get(ctx, ck, "seconds", &l->seconds, sizeof l->seconds);
    if (!st) st = im_checkpoint_get_rng(ctx, ck, "rng", l->task->rng);
    if (!st && l->o.rows > 0) st = im_checkpoint_get_batcher(ctx, ck, "batcher", &l->from[0]);
    if (!st && l->o.extra_rows > 0) st = im_checkpoint_get_batcher(ctx, ck, "batcher.extra", &l->from[1]);
    for (int i = 0; i < l->n_keep && !st; i++) st = get_keep(l, ck, &l->keep[i]);
    im_checkpoint_free(ck);
    if (!st) {
        l->step = l->step0 = (long)epoch * l->per_epoch;
        l->resumed = 1;
        fprintf(stderr, "%s: resumed from %s after epoch %d of %d\n", l->o.name, l->ck_path, epoch, l->o.epochs);
    }
    return st;
}

im_status im_loop_resume(im_loop *l)
{
    if (l->st || l->o.checkpoint_every <= 0) return l->st;
    if (access(l->ck_path, F_OK) != 0) return IM_OK;
    if (!l->task->ctx->resume) {
        fprintf(stderr, "%s: starting over; %s holds an earlier run's checkpoint (infomin-run --resume continues it)\n",
                l->o.name, l->ck_path);
        return IM_OK;
    }
    l->t0 = im_seconds();
    return l->st = load_checkpoint(l);
}
