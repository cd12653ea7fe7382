/* sort.c — ascending sorts of doubles: an LSD radix sort on the values'
 * bits. The KSG plugin sorts every column to count tied values and KSG
 * sorts its 1-D marginals: glibc's qsort through a comparator took 19% of
 * a 100,000-row estimate (perf), the radix sort 4%. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/stats.h"
#include "sort.h"

#define RADIX_BITS 11
#define RADIX_BUCKETS (1 << RADIX_BITS)
#define RADIX_PASSES 6   /* 66 bits cover the 64 */
#define RADIX_MIN_N 256  /* below: a comparison sort is as fast */

/* v's bits as an unsigned key in the order of the values: the sign bit
 * flipped for positives, every bit for negatives (−0 just before +0, NaNs
 * past ±inf). */
static inline uint64_t sort_key(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits >> 63 ? ~bits : bits | 0x8000000000000000ull;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Six stable passes of 11 bits through second buffers (every pass's
 * histogram from one read of the keys); a pass whose digit is the same for
 * every value (the top bits of values of one sign and scale) is skipped.
 * index, when not NULL, moves with the values. 0: no memory. */
static int radix_sort(double *v, int *index, long n)
{
    double *tmp = malloc(sizeof *tmp * (size_t)n);
    int *tmp_index = index ? malloc(sizeof *tmp_index * (size_t)n) : NULL;
    long *count = malloc(sizeof *count * RADIX_BUCKETS * RADIX_PASSES);
    if (!tmp || (index && !tmp_index) || !count) {
        free(tmp);
        free(tmp_index);
        free(count);
        return 0;
    }
    for (long b = 0; b < RADIX_BUCKETS * RADIX_PASSES; b++) count[b] = 0;
    for (long i = 0; i < n; i++) {
        uint64_t key = sort_key(v[i]);
        for (int pass = 0; pass < RADIX_PASSES; pass++)
            count[pass * RADIX_BUCKETS + ((key >> (pass * RADIX_BITS)) & (RADIX_BUCKETS - 1))]++;
    }
    double *src = v, *dst = tmp;
    int *src_index = index, *dst_index = tmp_index;
    for (int pass = 0; pass < RADIX_PASSES; pass++) {
        long *c = count + pass * RADIX_BUCKETS, sum = 0;
        int shift = pass * RADIX_BITS, one_digit = 0;
        for (long b = 0; b < RADIX_BUCKETS; b++) {
            one_digit |= c[b] == n;
            long here = c[b];
            c[b] = sum;
            sum += here;
        }
        if (one_digit) continue;
        for (long i = 0; i < n; i++) {
            long to = c[(sort_key(src[i]) >> shift) & (RADIX_BUCKETS - 1)]++;
            dst[to] = src[i];
            if (index) dst_index[to] = src_index[i];
        }
        double *t = src;
        src = dst, dst = t;
        int *ti = src_index;
        src_index = dst_index, dst_index = ti;
    }
    if (src != v)
        for (long i = 0; i < n; i++) {
            v[i] = src[i];
            if (index) index[i] = src_index[i];
        }
    free(tmp);
    free(tmp_index);
    free(count);
    return 1;
}

void im_sort_doubles(double *v, long n)
{
    if (n < RADIX_MIN_N || !radix_sort(v, NULL, n)) qsort(v, (size_t)n, sizeof *v, compare_doubles);
}

int im_sort_doubles_indexed(double *v, int *index, long n)
{
    return n < 2 || radix_sort(v, index, n);
}
