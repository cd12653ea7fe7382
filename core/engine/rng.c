/* rng.c — xoshiro256++ (Blackman & Vigna) seeded through splitmix64. */
#include <math.h>
#include <string.h>
#include "infomin/rng.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void im_rng_seed(im_rng *rng, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&sm);
    rng->has_spare = 0;
    rng->spare_normal = 0.0;
}

void im_rng_split(im_rng *rng, im_rng *child)
{
    im_rng_seed(child, im_rng_u64(rng) ^ 0x5851f42d4c957f2dULL);
}

uint64_t im_rng_u64(im_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double im_rng_uniform(im_rng *rng)
{
    return (double)(im_rng_u64(rng) >> 11) * 0x1.0p-53;
}

/* Marsaglia's polar method: exact, no trig, the spare kept for the next call. */
double im_rng_normal(im_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare_normal;
    }
    double u, v, s;
    do {
        u = 2.0 * im_rng_uniform(rng) - 1.0;
        v = 2.0 * im_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    rng->spare_normal = v * f;
    rng->has_spare = 1;
    return u * f;
}

/* Lemire's multiply-shift with rejection: unbiased. */
uint32_t im_rng_below(im_rng *rng, uint32_t n)
{
    uint64_t m = (uint64_t)(uint32_t)(im_rng_u64(rng) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (uint64_t)(uint32_t)(im_rng_u64(rng) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

void im_rng_shuffle(im_rng *rng, int *items, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)im_rng_below(rng, (uint32_t)i + 1);
        int tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
    }
}

void im_rng_permutation(im_rng *rng, int *perm, int n)
{
    for (int i = 0; i < n; i++) perm[i] = i;
    im_rng_shuffle(rng, perm, n);
}

/* Marsaglia & Tsang (2000): squeeze-accepted transform of a normal; shapes
 * below 1 through Gamma(a) = Gamma(a + 1)·U^{1/a}. */
double im_rng_gamma(im_rng *rng, double shape)
{
    if (shape < 1) {
        double u = im_rng_uniform(rng);
        return im_rng_gamma(rng, shape + 1) * pow(u > 0 ? u : 0x1.0p-53, 1 / shape);
    }
    double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double z, v;
        do {
            z = im_rng_normal(rng);
            v = 1 + c * z;
        } while (v <= 0);
        v = v * v * v;
        double u = im_rng_uniform(rng);
        if (u < 1 - 0.0331 * z * z * z * z) return d * v;
        if (u > 0 && log(u) < 0.5 * z * z + d * (1 - v + log(v))) return d * v;
    }
}

void im_rng_pack(const im_rng *rng, unsigned char *out)
{
    memcpy(out, rng->s, sizeof rng->s);
    memcpy(out + 32, &rng->spare_normal, 8);
    memcpy(out + 40, &rng->has_spare, 4);
}

void im_rng_unpack(im_rng *rng, const unsigned char *in)
{
    memcpy(rng->s, in, sizeof rng->s);
    memcpy(&rng->spare_normal, in + 32, 8);
    memcpy(&rng->has_spare, in + 40, 4);
}
