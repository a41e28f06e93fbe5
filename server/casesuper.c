/* casesuper: node supervision (流程节点管理): the next node of every open case,
 * nodes by state, the wall's board per team and the weekly list. */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"

#include <string.h>

#define NODE_ROW_COLS                                                                              \
	"n.id, n.case_id, c.number, n.code, d.due, d.provisional, n.judge, coalesce((SELECT"       \
	" display_name FROM users WHERE username = n.judge), ''), n.team, c.triage, n.anchor"

static cJSON *node_row(sqlite3_stmt *s, const char *today)
{
	cJSON *o = cJSON_CreateObject();
	const char *due = ecc_store_column_text(s, 4), *code = ecc_store_column_text(s, 3);
	int cmp = strcmp(due, today);

	cJSON_AddNumberToObject(o, "node", (double)sqlite3_column_int64(s, 0));
	cJSON_AddNumberToObject(o, "case", (double)sqlite3_column_int64(s, 1));
	cJSON_AddStringToObject(o, "number", ecc_store_column_text(s, 2));
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "name", cases__node_name(code));
	cJSON_AddStringToObject(o, "due", due);
	cJSON_AddBoolToObject(o, "provisional", sqlite3_column_int(s, 5));
	cJSON_AddStringToObject(o, "state", cmp < 0 ? "overdue" : cmp == 0 ? "due_today" : "open");
	cJSON_AddStringToObject(o, "judge", ecc_store_column_text(s, 6));
	cJSON_AddStringToObject(o, "judge_name", ecc_store_column_text(s, 7));
	cJSON_AddStringToObject(o, "team", ecc_store_column_text(s, 8));
	if (sqlite3_column_type(s, 9) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "triage");
	else
		cJSON_AddStringToObject(o, "triage", ecc_store_column_text(s, 9));
	cJSON_AddStringToObject(o, "from", ecc_store_column_text(s, 10));
	return o;
}

/* The window of due dates of a state: [lo, hi]; "" for open-ended. */
static int window(const ecc_cases *c, const char *state, char lo[ECC_DATE_LEN],
                  char hi[ECC_DATE_LEN])
{
	uint32_t today = ecc_date_today();

	lo[0] = hi[0] = '\0';
	if (!state || !*state)
		return ECC_OK;
	if (!strcmp(state, "overdue")) {
		g_strlcpy(lo, "0000-00-00", ECC_DATE_LEN);
		ecc_date_format(today - 1, hi);
	} else if (!strcmp(state, "due_today")) {
		ecc_date_format(today, lo);
		ecc_date_format(today, hi);
	} else if (!strcmp(state, "due_3")) {
		ecc_date_format(today, lo);
		ecc_date_format(ecc_calendar_add_workdays(c->cal, today, 3, NULL), hi);
	} else if (!strcmp(state, "due_week")) {
		ecc_date_format(today, lo);
		ecc_date_format(ecc_calendar_add_workdays(c->cal, today, 5, NULL), hi);
	} else {
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

/* Open nodes with their deadlines, by deadline. */
#define OPEN_NODES                                                                                 \
	" FROM case_deadlines d JOIN case_nodes n ON n.deadline = d.id AND n.state = 'open' JOIN"  \
	" cases c ON c.id = n.case_id"

#define SCOPE_WHERE                                                                                \
	" (?1 IS NULL OR n.judge = ?1) AND (?2 IS NULL OR n.team = ?2) AND (?3 IS NULL OR"         \
	" n.team = ?3) AND (?4 IS NULL OR n.judge = ?4)"

/*
 * A page of open nodes in (deadline date, deadline, team, node) order: the
 * order of the deadline-date index and then of the open nodes' (deadline,
 * team) index, so the center's or a team's page reads its rows and stops.
 * ?9: the cursor (the previous page's last node).
 */
#define PAGE_FROM                                                                                  \
	" FROM case_deadlines d INDEXED BY case_deadlines_due CROSS JOIN case_nodes n INDEXED BY"  \
	" case_nodes_open ON n.deadline = d.id AND n.state = 'open' JOIN cases c ON c.id ="        \
	" n.case_id"
/* A judge's nodes are few (hundreds of cases): the page's nodes are picked
 * and sorted from the judge's index alone, then read. ?10: the judge (the
 * scope's or the filter's), a term the planner can use the index for. */
#define JUDGE_IDS_FROM                                                                             \
	" FROM case_nodes n JOIN case_deadlines d ON d.id = n.deadline WHERE n.state = 'open' AND" \
	" n.judge = ?10 AND"
#define JUDGE_PAGE(where)                                                                          \
	"SELECT " NODE_ROW_COLS " FROM (SELECT n.id AS id" JUDGE_IDS_FROM where " AND" SCOPE_WHERE \
	" AND" PAGE_WHERE PAGE_ORDER ") p CROSS JOIN case_nodes n ON n.id ="                       \
	" p.id JOIN case_deadlines d ON d.id = n.deadline JOIN cases c ON c.id = n.case_id ORDER"  \
	" BY d.due, d.id, n.team, n.id"
#define CURSOR                                                                                     \
	" (SELECT pd.due, pd.id, pn.team, pn.id FROM case_nodes pn JOIN case_deadlines pd ON"      \
	" pd.id = pn.deadline WHERE pn.id = ?9)"
#define PAGE_WHERE                                                                                 \
	" d.due >= coalesce((SELECT pd.due FROM case_nodes pn JOIN case_deadlines pd ON pd.id ="   \
	" pn.deadline WHERE pn.id = ?9), '') AND (?9 IS NULL OR (d.due, d.id, n.team, n.id) "      \
	">" CURSOR ")"
#define PAGE_ORDER " ORDER BY d.due, d.id, n.team, n.id LIMIT ?7 OFFSET ?8"
/* n is its case's first open node in that order */
#define FIRST_OF_CASE                                                                              \
	" NOT EXISTS(SELECT 1 FROM case_nodes m JOIN case_deadlines dm ON dm.id = m.deadline"      \
	" WHERE m.case_id = n.case_id AND m.state = 'open' AND (dm.due, dm.id, m.id) < (d.due,"    \
	" d.id, n.id))"

static sqlite3_stmt *supervision_stmt(ecc_cases *c, bool window, bool judge, bool count)
{
	if (window && count)
		/* The total from the trigger-kept counts unless a judge narrows
		 * it (they are kept per deadline and team). */
		return judge
		           ? ecc_store_stmt(c->st, "SELECT count(*)" JUDGE_IDS_FROM
		                                   " d.due BETWEEN ?5 AND ?6 AND" SCOPE_WHERE)
		           : ecc_store_stmt(c->st, "SELECT coalesce(sum(k.n), 0) FROM"
		                                   " case_deadlines d JOIN case_open_counts k ON"
		                                   " k.deadline = d.id WHERE d.due BETWEEN ?5 AND"
		                                   " ?6 AND ?1 IS NULL AND (?2 IS NULL OR k.team ="
		                                   " ?2) AND (?3 IS NULL OR k.team = ?3) AND ?4"
		                                   " IS NULL");
	if (window)
		return judge
		           ? ecc_store_stmt(c->st, JUDGE_PAGE(" d.due BETWEEN ?5 AND ?6"))
		           : ecc_store_stmt(c->st, "SELECT " NODE_ROW_COLS PAGE_FROM
		                                   " WHERE d.due BETWEEN ?5 AND ?6 AND" SCOPE_WHERE
		                                   " AND" PAGE_WHERE PAGE_ORDER);
	if (count)
		/* Open cases with an open node, from the count kept per case
		 * (a case's judge and team are its open nodes'). */
		return ecc_store_stmt(c->st, "SELECT count(*) FROM cases n WHERE n.open_nodes > 0"
		                             " AND ?5 IS NULL AND ?6 IS NULL AND" SCOPE_WHERE);
	return judge ? ecc_store_stmt(c->st,
	                              JUDGE_PAGE(" ?5 IS NULL AND ?6 IS NULL AND" FIRST_OF_CASE))
	             : ecc_store_stmt(c->st, "SELECT " NODE_ROW_COLS PAGE_FROM
	                                     " WHERE ?5 IS NULL AND ?6 IS NULL AND" SCOPE_WHERE
	                                     " AND" FIRST_OF_CASE " AND" PAGE_WHERE PAGE_ORDER);
}

cJSON *ecc_cases_supervision(ecc_cases *c, const struct ecc_user *u,
                             const struct ecc_supervision_query *q)
{
	char lo[ECC_DATE_LEN], hi[ECC_DATE_LEN], today[ECC_DATE_LEN];
	const char *sj, *stm;
	cJSON *o, *arr;
	sqlite3_stmt *s;
	int64_t total = 0, last = 0;
	int rows = 0;
	bool judge;

	if (window(c, q->state, lo, hi) != ECC_OK)
		return NULL;
	ecc_date_format(ecc_date_today(), today);
	cases__scope(u, &sj, &stm);
	judge = sj || (q->judge && *q->judge);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "today", today);
	arr = cJSON_AddArrayToObject(o, "nodes");
	for (int pass = 0; pass < 2; pass++) {
		if (!(s = supervision_stmt(c, lo[0], judge, pass == 0)))
			break;
		ecc_store_bind_text(s, 1, sj);
		ecc_store_bind_text(s, 2, stm);
		ecc_store_bind_text(s, 3, q->team && *q->team ? q->team : NULL);
		ecc_store_bind_text(s, 4, q->judge && *q->judge ? q->judge : NULL);
		ecc_store_bind_text(s, 5, lo[0] ? lo : NULL);
		ecc_store_bind_text(s, 6, hi[0] ? hi : NULL);
		if (judge)
			ecc_store_bind_text(s, 10, sj ? sj : q->judge);
		if (pass == 0) {
			if (ecc_store_step(c->st, s) == SQLITE_ROW)
				total = sqlite3_column_int64(s, 0);
		} else {
			sqlite3_bind_int(s, 7, q->limit);
			sqlite3_bind_int(s, 8, q->offset);
			if (q->after > 0)
				sqlite3_bind_int64(s, 9, q->after);
			while (ecc_store_step(c->st, s) == SQLITE_ROW) {
				last = sqlite3_column_int64(s, 0);
				rows++;
				cJSON_AddItemToArray(arr, node_row(s, today));
			}
		}
		sqlite3_reset(s);
	}
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddNumberToObject(o, "offset", q->offset);
	if (rows == q->limit && last)
		cJSON_AddNumberToObject(o, "next", (double)last);
	else
		cJSON_AddNullToObject(o, "next");
	return o;
}

static cJSON *team_entry(cJSON *teams, const char *team)
{
	cJSON *t;

	cJSON_ArrayForEach(t, teams)
	{
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "team")),
		            team))
			return t;
	}
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "team", team);
	cJSON_AddNumberToObject(t, "due_today", 0);
	cJSON_AddNumberToObject(t, "overdue", 0);
	cJSON_AddArrayToObject(t, "nodes");
	cJSON_AddItemToArray(teams, t);
	return t;
}

cJSON *ecc_cases_board(ecc_cases *c, const struct ecc_user *u)
{
	char today[ECC_DATE_LEN];
	const char *sj, *stm;
	cJSON *o = cJSON_CreateObject(), *teams;
	sqlite3_stmt *s;

	ecc_date_format(ecc_date_today(), today);
	cases__scope(u, &sj, &stm);
	cJSON_AddStringToObject(o, "today", today);
	teams = cJSON_AddArrayToObject(o, "teams");
	/* The supervision query of bench/cases: counts per team from the
	 * trigger-kept table of open nodes per (team, deadline); a judge's
	 * from the open nodes' (judge, state, deadline) index. */
	if (sj)
		s = ecc_store_stmt(c->st,
		                   "SELECT n.team, sum(d.due = ?5), sum(d.due < ?5) FROM"
		                   " case_nodes n JOIN case_deadlines d ON d.id = n.deadline"
		                   " WHERE n.state = 'open' AND n.judge = ?1 AND d.due <= ?5 AND"
		                   " (?2 IS NULL OR n.team = ?2) AND ?3 IS NULL AND ?4 IS NULL"
		                   " GROUP BY n.team ORDER BY n.team");
	else
		s = ecc_store_stmt(c->st, ECC_CASES_BOARD_SQL);
	for (int pass = 0; s && pass < 2; pass++) {
		ecc_store_bind_text(s, 1, sj);
		ecc_store_bind_text(s, 2, stm);
		ecc_store_bind_text(s, 3, NULL);
		ecc_store_bind_text(s, 4, NULL);
		ecc_store_bind_text(s, 5, today);
		if (pass == 1) {
			sqlite3_bind_int(s, 7, 200);
			sqlite3_bind_int(s, 8, 0);
			if (sj)
				ecc_store_bind_text(s, 10, sj);
		}
		while (ecc_store_step(c->st, s) == SQLITE_ROW) {
			if (pass == 0) {
				cJSON *t = team_entry(teams, ecc_store_column_text(s, 0));
				cJSON_SetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(t, "due_today"),
				    sqlite3_column_int(s, 1));
				cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(t, "overdue"),
				                     sqlite3_column_int(s, 2));
			} else {
				cJSON *t = team_entry(teams, ecc_store_column_text(s, 8));
				cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(t, "nodes"),
				                     node_row(s, today));
			}
		}
		sqlite3_reset(s);
		/* The oldest nodes first, a screenful per court, in the
		 * supervision pages' order (and from their indexes). */
		s = sj ? ecc_store_stmt(c->st, JUDGE_PAGE(" d.due <= ?5"))
		       : ecc_store_stmt(c->st, "SELECT " NODE_ROW_COLS PAGE_FROM
		                               " WHERE d.due <= ?5 AND" SCOPE_WHERE
		                               " AND" PAGE_WHERE PAGE_ORDER);
	}
	return o;
}

cJSON *ecc_cases_weekly(ecc_cases *c, const struct ecc_user *u, const char *team)
{
	char lo[ECC_DATE_LEN], hi[ECC_DATE_LEN], today[ECC_DATE_LEN];
	const char *sj, *stm;
	cJSON *o = cJSON_CreateObject(), *teams;
	sqlite3_stmt *s;

	window(c, "due_week", lo, hi);
	ecc_date_format(ecc_date_today(), today);
	cases__scope(u, &sj, &stm);
	cJSON_AddStringToObject(o, "from", lo);
	cJSON_AddStringToObject(o, "to", hi);
	teams = cJSON_AddArrayToObject(o, "teams");
	s = ecc_store_stmt(c->st, "SELECT " NODE_ROW_COLS OPEN_NODES " WHERE d.due BETWEEN ?5 AND"
	                          " ?6 AND" SCOPE_WHERE " ORDER BY n.team, d.due, n.id LIMIT 5000");
	if (!s)
		return o;
	ecc_store_bind_text(s, 1, sj);
	ecc_store_bind_text(s, 2, stm);
	ecc_store_bind_text(s, 3, team && *team ? team : NULL);
	ecc_store_bind_text(s, 4, NULL);
	ecc_store_bind_text(s, 5, lo);
	ecc_store_bind_text(s, 6, hi);
	while (ecc_store_step(c->st, s) == SQLITE_ROW) {
		cJSON *t = team_entry(teams, ecc_store_column_text(s, 8));
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(t, "nodes"),
		                     node_row(s, today));
	}
	sqlite3_reset(s);
	/* team_entry's counters: here, nodes per team. */
	{
		cJSON *t;
		cJSON_ArrayForEach(t, teams)
		{
			cJSON_DeleteItemFromObject(t, "overdue");
			cJSON_DeleteItemFromObject(t, "due_today");
			cJSON_AddNumberToObject(
			    t, "count",
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "nodes")));
		}
	}
	return o;
}
