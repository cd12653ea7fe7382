/* rng.h — one seedable generator per run (xoshiro256++), passed explicitly.
 * The same seed gives the same stream on every machine. */
#ifndef INFOMIN_RNG_H
#define INFOMIN_RNG_H

#include <stdint.h>

typedef struct im_rng {
    uint64_t s[4];
    double spare_normal;
    int has_spare;
} im_rng;

void im_rng_seed(im_rng *rng, uint64_t seed);
/* An independent stream derived from rng (advances rng once). */
void im_rng_split(im_rng *rng, im_rng *child);
uint64_t im_rng_u64(im_rng *rng);
double im_rng_uniform(im_rng *rng);                /* [0, 1)            */
double im_rng_normal(im_rng *rng);                 /* N(0, 1)           */
uint32_t im_rng_below(im_rng *rng, uint32_t n);    /* uniform on [0, n) */
double im_rng_gamma(im_rng *rng, double shape);    /* Gamma(shape, 1), shape > 0 */
void im_rng_permutation(im_rng *rng, int *perm, int n);   /* uniform perm of 0..n-1 */
void im_rng_shuffle(im_rng *rng, int *items, int n);

#endif
