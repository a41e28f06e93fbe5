/*
 * fuzz: what the libFuzzer targets in tests/fuzz/ share.
 *
 * FUZZ_CHECK aborts (a crash libFuzzer saves under its artifact prefix) when
 * a parser breaks a promise of its header, so the fuzzers find wrong answers
 * as well as memory errors.
 */
#ifndef ECC_FUZZ_H
#define ECC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A refusal's reason: a non-empty string that ends inside its buffer of
 * size bytes (filled with 'x' before the call). */
static inline bool fuzz_reason_ok(const char *why, size_t size)
{
	const char *nul = memchr(why, '\0', size);

	return nul && nul > why;
}

#endif
