/* npy.c — NumPy's .npy format (npy.h): the header's dictionary parsed
 * strictly (the three keys np.save writes, each once), the body checked
 * against the shape to the byte, every element converted to a double.
 * The format: numpy.lib.format's documentation (magic "\x93NUMPY", two
 * version bytes, a little-endian header length of 2 bytes in 1.0 and 4 in
 * 2.0 and 3.0, the header, then the data). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infomin/datafiles.h"
#include "infomin/npy.h"
#include "infomin/output.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
#define IM_NPY_MAX_HEADER (1u << 20)

/* ---------------------------------------------------------------- header */

typedef struct {
    const char *p, *end;
} scanner;

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

static int take(scanner *s, char c)
{
    skip_space(s);
    if (s->p < s->end && *s->p == c) return s->p++, 1;
    return 0;
}

/* A quoted Python string (no escapes: np.save writes none in its keys and
 * dtypes) into out. */
static int take_string(scanner *s, char *out, size_t cap)
{
    skip_space(s);
    if (s->p >= s->end || (*s->p != '\'' && *s->p != '"')) return 0;
    char quote = *s->p++;
    size_t n = 0;
    while (s->p < s->end && *s->p != quote) {
        if (*s->p == '\\' || n + 1 >= cap) return 0;
        out[n++] = *s->p++;
    }
    if (s->p >= s->end) return 0;
    s->p++;
    out[n] = '\0';
    return 1;
}

static int take_word(scanner *s, const char *word)
{
    skip_space(s);
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return 0;
    s->p += n;
    return 1;
}

/* (d0, d1, ...) with an optional trailing comma; Python 2's "3L" too. */
static int take_shape(scanner *s, long *shape, int *ndim)
{
    if (!take(s, '(')) return 0;
    *ndim = 0;
    for (;;) {
        if (take(s, ')')) return 1;
        skip_space(s);
        long v = 0;
        int digits = 0;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
            if (v > (LONG_MAX - 9) / 10) return 0;
            v = 10 * v + (*s->p++ - '0');
            digits++;
        }
        if (!digits || *ndim == 8) return 0;
        if (s->p < s->end && *s->p == 'L') s->p++;
        shape[(*ndim)++] = v;
        if (!take(s, ',')) return take(s, ')');
    }
}

static im_status bad_header(im_ctx *ctx, const char *name, const char *why)
{
    return im_fail(ctx, IM_EIO, "%s: not a .npy header np.save writes: %s", name, why);
}

/* {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } in any
 * order, each key once, nothing but spaces after the brace. */
static im_status parse_dict(im_ctx *ctx, const char *text, size_t len, const char *name, im_npy *a)
{
    static const char *const keys[3] = { "descr", "fortran_order", "shape" };
    scanner s = { text, text + len };
    int seen[3] = { 0, 0, 0 };
    if (!take(&s, '{')) return bad_header(ctx, name, "it does not start with '{'");
    while (!take(&s, '}')) {
        char key[32];
        if (!take_string(&s, key, sizeof key) || !take(&s, ':'))
            return bad_header(ctx, name, "a key is not a quoted name followed by ':'");
        int k = 0;
        while (k < 3 && strcmp(key, keys[k]) != 0) k++;
        if (k == 3) k = -1;
        if (k < 0) return im_fail(ctx, IM_EIO, "%s: the header has a key '%s' (np.save writes descr, fortran_order and "
                                  "shape)", name, key);
        if (seen[k]++) return im_fail(ctx, IM_EIO, "%s: the header gives '%s' twice", name, key);
        skip_space(&s);
        if (k == 0 && s.p < s.end && *s.p == '[')
            return im_fail(ctx, IM_EIO, "%s: a structured array (fields of several types): save a plain numeric array "
                           "(np.column_stack([rec[f] for f in rec.dtype.names]))", name);
        if (k == 0 && !take_string(&s, a->dtype, sizeof a->dtype))
            return bad_header(ctx, name, "descr is not a short quoted dtype such as '<f8'");
        if (k == 1) {
            if (take_word(&s, "True")) a->fortran = 1;
            else if (take_word(&s, "False")) a->fortran = 0;
            else return bad_header(ctx, name, "fortran_order is neither True nor False");
        }
        if (k == 2 && !take_shape(&s, a->shape, &a->ndim))
            return bad_header(ctx, name, "shape is not a tuple of at most 8 non-negative integers");
        if (!take(&s, ',') && !(skip_space(&s), s.p < s.end && *s.p == '}'))
            return bad_header(ctx, name, "items are not separated by ','");
    }
    skip_space(&s);
    if (s.p != s.end) return bad_header(ctx, name, "text after the closing brace");
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return im_fail(ctx, IM_EIO, "%s: the header has no '%s'", name, keys[k]);
    return IM_OK;
}

/* ----------------------------------------------------------------- dtype */

typedef struct {
    char kind;   /* f, i, u, b */
    int size;
    int swap;    /* the file's byte order is not this machine's */
} element_type;

static int host_is_little(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static im_status parse_dtype(im_ctx *ctx, const char *name, const char *descr, element_type *e)
{
    memset(e, 0, sizeof *e);
    char order = descr[0], kind = order ? descr[1] : 0;
    char *end;
    long size = kind ? strtol(descr + 2, &end, 10) : 0;
    int known = (order == '<' || order == '>' || order == '|' || order == '=') && kind && descr[2] && *end == '\0';
    if (known && kind == 'f' && (size == 4 || size == 8)) e->kind = 'f';
    else if (known && (kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) e->kind = kind;
    else if (known && kind == 'b' && size == 1) e->kind = 'b';
    else
        return im_fail(ctx, IM_EIO, "%s: dtype '%s' is not read (float32, float64, integers and bool are: "
                       "arr.astype(np.float64) before np.save)", name, descr);
    e->size = (int)size;
    int little = order == '<' || ((order == '=' || order == '|') && host_is_little());
    e->swap = size > 1 && little != host_is_little();
    return IM_OK;
}

static double element(const unsigned char *p, const element_type *e)
{
    unsigned char b[8];
    for (int i = 0; i < e->size; i++) b[i] = p[e->swap ? e->size - 1 - i : i];
    switch (e->kind) {
    case 'f':
        if (e->size == 4) {
            float f;
            memcpy(&f, b, 4);
            return f;
        } else {
            double d;
            memcpy(&d, b, 8);
            return d;
        }
    case 'b': return b[0] != 0;
    case 'u':
        switch (e->size) {
        case 1: return b[0];
        case 2: { uint16_t v; memcpy(&v, b, 2); return v; }
        case 4: { uint32_t v; memcpy(&v, b, 4); return v; }
        default: { uint64_t v; memcpy(&v, b, 8); return (double)v; }
        }
    default:
        switch (e->size) {
        case 1: return (int8_t)b[0];
        case 2: { int16_t v; memcpy(&v, b, 2); return v; }
        case 4: { int32_t v; memcpy(&v, b, 4); return v; }
        default: { int64_t v; memcpy(&v, b, 8); return (double)v; }
        }
    }
}

/* ------------------------------------------------------------------ body */

/* rows × cols from the shape, refusing what does not fit an im_mat */
static im_status shape_size(im_ctx *ctx, const char *name, im_npy *a)
{
    if (a->ndim == 0)
        return im_fail(ctx, IM_EIO, "%s: a 0-dimensional array (one number): save an array of rows", name);
    a->rows = a->shape[0];
    a->cols = 1;
    for (int d = 1; d < a->ndim; d++) {
        if (a->shape[d] && a->cols > INT_MAX / a->shape[d])
            return im_fail(ctx, IM_EIO, "%s: the shape's columns exceed %d", name, INT_MAX);
        a->cols *= a->shape[d];
    }
    if (a->rows > INT_MAX) return im_fail(ctx, IM_EIO, "%s: %ld rows exceed %d", name, a->rows, INT_MAX);
    if (a->rows == 0 || a->cols == 0) return im_fail(ctx, IM_EIO, "%s: the array is empty (shape with a 0)", name);
    return IM_OK;
}

/* The destination (C order, row-major) of the k-th element of a Fortran
 * order body: k = i + rows·(j1 + d1·(j2 + ...)). */
static size_t fortran_destination(const im_npy *a, size_t k)
{
    size_t i = k % (size_t)a->rows, rest = k / (size_t)a->rows, col = 0, stride = 1;
    if (a->ndim <= 2) return i * (size_t)a->cols + rest;
    size_t j[8];
    for (int d = 1; d < a->ndim; d++) j[d] = rest % (size_t)a->shape[d], rest /= (size_t)a->shape[d];
    for (int d = a->ndim - 1; d >= 1; d--) col += j[d] * stride, stride *= (size_t)a->shape[d];
    return i * (size_t)a->cols + col;
}

static uint32_t read_le(const unsigned char *p, int width)
{
    uint32_t v = 0;
    for (int i = 0; i < width; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}

/* The header of bytes[0..size) (size: what was read of a file of
 * file_size bytes) into a, its element type into e and the data's offset
 * into *start; the body's length checked against the shape. */
static im_status parse_header(im_ctx *ctx, const unsigned char *b, size_t size, size_t file_size, const char *name,
                              im_npy *a, element_type *e, size_t *start)
{
    memset(a, 0, sizeof *a);
    if (size < MAGIC_LEN + 2 || memcmp(b, MAGIC, MAGIC_LEN) != 0)
        return im_fail(ctx, IM_EIO, "%s: not a .npy file (it does not start with \\x93NUMPY)", name);
    int major = b[6], width = major == 1 ? 2 : 4;
    if (major < 1 || major > 3)
        return im_fail(ctx, IM_EIO, "%s: .npy format version %d.%d (1.0 to 3.0 are read)", name, major, b[7]);
    if (size < (size_t)(8 + width)) return im_fail(ctx, IM_EIO, "%s: the file ends inside its header length", name);
    size_t header_len = read_le(b + 8, width), at = 8 + (size_t)width;
    if (header_len > IM_NPY_MAX_HEADER)
        return im_fail(ctx, IM_EIO, "%s: a header of %zu bytes (np.save writes a few hundred for a numeric array)", name,
                       header_len);
    if (header_len > size - at)
        return im_fail(ctx, IM_EIO, "%s: the header says %zu bytes, the file has %zu after it", name, header_len,
                       size - at);
    im_status st = parse_dict(ctx, (const char *)b + at, header_len, name, a);
    if (!st) st = parse_dtype(ctx, name, a->dtype, e);
    if (!st) st = shape_size(ctx, name, a);
    if (st) return st;
    *start = at + header_len;
    size_t count = (size_t)a->rows * (size_t)a->cols, body = file_size - *start;
    if (count > SIZE_MAX / (size_t)e->size || count * (size_t)e->size != body)
        return im_fail(ctx, IM_EIO, "%s: the shape (%ld x %ld of %s) needs %.0f bytes of data, the file holds %zu%s", name,
                       a->rows, a->cols, a->dtype, (double)count * e->size, body,
                       count * (double)e->size > (double)body ? ": it is cut short" : "");
    return IM_OK;
}

im_status im_npy_parse(im_ctx *ctx, const void *bytes, size_t size, const char *name, im_npy *out)
{
    element_type e;
    size_t start;
    im_status st = parse_header(ctx, bytes, size, size, name, out, &e, &start);
    if (st) return st;
    size_t count = (size_t)out->rows * (size_t)out->cols;
    out->data = malloc(sizeof(double) * count);
    if (!out->data) return im_fail(ctx, IM_ENOMEM, "%s: out of memory for %ld x %ld values", name, out->rows, out->cols);
    const unsigned char *p = (const unsigned char *)bytes + start;
    for (size_t k = 0; k < count; k++) {
        size_t to = out->fortran ? fortran_destination(out, k) : k;
        out->data[to] = element(p + k * (size_t)e.size, &e);
    }
    return IM_OK;
}

/* The file open for reading, its size; a folder or a device refused. */
static im_status open_regular(im_ctx *ctx, const char *path, FILE **f, size_t *size)
{
    *f = fopen(path, "rb");
    if (!*f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(*f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(*f);
        *f = NULL;
        return im_fail(ctx, IM_EIO, "%s: not a regular file", path);
    }
    *size = (size_t)sb.st_size;
    return IM_OK;
}

/* The first `limit` bytes of a regular file (all of it when shorter),
 * malloc'd into *bytes, and the file's whole size. */
static im_status read_prefix(im_ctx *ctx, const char *path, size_t limit, unsigned char **bytes, size_t *got,
                             size_t *size)
{
    FILE *f;
    *bytes = NULL;
    im_status st = open_regular(ctx, path, &f, size);
    if (st) return st;
    *got = *size < limit ? *size : limit;
    *bytes = malloc(*got ? *got : 1);
    if (!*bytes) st = im_fail(ctx, IM_ENOMEM, "%s: out of memory for %zu bytes", path, *got);
    if (!st && fread(*bytes, 1, *got, f) != *got) st = im_fail(ctx, IM_EIO, "%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    return st;
}

im_status im_npy_read(im_ctx *ctx, const char *path, im_npy *out)
{
    memset(out, 0, sizeof *out);
    unsigned char *bytes;
    size_t got, size;
    im_status st = read_prefix(ctx, path, SIZE_MAX, &bytes, &got, &size);
    if (!st) im_note_data_file(ctx, path);
    if (!st) st = im_npy_parse(ctx, bytes, size, path, out);
    free(bytes);
    return st;
}

im_status im_npy_read_header(im_ctx *ctx, const char *path, im_npy *out)
{
    memset(out, 0, sizeof *out);
    unsigned char *bytes;
    size_t got, size, start;
    element_type e;
    im_status st = read_prefix(ctx, path, 12 + IM_NPY_MAX_HEADER, &bytes, &got, &size);
    if (!st) st = parse_header(ctx, bytes, got, size, path, out, &e, &start);
    free(bytes);
    return st;
}

void im_npy_free(im_npy *a)
{
    free(a->data);
    a->data = NULL;
}

/* ----------------------------------------------------------------- write */

im_status im_npy_write(im_ctx *ctx, const char *path, const double *data, long rows, long cols)
{
    char header[256];
    int len = cols ? snprintf(header, sizeof header, "{'descr': '<f8', 'fortran_order': False, 'shape': (%ld, %ld), }",
                              rows, cols)
                   : snprintf(header, sizeof header, "{'descr': '<f8', 'fortran_order': False, 'shape': (%ld,), }", rows);
    while ((MAGIC_LEN + 4 + len + 1) % 64) header[len++] = ' ';   /* numpy aligns the data to 64 bytes */
    header[len++] = '\n';
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    im_status st = im_mkdir_parents(ctx, path);
    FILE *f = st ? NULL : fopen(tmp, "wb");
    if (!st && !f) return im_fail(ctx, IM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    if (st) return st;
    unsigned char lead[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(len & 0xff), (unsigned char)(len >> 8) };
    int bad = fwrite(lead, 1, sizeof lead, f) != sizeof lead || fwrite(header, 1, (size_t)len, f) != (size_t)len;
    size_t count = (size_t)rows * (size_t)(cols ? cols : 1);
    for (size_t k = 0; k < count && !bad; k++) {
        unsigned char b[8];
        memcpy(b, &data[k], 8);
        if (!host_is_little())
            for (int i = 0; i < 4; i++) {
                unsigned char c = b[i];
                b[i] = b[7 - i], b[7 - i] = c;
            }
        bad = fwrite(b, 1, 8, f) != 8;
    }
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: cannot write: %s", path, strerror(err));
    }
    return IM_OK;
}
