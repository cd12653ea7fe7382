/* idx.c — the IDX format of MNIST and Fashion-MNIST: a 4-byte magic number
 * (two zero bytes, the type 0x08 = unsigned byte, the number of
 * dimensions), each dimension as a big-endian 32-bit count, then the values.
 * zlib's gzread reads gzip files and plain files alike. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "infomin/datafiles.h"
#include "infomin/data.h"

/* Reads exactly n bytes or says why not: 0 on success, else the count read
 * (or −1 for a zlib error, whose message goes into *why). */
static long read_exact(gzFile f, unsigned char *buf, long n, const char **why)
{
    long got = 0;
    while (got < n) {
        unsigned chunk = n - got > (1L << 30) ? 1u << 30 : (unsigned)(n - got);
        int r = gzread(f, buf + got, chunk);
        if (r < 0) {
            int errnum;
            *why = gzerror(f, &errnum);
            return -1;
        }
        if (r == 0) break;
        got += r;
    }
    return got == n ? 0 : (got ? got : -2);
}

/* The n body bytes into a buffer grown as they arrive, so that a header
 * announcing more than the file holds costs no more memory than the file
 * (a 16 GiB claim in a 40-byte file is not a 16 GiB malloc). 0 on success,
 * else what read_exact returns, or −3 without memory. */
static long read_body(gzFile f, long n, unsigned char **out, const char **why)
{
    long cap = n < (1L << 24) ? n : (1L << 24), got = 0;
    unsigned char *buf = malloc((size_t)cap);
    if (!buf) return -3;
    while (got < n) {
        if (got == cap) {
            long grown = 2 * cap < n ? 2 * cap : n;
            unsigned char *more = realloc(buf, (size_t)grown);
            if (!more) {
                free(buf);
                return -3;
            }
            buf = more;
            cap = grown;
        }
        long r = read_exact(f, buf + got, cap - got, why);
        if (r == 0) {
            got = cap;
            continue;
        }
        free(buf);   /* the file ended early, or zlib failed */
        if (r == -1) return -1;
        got += r > 0 ? r : 0;   /* r: the bytes of this chunk before the end (−2: none) */
        return got ? got : -2;
    }
    *out = buf;
    return 0;
}

im_status im_idx_read(im_ctx *ctx, const char *path, int ndim, im_idx *out)
{
    memset(out, 0, sizeof *out);
    if (ndim < 1 || ndim > 4) return im_fail(ctx, IM_EINVAL, "%s: %d dimensions asked (1 to 4)", path, ndim);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) return im_fail(ctx, IM_EIO, "%s: %s", path, errno ? strerror(errno) : "cannot open");
    im_note_data_file(ctx, path);
    unsigned char head[4 + 16];
    const char *why = "unexpected end of file";
    im_status st = IM_OK;
    long n = 1;
    if (read_exact(f, head, 4 + 4L * ndim, &why))
        st = im_fail(ctx, IM_EIO, "%s: header: %s", path, why);
    else if (head[0] || head[1] || head[2] != 0x08 || head[3] != ndim)
        st = im_fail(ctx, IM_EIO, "%s: not an IDX file of %d-dimensional unsigned bytes (magic %02x %02x %02x %02x, "
                     "expected 00 00 08 %02x)", path, ndim, head[0], head[1], head[2], head[3], ndim);
    for (int d = 0; d < ndim && !st; d++) {
        const unsigned char *p = head + 4 + 4 * d;
        unsigned long v = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
        if (v < 1 || v > (1u << 30) || (long)v > (1L << 34) / n) {   /* divided: the product could overflow */
            st = im_fail(ctx, IM_EIO, "%s: dimension %d has size %lu", path, d, v);
            break;
        }
        out->dims[d] = (int)v;
        n *= (long)v;
    }
    long got = st ? 0 : read_body(f, n, &out->data, &why);
    if (!st && got == -3)
        st = im_fail(ctx, IM_ENOMEM, "%s: out of memory for %ld bytes", path, n);
    else if (!st && got == -1)
        st = im_fail(ctx, IM_EIO, "%s: %s", path, why);
    else if (!st && got)
        st = im_fail(ctx, IM_EIO, "%s: truncated: %ld of the %ld value bytes its header announces", path,
                     got > 0 ? got : 0, n);
    unsigned char extra;
    if (!st && gzread(f, &extra, 1) > 0)
        st = im_fail(ctx, IM_EIO, "%s: longer than its header announces (%ld value bytes)", path, n);
    gzclose(f);
    out->ndim = ndim;
    if (st) im_idx_free(out);
    return st;
}

void im_idx_free(im_idx *idx)
{
    free(idx->data);
    memset(idx, 0, sizeof *idx);
}
