/* casereports: daily and weekly figures of cases, nodes and alerts. */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>

/* The legal period of an enforcement case: six months from filing (最高人民
 * 法院关于人民法院执行工作若干问题的规定). */
#define LEGAL_PERIOD_MONTHS 6
#define REPORT_MAX_DAYS     732

/* Case scope on the cases table c: ?1 judge, ?2 team. */
#define CSCOPE " (?1 IS NULL OR c.judge = ?1) AND (?2 IS NULL OR c.team = ?2)"
#define NSCOPE " (?1 IS NULL OR n.judge = ?1) AND (?2 IS NULL OR n.team = ?2)"

struct figures {
	int received, closed, closed_in_period;
	int nodes_done, nodes_in_time, nodes_late, nodes_overdue;
	int alerts, alerts_acked;
	double ack_median_s; /* -1: none acknowledged */
};

static int count(ecc_cases *c, sqlite3_stmt *s, const char *sj, const char *stm, const char *lo,
                 const char *hi, const char *today)
{
	int n = 0;

	if (!s)
		return 0;
	ecc_store_bind_text(s, 1, sj);
	ecc_store_bind_text(s, 2, stm);
	ecc_store_bind_text(s, 3, lo);
	ecc_store_bind_text(s, 4, hi);
	if (sqlite3_bind_parameter_count(s) >= 5)
		ecc_store_bind_text(s, 5, today);
	if (ecc_store_step(c->st, s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

/* The start of day in UTC milliseconds (Shanghai midnight). */
static int64_t day_start_ms(uint32_t day)
{
	GDate epoch;

	g_date_clear(&epoch, 1);
	g_date_set_dmy(&epoch, 1, G_DATE_JANUARY, 1970);
	return ((int64_t)day - (int64_t)g_date_get_julian(&epoch)) * 86400000LL - 8 * 3600 * 1000LL;
}

static gint cmp_int64(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void alert_figures(ecc_cases *c, const struct ecc_user *u, uint32_t lo, uint32_t hi,
                          struct figures *f)
{
	const char *sj, *stm;
	bool center;
	sqlite3_stmt *s;
	GArray *acks = g_array_new(FALSE, FALSE, sizeof(int64_t));

	cases__scope(u, &sj, &stm);
	center = !sj && !stm;
	/* The center counts every alert; a judge or officer the overdue-node
	 * alerts of the own cases. */
	s = ecc_store_stmt(c->st, "SELECT a.ts, a.acked_at FROM alerts a LEFT JOIN cases c ON"
	                          " a.subject LIKE 'case:%' AND c.id = CAST(substr(a.subject, 6)"
	                          " AS INTEGER) WHERE a.ts >= ?3 AND"
	                          " a.ts < ?4 AND (?5 OR (c.id IS NOT NULL AND" CSCOPE "))");
	f->ack_median_s = -1;
	if (!s) {
		g_array_free(acks, TRUE);
		return;
	}
	ecc_store_bind_text(s, 1, sj);
	ecc_store_bind_text(s, 2, stm);
	sqlite3_bind_int64(s, 3, day_start_ms(lo));
	sqlite3_bind_int64(s, 4, day_start_ms(hi + 1));
	sqlite3_bind_int(s, 5, center);
	while (ecc_store_step(c->st, s) == SQLITE_ROW) {
		f->alerts++;
		if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
			int64_t d = sqlite3_column_int64(s, 1) - sqlite3_column_int64(s, 0);
			f->alerts_acked++;
			g_array_append_val(acks, d);
		}
	}
	sqlite3_reset(s);
	if (acks->len) {
		g_array_sort(acks, cmp_int64);
		f->ack_median_s = (double)g_array_index(acks, int64_t, acks->len / 2) / 1000.0;
	}
	g_array_free(acks, TRUE);
}

static void figures(ecc_cases *c, const struct ecc_user *u, uint32_t lo, uint32_t hi,
                    struct figures *f)
{
	char a[ECC_DATE_LEN], b[ECC_DATE_LEN], today[ECC_DATE_LEN];
	const char *sj, *stm;

	memset(f, 0, sizeof(*f));
	cases__scope(u, &sj, &stm);
	ecc_date_format(lo, a);
	ecc_date_format(hi, b);
	ecc_date_format(ecc_date_today(), today);
	f->received = count(c,
	                    ecc_store_stmt(c->st, "SELECT count(*) FROM cases c WHERE c.filed_on"
	                                          " BETWEEN ?3 AND ?4 AND" CSCOPE),
	                    sj, stm, a, b, NULL);
	f->closed = count(c,
	                  ecc_store_stmt(c->st, "SELECT count(*) FROM cases c WHERE c.closed_on"
	                                        " BETWEEN ?3 AND ?4 AND" CSCOPE),
	                  sj, stm, a, b, NULL);
	f->closed_in_period =
	    count(c,
	          ecc_store_stmt(c->st, "SELECT count(*) FROM cases c WHERE c.closed_on BETWEEN ?3"
	                                " AND ?4 AND c.closed_on <= date(c.filed_on, '+6 months')"
	                                " AND" CSCOPE),
	          sj, stm, a, b, NULL);
	f->nodes_done = count(c,
	                      ecc_store_stmt(c->st, "SELECT count(*) FROM case_nodes n WHERE"
	                                            " n.state = 'done' AND n.done_on BETWEEN ?3 AND"
	                                            " ?4 AND" NSCOPE),
	                      sj, stm, a, b, NULL);
	f->nodes_in_time = count(c,
	                         ecc_store_stmt(c->st, "SELECT count(*) FROM case_nodes n WHERE"
	                                               " n.state = 'done' AND n.done_on BETWEEN ?3"
	                                               " AND ?4 AND n.done_on <= n.due AND" NSCOPE),
	                         sj, stm, a, b, NULL);
	f->nodes_late = f->nodes_done - f->nodes_in_time;
	/* Nodes whose deadline fell in the period and passed: done late, or
	 * still open after it. */
	f->nodes_overdue = count(
	    c,
	    ecc_store_stmt(c->st, "SELECT count(*) FROM case_nodes_due n WHERE n.due BETWEEN ?3"
	                          " AND ?4 AND ((n.state = 'done' AND n.done_on > n.due) OR"
	                          " (n.state = 'open' AND n.due < ?5)) AND" NSCOPE),
	    sj, stm, a, b, today);
	alert_figures(c, u, lo, hi, f);
}

static void add_figures(cJSON *o, const struct figures *f)
{
	cJSON_AddNumberToObject(o, "received", f->received);
	cJSON_AddNumberToObject(o, "closed", f->closed);
	cJSON_AddNumberToObject(o, "closed_in_period", f->closed_in_period);
	if (f->closed)
		cJSON_AddNumberToObject(o, "closed_in_period_share",
		                        (double)f->closed_in_period / f->closed);
	else
		cJSON_AddNullToObject(o, "closed_in_period_share");
	cJSON_AddNumberToObject(o, "nodes_done", f->nodes_done);
	cJSON_AddNumberToObject(o, "nodes_in_time", f->nodes_in_time);
	cJSON_AddNumberToObject(o, "nodes_late", f->nodes_late);
	cJSON_AddNumberToObject(o, "nodes_overdue", f->nodes_overdue);
	cJSON_AddNumberToObject(o, "alerts", f->alerts);
	cJSON_AddNumberToObject(o, "alerts_acked", f->alerts_acked);
	if (f->ack_median_s >= 0)
		cJSON_AddNumberToObject(o, "ack_median_s", f->ack_median_s);
	else
		cJSON_AddNullToObject(o, "ack_median_s");
}

/* Per team or per node type over the whole range: nodes in time and
 * overdue (and, per team, cases received and closed). */
static cJSON *breakdown(ecc_cases *c, const struct ecc_user *u, const char *a, const char *b,
                        bool by_team)
{
	const char *sj, *stm;
	char today[ECC_DATE_LEN];
	cJSON *arr = cJSON_CreateArray();
	sqlite3_stmt *s;

	cases__scope(u, &sj, &stm);
	ecc_date_format(ecc_date_today(), today);
	s = by_team
	        ? ecc_store_stmt(
	              c->st,
	              "SELECT k, sum(in_time), sum(overdue), sum(received), sum(closed) FROM ("
	              "SELECT n.team AS k, (n.state = 'done' AND n.done_on BETWEEN ?3 AND ?4 AND"
	              " n.done_on <= n.due) AS in_time, (n.due BETWEEN ?3 AND ?4 AND ((n.state ="
	              " 'done' AND n.done_on > n.due) OR (n.state = 'open' AND n.due < ?5))) AS"
	              " overdue, 0 AS received, 0 AS closed FROM case_nodes_due n WHERE (n.done_on"
	              " BETWEEN ?3 AND ?4 OR n.due BETWEEN ?3 AND ?4) AND" NSCOPE
	              " UNION ALL SELECT c.team, 0, 0, c.filed_on BETWEEN ?3 AND ?4, c.closed_on"
	              " IS NOT NULL AND c.closed_on BETWEEN ?3 AND ?4 FROM cases c WHERE"
	              " (c.filed_on BETWEEN ?3 AND ?4 OR c.closed_on BETWEEN ?3 AND ?4) AND" CSCOPE
	              ") GROUP BY k ORDER BY k")
	        : ecc_store_stmt(
	              c->st,
	              "SELECT n.code, sum(n.state = 'done' AND n.done_on BETWEEN ?3 AND ?4 AND"
	              " n.done_on <= n.due), sum(n.due BETWEEN ?3 AND ?4 AND ((n.state = 'done'"
	              " AND n.done_on > n.due) OR (n.state = 'open' AND n.due < ?5))), 0, 0 FROM"
	              " case_nodes_due n WHERE (n.done_on BETWEEN ?3 AND ?4 OR n.due BETWEEN ?3 AND"
	              " ?4) AND" NSCOPE " GROUP BY n.code ORDER BY n.code");
	if (!s)
		return arr;
	ecc_store_bind_text(s, 1, sj);
	ecc_store_bind_text(s, 2, stm);
	ecc_store_bind_text(s, 3, a);
	ecc_store_bind_text(s, 4, b);
	ecc_store_bind_text(s, 5, today);
	while (ecc_store_step(c->st, s) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		const char *k = ecc_store_column_text(s, 0);
		cJSON_AddStringToObject(o, by_team ? "team" : "code", k);
		if (!by_team)
			cJSON_AddStringToObject(o, "name", cases__node_name(k));
		cJSON_AddNumberToObject(o, "nodes_in_time", sqlite3_column_int(s, 1));
		cJSON_AddNumberToObject(o, "nodes_overdue", sqlite3_column_int(s, 2));
		if (by_team) {
			cJSON_AddNumberToObject(o, "received", sqlite3_column_int(s, 3));
			cJSON_AddNumberToObject(o, "closed", sqlite3_column_int(s, 4));
		}
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(s);
	return arr;
}

cJSON *ecc_cases_report(ecc_cases *c, const struct ecc_user *u, const char *period,
                        const char *from, const char *to, char why[ECC_CASES_WHY])
{
	bool week = period && !strcmp(period, "weekly");
	uint32_t today = ecc_date_today(), lo, hi;
	char a[ECC_DATE_LEN], b[ECC_DATE_LEN];
	cJSON *o, *rows;
	struct figures total = {0}, f;

	if (!period || (strcmp(period, "daily") && strcmp(period, "weekly"))) {
		cases__why(why, "reports are daily or weekly");
		return NULL;
	}
	hi = today;
	lo = week ? today - 7 * 8 + 1 : today - 13;
	if ((to && *to && ecc_date_parse(to, &hi) != ECC_OK) ||
	    (from && *from && ecc_date_parse(from, &lo) != ECC_OK) || hi < lo ||
	    hi - lo > REPORT_MAX_DAYS) {
		cases__why(why, "from and to are dates (YYYY-MM-DD), at most %d days apart",
		           REPORT_MAX_DAYS);
		return NULL;
	}
	if (week) /* whole weeks, Monday to Sunday */
		lo -= (lo - 1) % 7;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "period", period);
	cJSON_AddStringToObject(o, "from", ecc_date_format(lo, a));
	cJSON_AddStringToObject(o, "to", ecc_date_format(hi, b));
	cJSON_AddNumberToObject(o, "legal_period_months", LEGAL_PERIOD_MONTHS);
	rows = cJSON_AddArrayToObject(o, "rows");
	for (uint32_t d = lo; d <= hi; d += week ? 7 : 1) {
		uint32_t e = week ? MIN(d + 6, hi) : d;
		cJSON *r = cJSON_CreateObject();
		figures(c, u, d, e, &f);
		cJSON_AddStringToObject(r, "from", ecc_date_format(d, a));
		cJSON_AddStringToObject(r, "to", ecc_date_format(e, b));
		add_figures(r, &f);
		cJSON_AddItemToArray(rows, r);
	}
	figures(c, u, lo, hi, &total);
	add_figures(cJSON_AddObjectToObject(o, "total"), &total);
	ecc_date_format(lo, a);
	ecc_date_format(hi, b);
	cJSON_AddItemToObject(o, "by_team", breakdown(c, u, a, b, true));
	cJSON_AddItemToObject(o, "by_node", breakdown(c, u, a, b, false));
	return o;
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_cell(GString *out, const char *v, bool last)
{
	size_t n = strlen(v);
	char *buf = g_malloc(n * 2 + 3);
	size_t w = csv_write(buf, n * 2 + 3, v, n);

	g_string_append_len(out, buf, (gssize)w);
	g_string_append(out, last ? "\r\n" : ",");
	g_free(buf);
}

static void csv_row(GString *out, const cJSON *r, const char *const *keys)
{
	for (int i = 0; keys[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, keys[i]);
		char num[64] = "";
		if (cJSON_IsString(v))
			csv_cell(out, v->valuestring, !keys[i + 1]);
		else {
			if (cJSON_IsNumber(v))
				g_snprintf(num, sizeof(num), "%.10g", v->valuedouble);
			csv_cell(out, num, !keys[i + 1]);
		}
	}
}

char *ecc_cases_report_csv(const cJSON *report)
{
	static const char *const keys[] = {"from",
	                                   "to",
	                                   "received",
	                                   "closed",
	                                   "closed_in_period",
	                                   "closed_in_period_share",
	                                   "nodes_done",
	                                   "nodes_in_time",
	                                   "nodes_late",
	                                   "nodes_overdue",
	                                   "alerts",
	                                   "alerts_acked",
	                                   "ack_median_s",
	                                   NULL};
	static const char *const heads[] = {"开始日期",
	                                    "结束日期",
	                                    "收案数",
	                                    "结案数",
	                                    "法定期限内结案数",
	                                    "法定期限内结案率",
	                                    "完成节点数",
	                                    "按期完成节点数",
	                                    "逾期完成节点数",
	                                    "超期节点数",
	                                    "告警数",
	                                    "已确认告警数",
	                                    "告警确认时间中位数(秒)",
	                                    NULL};
	static const char *const tkeys[] = {"team",          "received",      "closed",
	                                    "nodes_in_time", "nodes_overdue", NULL};
	static const char *const theads[] = {"执行团队",       "收案数",     "结案数",
	                                     "按期完成节点数", "超期节点数", NULL};
	static const char *const nkeys[] = {"name", "code", "nodes_in_time", "nodes_overdue", NULL};
	static const char *const nheads[] = {"节点", "代码", "按期完成节点数", "超期节点数", NULL};
	GString *out = g_string_new("\xEF\xBB\xBF"); /* Excel reads UTF-8 with its mark */
	const cJSON *r;

	for (int i = 0; heads[i]; i++)
		csv_cell(out, heads[i], !heads[i + 1]);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(report, "rows"))
	    csv_row(out, r, keys);
	g_string_append(out, "\r\n");
	for (int i = 0; theads[i]; i++)
		csv_cell(out, theads[i], !theads[i + 1]);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(report, "by_team"))
	    csv_row(out, r, tkeys);
	g_string_append(out, "\r\n");
	for (int i = 0; nheads[i]; i++)
		csv_cell(out, nheads[i], !nheads[i + 1]);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(report, "by_node"))
	    csv_row(out, r, nkeys);
	return g_string_free(out, FALSE);
}
