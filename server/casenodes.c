/* casenodes: flow nodes, their deadlines, recompute, done, events. */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * The node kinds (DOMAIN.md; seed 002 part 4.(2), seed 003). A node starts
 * at filing (event NULL) or at an event of the case; its deadline is count
 * working days ("wd") or days ("d") after that date, the date itself not
 * counted. Where the law sets a deadline it is used; the steps that only the
 * "854" schedule names use the schedule's day (day N = N-1 working days
 * after filing). condition: a node that is a condition before closing as 终本.
 */
static const struct node_kind {
	const char *code;
	const char *name;
	const char *event; /* NULL: from filing */
	int count;
	const char *unit;
	int day854; /* the 854 schedule's day, 0 when not on it */
	const char *basis;
} node_kinds[] = {
    {"entry", "立案录入、移交指挥中心、生成文书", NULL, 0, "wd", 1, "854模式第1天"},
    {"triage1", "首次繁简分流", NULL, 0, "wd", 1, "854模式第1天"},
    {"online_inquiry", "网络查控（总对总、点对点）", NULL, 1, "wd", 1, "立案后1个工作日内发起"},
    {"notice", "发出执行通知书、报告财产令", NULL, 3, "wd", 2, "立案后3个工作日内"},
    {"traditional_inquiry", "传统查控（调查、传唤、搜查、悬赏、审计）", NULL, 10, "wd", 3,
     "立案后10个工作日内启动"},
    {"field_investigation", "实地调查", NULL, 3, "wd", 4, "854模式第4天"},
    {"triage2", "二次繁简分流", NULL, 3, "wd", 4, "854模式第4天"},
    {"panel_decision", "合议庭研究强制措施", NULL, 4, "wd", 5, "854模式第5天"},
    {"traditional_registered", "传统查控结果登记", NULL, 15, "d", 0, "立案后15日内"},
    {"credit_entry", "失信、限消决定录入", "credit_decision", 1, "wd", 0, "决定作出后1个工作日内"},
    {"payout_notice", "案款核算并通知", "money_arrived", 3, "d", 0, "案款到账后3日内"},
    {"payout", "发放案款", "money_arrived", 7, "d", 0, "案款到账后7日内"},
    {"auction_notice", "发布拍卖公告", "auction_ruling", 3, "wd", 0, "拍卖裁定后3个工作日内"},
    {"auction_served", "送达拍卖公告", "auction_published", 3, "wd", 0, "公告发布后3个工作日内"},
    {"entrusted_received", "接收委托事项", "entrusted", 0, "d", 0, "当日接收"},
    {"entrusted_done", "办结委托事项", "entrusted", 3, "d", 0, "3日内办结"},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};

/* Events that only record a condition before closing as 终本: a node done
 * on the day of the event. */
static const struct {
	const char *event;
	const char *code;
	const char *name;
} condition_events[] = {
    {"online_inquiry", "online_inquiry_again", "网络查控（再次）"},
    {"interview", "interview", "约谈申请执行人"},
    {"consumption_order", "consumption_order", "发出限制消费令"},
    {NULL, NULL, NULL},
};

const char *cases__node_name(const char *code)
{
	for (const struct node_kind *k = node_kinds; k->code; k++)
		if (!strcmp(k->code, code))
			return k->name;
	for (int i = 0; condition_events[i].code; i++)
		if (!strcmp(condition_events[i].code, code))
			return condition_events[i].name;
	return code;
}

cJSON *ecc_cases_node_kinds(void)
{
	cJSON *arr = cJSON_CreateArray();

	for (const struct node_kind *k = node_kinds; k->code; k++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", k->code);
		cJSON_AddStringToObject(o, "name", k->name);
		cJSON_AddStringToObject(o, "from", k->event ? k->event : "filing");
		cJSON_AddNumberToObject(o, "count", k->count);
		cJSON_AddStringToObject(o, "unit", k->unit);
		if (k->day854)
			cJSON_AddNumberToObject(o, "day854", k->day854);
		cJSON_AddStringToObject(o, "basis", k->basis);
		cJSON_AddItemToArray(arr, o);
	}
	for (int i = 0; condition_events[i].code; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", condition_events[i].code);
		cJSON_AddStringToObject(o, "name", condition_events[i].name);
		cJSON_AddStringToObject(o, "from", condition_events[i].event);
		cJSON_AddBoolToObject(o, "condition", true);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

uint32_t cases__due(const ecc_calendar *cal, uint32_t anchor, int count, const char *unit,
                    bool *provisional)
{
	if (!strcmp(unit, "d"))
		return ecc_calendar_add_days(cal, anchor, count, provisional);
	return ecc_calendar_add_workdays(cal, anchor, count, provisional);
}

/* The case_deadlines row of (unit, count, anchor), made or brought up to
 * the current calendar; its id, due and provisional flag. */
static int64_t deadline_of(ecc_cases *c, const char *unit, int count, const char *anchor,
                           char due[ECC_DATE_LEN], bool *prov)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    c->st, "INSERT INTO case_deadlines(unit, count, anchor, due, provisional)"
	           " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(unit, count, anchor) DO UPDATE SET"
	           " due = excluded.due, provisional = excluded.provisional WHERE due !="
	           " excluded.due OR provisional != excluded.provisional");
	int64_t id = 0;
	uint32_t a;

	*prov = false;
	if (!s || ecc_date_parse(anchor, &a) != ECC_OK)
		return 0;
	ecc_date_format(cases__due(c->cal, a, count, unit, prov), due);
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int(s, 2, count);
	ecc_store_bind_text(s, 3, anchor);
	ecc_store_bind_text(s, 4, due);
	sqlite3_bind_int(s, 5, *prov);
	if (ecc_store_run(c->st, s) != ECC_OK)
		return 0;
	s = ecc_store_stmt(c->st, "SELECT id FROM case_deadlines WHERE unit = ? AND count = ? AND"
	                          " anchor = ?");
	if (!s)
		return 0;
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int(s, 2, count);
	ecc_store_bind_text(s, 3, anchor);
	if (ecc_store_step(c->st, s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

/* Inserts one open node (or a done one, when done_by is set). */
static int insert_node(ecc_cases *c, int64_t case_id, const char *code, const char *anchor,
                       int count, const char *unit, const char *judge, const char *team,
                       const char *done_by)
{
	sqlite3_stmt *s;
	char due[ECC_DATE_LEN];
	bool prov = false;
	int64_t deadline = deadline_of(c, unit, count, anchor, due, &prov);

	if (!deadline)
		return ECC_ERR_DB;
	s = ecc_store_stmt(
	    c->st, "INSERT INTO case_nodes(case_id, code, anchor, count, unit, due, provisional,"
	           " judge, team, state, done_on, done_at, done_by, created_at, deadline)"
	           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?12,?14)");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, case_id);
	ecc_store_bind_text(s, 2, code);
	ecc_store_bind_text(s, 3, anchor);
	sqlite3_bind_int(s, 4, count);
	ecc_store_bind_text(s, 5, unit);
	ecc_store_bind_text(s, 6, due);
	sqlite3_bind_int(s, 7, prov);
	ecc_store_bind_text(s, 8, judge);
	ecc_store_bind_text(s, 9, team);
	ecc_store_bind_text(s, 10, done_by ? "done" : "open");
	ecc_store_bind_text(s, 11, done_by ? anchor : NULL);
	sqlite3_bind_int64(s, 12, ecc_now_ms());
	ecc_store_bind_text(s, 13, done_by);
	sqlite3_bind_int64(s, 14, deadline);
	return ecc_store_run(c->st, s);
}

static int recompute(ecc_cases *c, int64_t case_id, int *changed);

int cases__nodes_create_filing(ecc_cases *c, int64_t case_id, const char *filed_on,
                               const char *judge, const char *team)
{
	int rc = ECC_OK;

	for (const struct node_kind *k = node_kinds; k->code && rc == ECC_OK; k++)
		if (!k->event)
			rc = insert_node(c, case_id, k->code, filed_on, k->count, k->unit, judge,
			                 team, NULL);
	return rc;
}

int cases__nodes_follow_case(ecc_cases *c, int64_t case_id, const char *old_filed_on,
                             const char *filed_on, const char *judge, const char *team)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "UPDATE case_nodes SET judge = ?2, team = ?3,"
	                                        " anchor = CASE WHEN anchor = ?4 AND code IN"
	                                        " ('entry','triage1','online_inquiry','notice',"
	                                        "'traditional_inquiry','field_investigation',"
	                                        "'triage2','panel_decision',"
	                                        "'traditional_registered') THEN ?5 ELSE anchor END"
	                                        " WHERE case_id = ?1 AND state = 'open'");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, case_id);
	ecc_store_bind_text(s, 2, judge);
	ecc_store_bind_text(s, 3, team);
	ecc_store_bind_text(s, 4, old_filed_on);
	ecc_store_bind_text(s, 5, filed_on);
	rc = ecc_store_run(c->st, s);
	/* The anchors moved: their deadlines follow. */
	return rc == ECC_OK && strcmp(old_filed_on, filed_on) ? recompute(c, case_id, NULL) : rc;
}

static const char *node_state(sqlite3_stmt *s, int state_col, int due_col, const char *today)
{
	const char *st = ecc_store_column_text(s, state_col);
	const char *due = ecc_store_column_text(s, due_col);

	if (strcmp(st, "open"))
		return st;
	if (strcmp(due, today) < 0)
		return "overdue";
	if (!strcmp(due, today))
		return "due_today";
	return "open";
}

cJSON *cases__nodes_json(ecc_cases *c, int64_t case_id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(c->st, "SELECT id, code, anchor, count, unit, due,"
	                          " provisional, state, done_on, done_at, done_by,"
	                          " note, alert_id FROM case_nodes_due WHERE case_id = ?"
	                          " ORDER BY due, id");
	cJSON *arr = cJSON_CreateArray();
	char today[ECC_DATE_LEN];

	if (!s)
		return arr;
	ecc_date_format(ecc_date_today(), today);
	sqlite3_bind_int64(s, 1, case_id);
	while (ecc_store_step(c->st, s) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		const char *code = ecc_store_column_text(s, 1);
		cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddStringToObject(o, "code", code);
		cJSON_AddStringToObject(o, "name", cases__node_name(code));
		cJSON_AddStringToObject(o, "from", ecc_store_column_text(s, 2));
		cJSON_AddNumberToObject(o, "count", sqlite3_column_int(s, 3));
		cJSON_AddStringToObject(o, "unit", ecc_store_column_text(s, 4));
		cJSON_AddStringToObject(o, "due", ecc_store_column_text(s, 5));
		cJSON_AddBoolToObject(o, "provisional", sqlite3_column_int(s, 6));
		cJSON_AddStringToObject(o, "state", node_state(s, 7, 5, today));
		if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
			cJSON_AddStringToObject(o, "done_on", ecc_store_column_text(s, 8));
			cJSON_AddNumberToObject(o, "done_at", (double)sqlite3_column_int64(s, 9));
			cJSON_AddStringToObject(o, "done_by", ecc_store_column_text(s, 10));
			cJSON_AddBoolToObject(
			    o, "in_time",
			    strcmp(ecc_store_column_text(s, 8), ecc_store_column_text(s, 5)) <= 0);
		}
		cJSON_AddStringToObject(o, "note", ecc_store_column_text(s, 11));
		if (sqlite3_column_type(s, 12) != SQLITE_NULL)
			cJSON_AddNumberToObject(o, "alert", (double)sqlite3_column_int64(s, 12));
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(s);
	return arr;
}

/* A node leaving the open state keeps the deadline it had. */
#define FREEZE_DUE                                                                                 \
	"due = coalesce((SELECT d.due FROM case_deadlines d WHERE d.id = deadline), due),"         \
	" provisional = coalesce((SELECT d.provisional FROM case_deadlines d WHERE d.id ="         \
	" deadline), provisional)"

int cases__nodes_void(ecc_cases *c, int64_t case_id)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "UPDATE case_nodes SET state = 'void', " FREEZE_DUE
	                                        " WHERE case_id = ? AND state = 'open'");
	int rc = s ? (sqlite3_bind_int64(s, 1, case_id), ecc_store_run(c->st, s)) : ECC_ERR_DB;

	return rc == ECC_OK ? cases__alerts_clear_case(c, case_id) : rc;
}

/* ---- recompute ---------------------------------------------------------- */

/* Points the open nodes of a case whose anchor moved to their deadline. */
static int repoint(ecc_cases *c, int64_t case_id, int *changed)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT DISTINCT unit, count, anchor FROM"
	                                        " case_nodes WHERE case_id = ? AND state = 'open'");
	GPtrArray *rules = g_ptr_array_new_with_free_func(g_free);
	int rc = s ? ECC_OK : ECC_ERR_DB;

	if (s) {
		sqlite3_bind_int64(s, 1, case_id);
		while (ecc_store_step(c->st, s) == SQLITE_ROW)
			g_ptr_array_add(rules,
			                g_strdup_printf("%s\t%d\t%s", ecc_store_column_text(s, 0),
			                                sqlite3_column_int(s, 1),
			                                ecc_store_column_text(s, 2)));
		sqlite3_reset(s);
	}
	for (guint i = 0; i < rules->len && rc == ECC_OK; i++) {
		gchar **f = g_strsplit(g_ptr_array_index(rules, i), "\t", 3);
		int count = (int)g_ascii_strtoll(f[1], NULL, 10);
		char due[ECC_DATE_LEN];
		bool prov;
		int64_t d = deadline_of(c, f[0], count, f[2], due, &prov);

		s = ecc_store_stmt(c->st, "UPDATE case_nodes SET deadline = ?5, due = ?6,"
		                          " provisional = ?7 WHERE case_id = ?1 AND state = 'open'"
		                          " AND unit = ?2 AND count = ?3 AND anchor = ?4 AND"
		                          " deadline IS NOT ?5");
		if (!d || !s) {
			rc = ECC_ERR_DB;
		} else {
			sqlite3_bind_int64(s, 1, case_id);
			ecc_store_bind_text(s, 2, f[0]);
			sqlite3_bind_int(s, 3, count);
			ecc_store_bind_text(s, 4, f[2]);
			sqlite3_bind_int64(s, 5, d);
			ecc_store_bind_text(s, 6, due);
			sqlite3_bind_int(s, 7, prov);
			rc = ecc_store_run(c->st, s);
			if (changed)
				*changed += sqlite3_changes(ecc_store_db(c->st));
		}
		g_strfreev(f);
	}
	g_ptr_array_unref(rules);
	return rc;
}

/*
 * Every open deadline. Open nodes share few (unit, count, anchor) triples,
 * hundreds for a province's 100,000 cases, each a case_deadlines row: a
 * calendar change computes and rewrites those rows, and no node. *changed:
 * the open nodes whose deadline or provisional flag moved.
 */
static int recompute_all(ecc_cases *c, int *changed)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT d.id, d.unit, d.count, d.anchor, d.due,"
	                                        " d.provisional FROM case_deadlines d WHERE"
	                                        " EXISTS(SELECT 1 FROM case_open_counts k WHERE"
	                                        " k.deadline = d.id AND k.n > 0)");
	GArray *moved = g_array_new(FALSE, FALSE, sizeof(int64_t));
	GPtrArray *dues = g_ptr_array_new_with_free_func(g_free);
	int rc = s ? ECC_OK : ECC_ERR_DB;

	while (s && ecc_store_step(c->st, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		uint32_t a;
		bool prov = false;
		char due[ECC_DATE_LEN];

		if (ecc_date_parse(ecc_store_column_text(s, 3), &a) != ECC_OK)
			continue;
		ecc_date_format(cases__due(c->cal, a, sqlite3_column_int(s, 2),
		                           ecc_store_column_text(s, 1), &prov),
		                due);
		if (strcmp(due, ecc_store_column_text(s, 4)) || prov != sqlite3_column_int(s, 5)) {
			g_array_append_val(moved, id);
			g_ptr_array_add(dues, g_strdup_printf("%s%c", due, prov ? 'p' : '-'));
		}
	}
	if (s)
		sqlite3_reset(s);
	for (guint i = 0; i < moved->len && rc == ECC_OK; i++) {
		const char *due = g_ptr_array_index(dues, i);

		s = ecc_store_stmt(c->st, "UPDATE case_deadlines SET due = substr(?2, 1, 10),"
		                          " provisional = substr(?2, 11) = 'p' WHERE id = ?1");
		if (!s) {
			rc = ECC_ERR_DB;
			break;
		}
		sqlite3_bind_int64(s, 1, g_array_index(moved, int64_t, i));
		ecc_store_bind_text(s, 2, due);
		rc = ecc_store_run(c->st, s);
		s = ecc_store_stmt(c->st, "SELECT coalesce(sum(n), 0) FROM case_open_counts WHERE"
		                          " deadline = ?");
		if (rc == ECC_OK && s) {
			sqlite3_bind_int64(s, 1, g_array_index(moved, int64_t, i));
			if (ecc_store_step(c->st, s) == SQLITE_ROW)
				*changed += sqlite3_column_int(s, 0);
			sqlite3_reset(s);
		}
	}
	g_array_free(moved, TRUE);
	g_ptr_array_unref(dues);
	return rc;
}

/* Recomputes the open nodes of case_id, or of every case when it is 0. */
static int recompute(ecc_cases *c, int64_t case_id, int *changed)
{
	bool own_tx = sqlite3_get_autocommit(ecc_store_db(c->st));
	int rc, n = 0;

	if (own_tx && ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = case_id ? repoint(c, case_id, &n) : recompute_all(c, &n);
	if (own_tx) {
		if (rc == ECC_OK)
			rc = ecc_store_commit(c->st);
		else
			ecc_store_rollback(c->st);
	}
	if (changed)
		*changed = n;
	return rc;
}

int ecc_cases_recompute(ecc_cases *c, int *changed)
{
	return recompute(c, 0, changed);
}

/* ---- done, events ------------------------------------------------------- */

/* A date given by a user: today when absent; never in the future. */
static int user_date(const char *on, char out[ECC_DATE_LEN], char *why)
{
	uint32_t d;

	if (!on || !*on) {
		ecc_date_format(ecc_date_today(), out);
		return ECC_OK;
	}
	if (cases__date(on, out) != ECC_OK || ecc_date_parse(out, &d) != ECC_OK) {
		cases__why(why, "\"on\" must be a date (YYYY-MM-DD)");
		return ECC_ERR_INVAL;
	}
	if (d > ecc_date_today()) {
		cases__why(why, "%s is in the future", out);
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

int ecc_cases_node_done(ecc_cases *c, const struct ecc_user *u, int64_t case_id, int64_t node_id,
                        const char *on, const char *note, const char *ip, char why[ECC_CASES_WHY])
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16], day[ECC_DATE_LEN];
	char number[ECC_CASE_NUMBER_MAX], target[64],
	    due[ECC_DATE_LEN] = "", anchor[ECC_DATE_LEN] = "", state[8] = "", code[40] = "";
	sqlite3_stmt *s;
	cJSON *d;
	int rc = cases__head(c, case_id, judge, team, status, number);

	if (rc == ECC_OK && !ecc_case_visible(u, judge, team))
		return ECC_ERR_FORBIDDEN;
	if (rc != ECC_OK)
		return rc;
	if ((rc = user_date(on, day, why)) != ECC_OK)
		return rc;
	if (note && strlen(note) > 1000) {
		cases__why(why, "the note is longer than 1000 bytes");
		return ECC_ERR_INVAL;
	}
	s = ecc_store_stmt(c->st,
	                   "SELECT state, due, anchor, code FROM case_nodes_due WHERE id = ? AND"
	                   " case_id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, node_id);
	sqlite3_bind_int64(s, 2, case_id);
	if (ecc_store_step(c->st, s) == SQLITE_ROW) {
		g_strlcpy(state, ecc_store_column_text(s, 0), sizeof(state));
		g_strlcpy(due, ecc_store_column_text(s, 1), sizeof(due));
		g_strlcpy(anchor, ecc_store_column_text(s, 2), sizeof(anchor));
		g_strlcpy(code, ecc_store_column_text(s, 3), sizeof(code));
	}
	sqlite3_reset(s);
	if (!state[0])
		return ECC_ERR_NOTFOUND;
	if (strcmp(state, "open")) {
		cases__why(why, "this node is %s already", state);
		return ECC_ERR_EXISTS;
	}
	if (strcmp(day, anchor) < 0) {
		cases__why(why, "%s is before the node's start (%s)", day, anchor);
		return ECC_ERR_INVAL;
	}
	if (ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(c->st, "UPDATE case_nodes SET state = 'done', done_on = ?, done_at = ?,"
	                          " done_by = ?, note = ?, " FREEZE_DUE " WHERE id = ?");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, day);
		sqlite3_bind_int64(s, 2, ecc_now_ms());
		ecc_store_bind_text(s, 3, u->username);
		ecc_store_bind_text(s, 4, note ? note : "");
		sqlite3_bind_int64(s, 5, node_id);
		rc = ecc_store_run(c->st, s);
	}
	g_snprintf(target, sizeof(target), "case:%" G_GINT64_FORMAT "/node:%" G_GINT64_FORMAT,
	           case_id, node_id);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "number", number);
	cJSON_AddStringToObject(d, "code", code);
	cJSON_AddStringToObject(d, "done_on", day);
	cJSON_AddStringToObject(d, "due", due);
	cJSON_AddBoolToObject(d, "in_time", strcmp(day, due) <= 0);
	if (rc == ECC_OK)
		rc = cases__audit(c, u->username, "case.node_done", target, d, ip);
	cJSON_Delete(d);
	if (rc != ECC_OK) {
		ecc_store_rollback(c->st);
		return rc;
	}
	if ((rc = ecc_store_commit(c->st)) != ECC_OK)
		return rc;
	cases__alerts_refresh(c, case_id);
	return ECC_OK;
}

int ecc_cases_event(ecc_cases *c, const struct ecc_user *u, int64_t case_id, const char *kind,
                    const char *on, const char *ip, char why[ECC_CASES_WHY])
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16], day[ECC_DATE_LEN];
	char number[ECC_CASE_NUMBER_MAX], target[32];
	int rc = cases__head(c, case_id, judge, team, status, number), added = 0;
	cJSON *d;

	if (rc == ECC_OK && !ecc_case_visible(u, judge, team))
		return ECC_ERR_FORBIDDEN;
	if (rc != ECC_OK)
		return rc;
	if (strcmp(status, "open")) {
		cases__why(why, "the case is closed");
		return ECC_ERR_EXISTS;
	}
	if ((rc = user_date(on, day, why)) != ECC_OK)
		return rc;
	if (ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	for (const struct node_kind *k = node_kinds; k->code && rc == ECC_OK; k++)
		if (k->event && !strcmp(k->event, kind)) {
			rc = insert_node(c, case_id, k->code, day, k->count, k->unit, judge, team,
			                 NULL);
			added++;
		}
	for (int i = 0; condition_events[i].event && rc == ECC_OK; i++)
		if (!strcmp(condition_events[i].event, kind)) {
			rc = insert_node(c, case_id, condition_events[i].code, day, 0, "wd", judge,
			                 team, u->username);
			added++;
		}
	if (rc == ECC_OK && !added) {
		ecc_store_rollback(c->st);
		cases__why(why, "unknown event \"%.40s\" (see GET /api/v1/cases/node-kinds)", kind);
		return ECC_ERR_INVAL;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "number", number);
	cJSON_AddStringToObject(d, "event", kind);
	cJSON_AddStringToObject(d, "on", day);
	g_snprintf(target, sizeof(target), "case:%" G_GINT64_FORMAT, case_id);
	if (rc == ECC_OK)
		rc = cases__audit(c, u->username, "case.event", target, d, ip);
	cJSON_Delete(d);
	if (rc != ECC_OK) {
		ecc_store_rollback(c->st);
		return rc;
	}
	if ((rc = ecc_store_commit(c->st)) != ECC_OK)
		return rc;
	/* an event dated back may bring a node that is overdue already */
	cases__alerts_refresh(c, case_id);
	return ECC_OK;
}
