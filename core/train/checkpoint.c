/* checkpoint.c — named blocks of a run's state, written atomically with a
 * format version, the configuration hash and a checksum (checkpoint.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infomin/checkpoint.h"
#include "infomin/output.h"
#include "infomin/results.h"

static const char MAGIC[8] = { 'I', 'M', 'C', 'K', 'P', 'T', '\r', '\n' };

typedef struct {
    char *name;
    unsigned char *data;
    size_t size;
} block;

struct im_checkpoint {
    uint64_t config_hash;
    block *blocks;
    int count, cap;
    char path[1024];   /* the file read, for messages */
};

im_checkpoint *im_checkpoint_new(uint64_t config_hash)
{
    im_checkpoint *ck = calloc(1, sizeof *ck);
    if (ck) ck->config_hash = config_hash;
    return ck;
}

void im_checkpoint_free(im_checkpoint *ck)
{
    if (!ck) return;
    for (int i = 0; i < ck->count; i++) free(ck->blocks[i].name), free(ck->blocks[i].data);
    free(ck->blocks);
    free(ck);
}

static const block *find(const im_checkpoint *ck, const char *name)
{
    for (int i = 0; i < ck->count; i++)
        if (strcmp(ck->blocks[i].name, name) == 0) return &ck->blocks[i];
    return NULL;
}

im_status im_checkpoint_put(im_ctx *ctx, im_checkpoint *ck, const char *name, const void *data, size_t size)
{
    if (find(ck, name)) return im_fail(ctx, IM_EINVAL, "checkpoint: block '%s' added twice", name);
    if (ck->count == ck->cap) {
        int cap = ck->cap ? 2 * ck->cap : 16;
        block *grown = realloc(ck->blocks, sizeof *grown * (size_t)cap);
        if (!grown) return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
        ck->blocks = grown;
        ck->cap = cap;
    }
    block b = { strdup(name), malloc(size ? size : 1), size };
    if (!b.name || !b.data) {
        free(b.name);
        free(b.data);
        return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    }
    if (size) memcpy(b.data, data, size);
    ck->blocks[ck->count++] = b;
    return IM_OK;
}

/* "name rows cols;" per parameter: what the values must fit. */
static char *shapes_of(const im_params *params)
{
    size_t cap = 64 * (size_t)(params->count + 1), used = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = '\0';
    for (int i = 0; i < params->count; i++) {
        const im_param *p = params->items[i];
        int k = snprintf(s + used, cap - used, "%s %d %d;", p->name, p->rows, p->cols);
        if (k > 0 && used + (size_t)k < cap) used += (size_t)k;
    }
    return s;
}

static size_t params_bytes(const im_params *params)
{
    return sizeof(im_real) * 3 * (size_t)im_params_numel(params);
}

im_status im_checkpoint_put_params(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_params *params)
{
    char key[256];
    char *shapes = shapes_of(params);
    unsigned char *buf = malloc(params_bytes(params) + 1);
    im_status st = !shapes || !buf ? im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory") : IM_OK;
    size_t at = 0;
    for (int i = 0; !st && i < params->count; i++) {
        const im_param *p = params->items[i];
        size_t n = sizeof(im_real) * (size_t)p->rows * (size_t)p->cols;
        memcpy(buf + at, p->value, n), at += n;
        memcpy(buf + at, p->m, n), at += n;
        memcpy(buf + at, p->v, n), at += n;
    }
    snprintf(key, sizeof key, "%s.shapes", name);
    if (!st) st = im_checkpoint_put(ctx, ck, key, shapes, strlen(shapes) + 1);
    if (!st) st = im_checkpoint_put(ctx, ck, name, buf, at);
    free(shapes);
    free(buf);
    return st;
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Little-endian integers into a growing buffer. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int bad;
} bytes;

static void emit(bytes *b, const void *data, size_t n)
{
    if (b->bad) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown) {
            b->bad = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void emit_u(bytes *b, uint64_t v, int width)
{
    unsigned char le[8];
    for (int i = 0; i < width; i++) le[i] = (unsigned char)(v >> (8 * i));
    emit(b, le, (size_t)width);
}

im_status im_checkpoint_write(im_ctx *ctx, const im_checkpoint *ck, const char *path)
{
    bytes b = { 0 };
    emit(&b, MAGIC, sizeof MAGIC);
    emit_u(&b, IM_CHECKPOINT_VERSION, 4);
    emit_u(&b, ck->config_hash, 8);
    emit_u(&b, (uint64_t)ck->count, 4);
    for (int i = 0; i < ck->count; i++) {
        size_t len = strlen(ck->blocks[i].name);
        emit_u(&b, len, 4);
        emit(&b, ck->blocks[i].name, len);
        emit_u(&b, ck->blocks[i].size, 8);
        emit(&b, ck->blocks[i].data, ck->blocks[i].size);
    }
    if (!b.bad) emit_u(&b, fnv1a(0xcbf29ce484222325ull, b.p, b.n), 8);
    if (b.bad) {
        free(b.p);
        return im_fail(ctx, IM_ENOMEM, "checkpoint %s: out of memory", path);
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    im_status st = im_mkdir_parents(ctx, path);
    FILE *f = st ? NULL : fopen(tmp, "wb");
    if (!st && !f) st = im_fail(ctx, IM_EIO, "checkpoint %s: cannot write: %s", tmp, strerror(errno));
    if (f) {
        int bad = fwrite(b.p, 1, b.n, f) != b.n;
        bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0) {
            int err = errno;
            unlink(tmp);
            st = im_fail(ctx, IM_EIO, "checkpoint %s: cannot write: %s", path, strerror(err));
        }
    }
    free(b.p);
    return st;
}

/* Bounds-checked little-endian reads from a loaded file. */
typedef struct {
    const unsigned char *p;
    size_t n, at;
} reader;

static int take_u(reader *r, int width, uint64_t *v)
{
    if (r->n - r->at < (size_t)width) return 0;
    *v = 0;
    for (int i = 0; i < width; i++) *v |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
    r->at += (size_t)width;
    return 1;
}

/* The whole file; NULL with errno set. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    unsigned char *buf = len >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)len + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
        errno = EIO;
    }
    fclose(f);
    *n = buf ? (size_t)len : 0;
    return buf;
}

static im_status parse(im_ctx *ctx, im_checkpoint *ck, const unsigned char *p, size_t n, const char *path,
                       uint64_t config_hash)
{
    reader r = { p, n, 0 };
    uint64_t version, hash, count, sum;
    if (n < sizeof MAGIC + 24 || memcmp(p, MAGIC, sizeof MAGIC) != 0)
        return im_fail(ctx, IM_EIO, "checkpoint %s: not an infomin checkpoint", path);
    r.at = sizeof MAGIC;
    take_u(&r, 4, &version);
    if (version != IM_CHECKPOINT_VERSION)
        return im_fail(ctx, IM_EIO, "checkpoint %s: format version %llu, this build reads version %d", path,
                       (unsigned long long)version, IM_CHECKPOINT_VERSION);
    reader tail = { p + n - 8, 8, 0 };
    take_u(&tail, 8, &sum);
    if (sum != fnv1a(0xcbf29ce484222325ull, p, n - 8))
        return im_fail(ctx, IM_EIO, "checkpoint %s: checksum mismatch (a truncated or corrupt file): delete it to "
                       "start the run over", path);
    take_u(&r, 8, &hash);
    if (hash != config_hash)
        return im_fail(ctx, IM_EIO, "checkpoint %s: written for another configuration (hash %016llx, this run "
                       "%016llx): delete it or restore the configuration", path, (unsigned long long)hash,
                       (unsigned long long)config_hash);
    take_u(&r, 4, &count);
    r.n = n - 8;   /* the checksum is not a block */
    for (uint64_t i = 0; i < count; i++) {
        uint64_t len, size;
        char name[256];
        if (!take_u(&r, 4, &len) || len >= sizeof name || r.n - r.at < len)
            return im_fail(ctx, IM_EIO, "checkpoint %s: block %llu: bad name", path, (unsigned long long)i);
        memcpy(name, r.p + r.at, len);
        name[len] = '\0';
        r.at += len;
        if (!take_u(&r, 8, &size) || r.n - r.at < size)
            return im_fail(ctx, IM_EIO, "checkpoint %s: block '%s' runs past the end", path, name);
        im_status st = im_checkpoint_put(ctx, ck, name, r.p + r.at, size);
        if (st) return st;
        r.at += size;
    }
    if (r.at != r.n) return im_fail(ctx, IM_EIO, "checkpoint %s: bytes after the last block", path);
    return IM_OK;
}

im_status im_checkpoint_read(im_ctx *ctx, const char *path, uint64_t config_hash, im_checkpoint **out)
{
    *out = NULL;
    size_t n = 0;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))   /* a folder read as 2^63 bytes: "Cannot allocate memory" */
        return im_fail(ctx, IM_EIO, "checkpoint %s: is %s, not a checkpoint file", path,
                       S_ISDIR(sb.st_mode) ? "a directory" : "a device or a pipe");
    unsigned char *p = slurp(path, &n);
    if (!p) return im_fail(ctx, IM_EIO, "checkpoint %s: cannot read: %s", path, strerror(errno));
    im_checkpoint *ck = im_checkpoint_new(config_hash);
    im_status st = ck ? parse(ctx, ck, p, n, path, config_hash) : im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    free(p);
    if (st) {
        im_checkpoint_free(ck);
        return st;
    }
    snprintf(ck->path, sizeof ck->path, "%s", path);
    *out = ck;
    return IM_OK;
}

im_status im_checkpoint_get(im_ctx *ctx, const im_checkpoint *ck, const char *name, void *data, size_t size)
{
    const block *b = find(ck, name);
    if (!b) return im_fail(ctx, IM_EIO, "checkpoint %s: no block '%s'", ck->path, name);
    if (b->size != size)
        return im_fail(ctx, IM_EIO, "checkpoint %s: block '%s' holds %zu bytes, the run needs %zu", ck->path, name,
                       b->size, size);
    memcpy(data, b->data, size);
    return IM_OK;
}

im_status im_checkpoint_get_params(im_ctx *ctx, const im_checkpoint *ck, const char *name, const im_params *params)
{
    char key[256];
    snprintf(key, sizeof key, "%s.shapes", name);
    const block *b = find(ck, key);
    char *shapes = shapes_of(params);
    if (!shapes) return im_fail(ctx, IM_ENOMEM, "checkpoint: out of memory");
    im_status st = IM_OK;
    if (!b)
        st = im_fail(ctx, IM_EIO, "checkpoint %s: no block '%s'", ck->path, key);
    else if (b->size != strlen(shapes) + 1 || memcmp(b->data, shapes, b->size) != 0)
        st = im_fail(ctx, IM_EIO, "checkpoint %s: '%s' holds parameters of another shape (%.*s), the run has %s",
                     ck->path, name, (int)(b->size > 200 ? 200 : b->size), (const char *)b->data, shapes);
    free(shapes);
    if (st) return st;
    b = find(ck, name);
    if (!b || b->size != params_bytes(params))
        return im_fail(ctx, IM_EIO, "checkpoint %s: block '%s' missing or of the wrong size", ck->path, name);
    size_t at = 0;
    for (int i = 0; i < params->count; i++) {
        const im_param *p = params->items[i];
        size_t n = sizeof(im_real) * (size_t)p->rows * (size_t)p->cols;
        memcpy(p->value, b->data + at, n), at += n;
        memcpy(p->m, b->data + at, n), at += n;
        memcpy(p->v, b->data + at, n), at += n;
    }
    return IM_OK;
}

im_status im_checkpoint_put_rng(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_rng *rng)
{
    unsigned char packed[IM_RNG_BYTES];
    im_rng_pack(rng, packed);
    return im_checkpoint_put(ctx, ck, name, packed, sizeof packed);
}

im_status im_checkpoint_get_rng(im_ctx *ctx, const im_checkpoint *ck, const char *name, im_rng *rng)
{
    unsigned char packed[IM_RNG_BYTES];
    im_status st = im_checkpoint_get(ctx, ck, name, packed, sizeof packed);
    if (!st) im_rng_unpack(rng, packed);
    return st;
}

im_status im_checkpoint_put_batcher(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_batcher *b)
{
    char key[256];
    snprintf(key, sizeof key, "%s.cursor", name);
    im_status st = im_checkpoint_put(ctx, ck, key, &b->cursor, sizeof b->cursor);
    snprintf(key, sizeof key, "%s.order", name);
    return st ? st : im_checkpoint_put(ctx, ck, key, b->order, sizeof(int) * (size_t)b->n_rows);
}

im_status im_checkpoint_get_batcher(im_ctx *ctx, const im_checkpoint *ck, const char *name, im_batcher *b)
{
    char key[256];
    int cursor;
    snprintf(key, sizeof key, "%s.cursor", name);
    im_status st = im_checkpoint_get(ctx, ck, key, &cursor, sizeof cursor);
    if (!st && (cursor < 0 || cursor > b->n_rows))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: %s: place %d outside 0..%d", ck->path, name, cursor, b->n_rows);
    snprintf(key, sizeof key, "%s.order", name);
    if (!st) st = im_checkpoint_get(ctx, ck, key, b->order, sizeof(int) * (size_t)b->n_rows);
    for (int i = 0; !st && i < b->n_rows; i++)   /* rows the batcher will index with */
        if (b->order[i] < 0 || b->order[i] >= b->n_rows)
            st = im_fail(ctx, IM_EIO, "checkpoint %s: %s: row %d outside 0..%d", ck->path, name, b->order[i], b->n_rows - 1);
    if (!st) b->cursor = cursor;
    return st;
}

im_status im_checkpoint_target(im_ctx *ctx, const im_config *cfg, int run, char *path, size_t size, uint64_t *hash)
{
    im_config resolved;
    im_status st = im_config_resolve(ctx, cfg, ctx->registry, &resolved, NULL, 0);
    if (st) return st;
    *hash = im_config_hash(&resolved, IM_HASH_SALT);
    im_config_free(&resolved);
    im_output_path(cfg, run, ".ckpt", path, size);
    return IM_OK;
}
