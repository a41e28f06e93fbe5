/* Specifications of casenum: one canonical spelling of a case number whatever
 * brackets and digits it was written with; search text in that spelling; the
 * triage suggestion from DOMAIN.md's criteria. */
#include "casenum.h"
#include "ecc_err.h"

#include <glib.h>
#include <string.h>

static void test_forms(void)
{
	static const char *const same[] = {
	    "（2025）黑0781执123号", "(2025)黑0781执123号",          " ( 2025 ) 黑0781执123号 ",
	    "〔2025〕黑0781执123号", "（２０２５）黑0781执１２３号", "(2025)黑0781执0123号",
	};
	char out[ECC_CASE_NUMBER_MAX];
	int year = 0;

	for (guint i = 0; i < G_N_ELEMENTS(same); i++) {
		g_test_message("%s", same[i]);
		g_assert_cmpint(ecc_casenum_normalize(same[i], out, &year), ==, ECC_OK);
		g_assert_cmpstr(out, ==, "（2025）黑0781执123号");
		g_assert_cmpint(year, ==, 2025);
	}
	g_assert_cmpint(ecc_casenum_normalize("(2024)京0105执恢45号", out, NULL), ==, ECC_OK);
	g_assert_cmpstr(out, ==, "（2024）京0105执恢45号");
	g_assert_cmpint(ecc_casenum_normalize("(2024)黑07执保6号", out, NULL), ==, ECC_OK);
	g_assert_cmpstr(out, ==, "（2024）黑07执保6号");
}

static void test_refused(void)
{
	static const char *const bad[] = {
	    "",
	    "2025黑0781执123号",
	    "（2025）黑0781民123号",
	    "（2025）黑0781执号",
	    "（1980）黑0781执1号",
	    "（2025）黑0781执0号",
	    "（2025）0781执1号",
	    "(2025)黑0781执1号x",
	    "\xff\xfe",
	};
	char out[ECC_CASE_NUMBER_MAX];

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("%s", bad[i]);
		g_assert_cmpint(ecc_casenum_normalize(bad[i], out, NULL), ==, ECC_ERR_INVAL);
	}
}

static void test_search_text(void)
{
	char *a = ecc_casenum_search_text("(2025)黑0781执12");
	char *b = ecc_casenum_search_text("（２０２５）黑0781执12");

	g_assert_cmpstr(a, ==, "（2025）黑0781执12");
	g_assert_cmpstr(b, ==, a);
	g_free(a);
	g_free(b);
}

static void test_triage(void)
{
	char why[128];
	struct ecc_triage_facts f = {.amount_fen = 50000LL * 100};

	g_assert_cmpstr(ecc_triage_suggest(&f, why, sizeof(why)), ==, "simple");
	f.amount_fen = 50000LL * 100 + 1;
	g_assert_null(ecc_triage_suggest(&f, why, sizeof(why)));
	f.frozen_full = true;
	g_assert_cmpstr(ecc_triage_suggest(&f, why, sizeof(why)), ==, "simple");
	f.amount_fen = 500000LL * 100 + 1;
	g_assert_cmpstr(ecc_triage_suggest(&f, why, sizeof(why)), ==, "complex");
	g_assert_nonnull(strstr(why, "50万"));
	f = (struct ecc_triage_facts){.amount_fen = 100, .hostile = true};
	g_assert_cmpstr(ecc_triage_suggest(&f, why, sizeof(why)), ==, "complex");
	f = (struct ecc_triage_facts){.amount_fen = -1};
	g_assert_null(ecc_triage_suggest(&f, why, sizeof(why)));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/casenum/every spelling of a number has one canonical form", test_forms);
	g_test_add_func("/casenum/what is not a case number is refused", test_refused);
	g_test_add_func("/casenum/search text is in the canonical spelling", test_search_text);
	g_test_add_func("/casenum/triage is suggested from the criteria", test_triage);
	return g_test_run();
}
