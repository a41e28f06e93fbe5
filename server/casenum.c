/* casenum: canonical case numbers, search text, triage suggestion. */
#define G_LOG_DOMAIN "ecc-cases"

#include "casenum.h"
#include "ecc_err.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After NFKC (full-width brackets and digits become ASCII) and with 〔〕 and
 * [] read as brackets: (YEAR) COURT TYPE SEQ 号. COURT is the province's
 * character and the court's code (黑0781), TYPE starts with 执 (执, 执恢,
 * 执保, 执异, 执复, 执监, 执协, 执他, 执配...). */
static const char number_re[] =
    "^\\((\\d{4})\\)(\\p{Han}{1,3}\\d{0,6}?)(执\\p{Han}{0,2}?)(\\d{1,7})号$";

static char *canonical_text(const char *text)
{
	char *n = g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
	GString *s;

	if (!n)
		return NULL;
	s = g_string_sized_new(strlen(n));
	for (const char *p = n; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_isspace(c))
			continue;
		if (c == 0x3014 || c == '[') /* 〔 */
			c = '(';
		else if (c == 0x3015 || c == ']') /* 〕 */
			c = ')';
		g_string_append_unichar(s, c);
	}
	g_free(n);
	return g_string_free(s, FALSE);
}

int ecc_casenum_normalize(const char *text, char out[ECC_CASE_NUMBER_MAX], int *year)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *t, *y, *court, *type, *seq;
	int rc = ECC_ERR_INVAL;

	if (!text || !g_utf8_validate(text, -1, NULL) || strlen(text) > 200)
		return ECC_ERR_INVAL;
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new(number_re, G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&re, r);
	}
	t = canonical_text(text);
	if (t && g_regex_match(re, t, 0, &mi)) {
		long yr, sq;
		y = g_match_info_fetch(mi, 1);
		court = g_match_info_fetch(mi, 2);
		type = g_match_info_fetch(mi, 3);
		seq = g_match_info_fetch(mi, 4);
		yr = strtol(y, NULL, 10);
		sq = strtol(seq, NULL, 10);
		if (yr >= 1990 && yr <= 2100 && sq > 0) {
			g_snprintf(out, ECC_CASE_NUMBER_MAX, "（%ld）%s%s%ld号", yr, court, type,
			           sq);
			if (year)
				*year = (int)yr;
			rc = ECC_OK;
		}
		g_free(y);
		g_free(court);
		g_free(type);
		g_free(seq);
	}
	g_match_info_free(mi);
	g_free(t);
	return rc;
}

char *ecc_casenum_search_text(const char *q)
{
	char *t = q && g_utf8_validate(q, -1, NULL) ? canonical_text(q) : NULL;
	GString *s;

	if (!t)
		return g_strdup("");
	/* Back to the canonical full-width brackets. */
	s = g_string_sized_new(strlen(t) + 8);
	for (const char *p = t; *p; p++) {
		if (*p == '(')
			g_string_append(s, "（");
		else if (*p == ')')
			g_string_append(s, "）");
		else
			g_string_append_c(s, *p);
	}
	g_free(t);
	return g_string_free(s, FALSE);
}

const char *ecc_triage_suggest(const struct ecc_triage_facts *f, char *why, int why_len)
{
	if (f->auction || f->hostile || f->amount_fen > ECC_TRIAGE_COMPLEX_MIN) {
		g_snprintf(why, why_len, "%s%s%s", f->auction ? "需拍卖财产；" : "",
		           f->hostile ? "当事人对抗；" : "",
		           f->amount_fen > ECC_TRIAGE_COMPLEX_MIN ? "标的额超过50万元；" : "");
		return "complex";
	}
	if (f->frozen_full) {
		g_snprintf(why, why_len, "执行款已全额冻结");
		return "simple";
	}
	if (f->amount_fen >= 0 && f->amount_fen <= ECC_TRIAGE_SIMPLE_MAX) {
		g_snprintf(why, why_len, "标的额不超过5万元");
		return "simple";
	}
	g_snprintf(why, why_len, "%s",
	           f->amount_fen < 0 ? "标的额未知，需人工判断"
	                             : "标的额在5万至50万元之间，需人工判断");
	return NULL;
}
