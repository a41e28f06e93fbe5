/*
 * rng: a tiny deterministic random generator (splitmix64) for the simulator.
 *
 * Why: the road network and every simulated unit must be reproducible from
 * --seed, and the benchmark keeps thousands of units; GRand carries 2.5 KB of
 * state each, this carries 8 bytes.
 * Thread: any; one generator must not be shared between threads.
 * Ownership: plain value, no allocation. No errors.
 */
#ifndef ECC_RNG_H
#define ECC_RNG_H

#include <math.h>
#include <stdint.h>

struct ecc_rng {
	uint64_t s;
};

static inline void ecc_rng_seed(struct ecc_rng *r, uint64_t seed)
{
	r->s = seed;
}

static inline uint64_t ecc_rng_next(struct ecc_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double ecc_rng_unit(struct ecc_rng *r)
{
	return (double)(ecc_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [lo, hi). */
static inline double ecc_rng_range(struct ecc_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * ecc_rng_unit(r);
}

/* Uniform integer in [0, n); 0 when n is 0. */
static inline uint32_t ecc_rng_below(struct ecc_rng *r, uint32_t n)
{
	return (uint32_t)(ecc_rng_unit(r) * n);
}

/* Standard normal (Box-Muller). */
static inline double ecc_rng_gauss(struct ecc_rng *r)
{
	double u1 = 1.0 - ecc_rng_unit(r); /* (0, 1] */
	double u2 = ecc_rng_unit(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* A seed for the n-th child generator of seed (units, roads, ...). */
static inline uint64_t ecc_rng_derive(uint64_t seed, uint64_t n)
{
	struct ecc_rng r = {seed ^ (n * 0xd1b54a32d192ed03ULL)};

	return ecc_rng_next(&r);
}

#endif
