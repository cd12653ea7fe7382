/* rng.h — one seedable generator per run (xoshiro256++), passed explicitly.
 * The same seed gives the same stream on every machine. */
#ifndef INFOMIN_RNG_H
#define INFOMIN_RNG_H

#include "api.h"
#include <stdint.h>

typedef struct im_rng {
    uint64_t s[4];
    double spare_normal;
    int has_spare;
} im_rng;

/* A generator's state as IM_RNG_BYTES bytes with no padding (what a
 * checkpoint holds: the struct's padding is never written). */
#define IM_RNG_BYTES 44
IM_API void im_rng_pack(const im_rng *rng, unsigned char *out);
IM_API void im_rng_unpack(im_rng *rng, const unsigned char *in);
IM_API void im_rng_seed(im_rng *rng, uint64_t seed);
/* An independent stream derived from rng (advances rng once). */
IM_API void im_rng_split(im_rng *rng, im_rng *child);
IM_API uint64_t im_rng_u64(im_rng *rng);
IM_API double im_rng_uniform(im_rng *rng);                /* [0, 1)            */
IM_API double im_rng_normal(im_rng *rng);                 /* N(0, 1)           */
IM_API uint32_t im_rng_below(im_rng *rng, uint32_t n);    /* uniform on [0, n) */
IM_API double im_rng_gamma(im_rng *rng, double shape);    /* Gamma(shape, 1), shape > 0 */
IM_API void im_rng_permutation(im_rng *rng, int *perm, int n);   /* uniform perm of 0..n-1 */
IM_API void im_rng_shuffle(im_rng *rng, int *items, int n);

#endif
