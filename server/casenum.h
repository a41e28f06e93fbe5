/*
 * casenum: case numbers (案号), search text and the triage suggestion.
 *
 * Why: one case is written many ways: half-width or full-width brackets,
 * full-width digits, stray spaces (`(2025)黑0781执123号`, `（2025）黑0781执123号`,
 * `（２０２５）黑0781执123号`). The hub keeps one canonical form, full-width
 * brackets and ASCII digits without leading zeros, `（2025）黑0781执123号`, and
 * every lookup, import and search goes through it, so each form finds the
 * same case. The triage suggestion (繁简分流) applies DOMAIN.md's criteria;
 * a person confirms it.
 *
 * Thread: any (pure functions). Ownership: returned strings are the
 * caller's (g_free).
 */
#ifndef ECC_CASENUM_H
#define ECC_CASENUM_H

#include <stdbool.h>
#include <stdint.h>

#define ECC_CASE_NUMBER_MAX 96

/* The canonical form of a case number into out; *year (may be NULL) gets its
 * year. ECC_OK, or ECC_ERR_INVAL when text is not a case number. */
int ecc_casenum_normalize(const char *text, char out[ECC_CASE_NUMBER_MAX], int *year);

/* Search text in the canonical spelling (NFKC, brackets full-width, spaces
 * dropped), so that a partial number in either form matches. */
char *ecc_casenum_search_text(const char *q);

/* Amounts (执行标的) are kept in fen (分). Thresholds of DOMAIN.md. */
#define ECC_TRIAGE_SIMPLE_MAX  (50000LL * 100)
#define ECC_TRIAGE_COMPLEX_MIN (500000LL * 100)

struct ecc_triage_facts {
	int64_t amount_fen; /* < 0: unknown */
	bool frozen_full;   /* the whole amount is frozen (全额冻结) */
	bool auction;       /* property must be auctioned */
	bool hostile;       /* hostile parties (对抗, 群体) */
};

/* "simple", "complex", or NULL when the criteria do not decide; why gets the
 * reason in Chinese (for the case page). */
const char *ecc_triage_suggest(const struct ecc_triage_facts *f, char *why, int why_len);

#endif
