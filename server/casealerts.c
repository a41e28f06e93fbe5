/*
 * casealerts: one overdue alert per case. A case with open nodes past their
 * deadline has one alert ("case:ID") that names those nodes and the person
 * responsible (its judge) and escalates to the team's leader; the message
 * follows as nodes go overdue or are done, and the alert is cleared when
 * none is left. Who may see and acknowledge a case's alert: the center, the
 * case's judge, the officers of its team, and the person it escalated to.
 */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SUBJECT_FMT "case:%" G_GINT64_FORMAT

/* The case's alert id (0 when none) and whether it was acknowledged,
 * number, judge (and name), team, leader. */
struct head {
	int64_t alert;
	bool acked;
	char *number, *judge, *judge_name, *team, *leader;
};

static bool read_head(ecc_cases *c, int64_t case_id, struct head *h)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    c->st, "SELECT coalesce(c.overdue_alert, 0), c.number, c.judge, coalesce((SELECT"
	           " display_name FROM users WHERE username = c.judge), ''), c.team,"
	           " coalesce((SELECT leader FROM case_teams WHERE team = c.team), ''),"
	           " coalesce((SELECT state = 'acked' FROM alerts WHERE id = c.overdue_alert), 0)"
	           " FROM cases c WHERE c.id = ?");
	bool found = false;

	memset(h, 0, sizeof(*h));
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, case_id);
	if (ecc_store_step(c->st, s) == SQLITE_ROW) {
		h->alert = sqlite3_column_int64(s, 0);
		h->number = g_strdup(ecc_store_column_text(s, 1));
		h->judge = g_strdup(ecc_store_column_text(s, 2));
		h->judge_name = g_strdup(ecc_store_column_text(s, 3));
		h->team = g_strdup(ecc_store_column_text(s, 4));
		h->leader = g_strdup(ecc_store_column_text(s, 5));
		h->acked = sqlite3_column_int(s, 6);
		found = true;
	}
	sqlite3_reset(s);
	return found;
}

static void head_free(struct head *h)
{
	g_free(h->number);
	g_free(h->judge);
	g_free(h->judge_name);
	g_free(h->team);
	g_free(h->leader);
}

/* The case's overdue open nodes as the alert's text ("name（期限 due）、..."),
 * and how many; NULL when none. */
static char *overdue_text(ecc_cases *c, int64_t case_id, const char *today, int *n)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT n.code, d.due FROM case_nodes n JOIN"
	                                        " case_deadlines d ON d.id = n.deadline WHERE"
	                                        " n.case_id = ? AND n.state = 'open' AND d.due < ?"
	                                        " ORDER BY d.due, n.id");
	GString *t = g_string_new(NULL);

	*n = 0;
	if (s) {
		sqlite3_bind_int64(s, 1, case_id);
		ecc_store_bind_text(s, 2, today);
		while (ecc_store_step(c->st, s) == SQLITE_ROW) {
			g_string_append_printf(t, "%s「%s」（期限 %s）", (*n)++ ? "、" : "",
			                       cases__node_name(ecc_store_column_text(s, 0)),
			                       ecc_store_column_text(s, 1));
		}
		sqlite3_reset(s);
	}
	return g_string_free(t, *n == 0);
}

/* How many of the case's overdue open nodes its alert does not cover yet
 * (gone overdue since it was raised or last refreshed). */
static int newly_overdue(ecc_cases *c, int64_t case_id, int64_t alert, const char *today)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT count(*) FROM case_nodes n JOIN"
	                                        " case_deadlines d ON d.id = n.deadline WHERE"
	                                        " n.case_id = ? AND n.state = 'open' AND d.due < ?"
	                                        " AND n.alert_id IS NOT ?");
	int n = 0;

	if (!s)
		return 0;
	sqlite3_bind_int64(s, 1, case_id);
	ecc_store_bind_text(s, 2, today);
	sqlite3_bind_int64(s, 3, alert);
	if (ecc_store_step(c->st, s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

/* Marks the case's overdue open nodes with alert (the rest with NULL): the
 * scan finds nodes gone overdue since (alert_id NULL) or back inside their
 * deadline (alert_id set) from these marks. */
static void mark_nodes(ecc_cases *c, int64_t case_id, int64_t alert, const char *today)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    c->st, "UPDATE case_nodes SET alert_id = CASE WHEN state = 'open' AND ?2 > 0 AND"
	           " (SELECT d.due FROM case_deadlines d WHERE d.id = deadline) < ?3 THEN ?2"
	           " END WHERE case_id = ?1 AND alert_id IS NOT (CASE WHEN state = 'open' AND"
	           " ?2 > 0 AND (SELECT d.due FROM case_deadlines d WHERE d.id = deadline) < ?3"
	           " THEN ?2 END)");

	if (!s)
		return;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, alert);
	ecc_store_bind_text(s, 3, today);
	ecc_store_run(c->st, s);
}

static void set_case_alert(ecc_cases *c, int64_t case_id, int64_t alert)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "UPDATE cases SET overdue_alert = ? WHERE id = ?");

	if (!s)
		return;
	if (alert)
		sqlite3_bind_int64(s, 1, alert);
	sqlite3_bind_int64(s, 2, case_id);
	ecc_store_run(c->st, s);
}

int cases__alerts_clear_case(ecc_cases *c, int64_t case_id)
{
	char subject[32];

	if (!c->alerts)
		return ECC_OK;
	sqlite3_stmt *s = ecc_store_stmt(c->st, "UPDATE case_nodes SET alert_id = NULL WHERE"
	                                        " case_id = ? AND alert_id IS NOT NULL");

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, case_id);
	if (ecc_store_run(c->st, s) != ECC_OK)
		return ECC_ERR_DB;
	g_snprintf(subject, sizeof(subject), SUBJECT_FMT, case_id);
	set_case_alert(c, case_id, 0);
	return ecc_alerts_clear_subject(c->alerts, subject);
}

void cases__alerts_refresh(ecc_cases *c, int64_t case_id)
{
	char today[ECC_DATE_LEN], subject[32], *nodes, *msg;
	struct head h;
	int n;

	if (!c->alerts || !read_head(c, case_id, &h))
		return;
	ecc_date_format(ecc_date_today(), today);
	g_snprintf(subject, sizeof(subject), SUBJECT_FMT, case_id);
	nodes = overdue_text(c, case_id, today, &n);
	if (!nodes) {
		if (h.alert) {
			ecc_alerts_clear_subject(c->alerts, subject);
			set_case_alert(c, case_id, 0);
		}
		mark_nodes(c, case_id, 0, today);
		head_free(&h);
		return;
	}
	/* An acknowledgment covered the nodes overdue then: a node gone overdue
	 * since must not hide behind it. The acknowledged alert is cleared and
	 * a new one, open and escalating again, names every overdue node. */
	if (h.alert && h.acked && newly_overdue(c, case_id, h.alert, today) > 0) {
		g_message("case=%" G_GINT64_FORMAT
		          ": a node more is overdue since alert %" G_GINT64_FORMAT
		          " was acknowledged; a new alert",
		          case_id, h.alert);
		ecc_alerts_clear_subject(c->alerts, subject);
		set_case_alert(c, case_id, 0);
		h.alert = 0;
	}
	msg = g_strdup_printf("案件%s 超期节点 %d 个：%s；责任人：%s%s%s", h.number, n, nodes,
	                      *h.judge_name ? h.judge_name : (*h.judge ? h.judge : "未指定"),
	                      *h.team ? "，" : "", h.team);
	/* The alert there is takes the new list (announced when it changed);
	 * a case without one, or whose alert was cleared, gets a new one. */
	if (!h.alert || ecc_alerts_set_message(c->alerts, h.alert, msg) == ECC_ERR_NOTFOUND) {
		struct ecc_alert_spec sp = {
		    .kind = "node_overdue",
		    .severity = ECC_SEV_MEDIUM,
		    .message = msg,
		    .lat = NAN,
		    .lon = NAN,
		    .assignee = *h.judge ? h.judge : NULL,
		    .escalate_to = *h.leader ? h.leader : NULL,
		    .subject = subject,
		};
		h.alert = 0;
		if (ecc_alerts_raise(c->alerts, &sp, &h.alert) == ECC_OK)
			set_case_alert(c, case_id, h.alert);
	}
	if (h.alert)
		mark_nodes(c, case_id, h.alert, today);
	g_free(msg);
	g_free(nodes);
	head_free(&h);
}

/* Appends the distinct case ids that the bound SELECT s finds. */
static void collect(ecc_cases *c, sqlite3_stmt *s, GArray *ids, GHashTable *seen)
{
	while (ecc_store_step(c->st, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		if (g_hash_table_add(seen, g_memdup2(&id, sizeof(id))))
			g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
}

void ecc_cases_scan(ecc_cases *c)
{
	char today[ECC_DATE_LEN], *sig, why[ECC_CASES_WHY];
	GArray *ids;
	GHashTable *seen;
	sqlite3_stmt *s;

	sig = cases__calendar_signature(c->cfg->cases_calendars);
	if (strcmp(sig, c->cal_sig) && ecc_cases_reload_calendar(c, "system", NULL, why) != ECC_OK)
		g_warning("the calendar folder changed but does not load: %s", why);
	g_free(sig);
	if (!c->alerts)
		return;
	ecc_date_format(ecc_date_today(), today);
	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	/* Marked nodes back inside their deadline (a calendar change, a
	 * corrected filing date); a node done or void loses its mark at once
	 * (cases__alerts_refresh, cases__alerts_clear_case). */
	s = ecc_store_stmt(c->st, "SELECT n.case_id FROM case_deadlines d INDEXED BY"
	                          " case_deadlines_due CROSS JOIN case_nodes n INDEXED BY"
	                          " case_nodes_alerted ON n.deadline = d.id AND n.alert_id IS NOT"
	                          " NULL WHERE d.due >= ?");
	if (s) {
		ecc_store_bind_text(s, 1, today);
		collect(c, s, ids, seen);
	}
	/* Nodes gone overdue that no alert names yet, oldest first: a backlog
	 * (a first import of old cases) a few hundred cases per pass; the
	 * supervision page lists them all. */
	s = ecc_store_stmt(c->st, "SELECT n.case_id FROM case_deadlines d INDEXED BY"
	                          " case_deadlines_due CROSS JOIN case_nodes n INDEXED BY"
	                          " case_nodes_unalerted ON n.deadline = d.id AND n.state ="
	                          " 'open' AND n.alert_id IS NULL WHERE d.due < ? ORDER BY d.due"
	                          " LIMIT 200");
	if (s) {
		ecc_store_bind_text(s, 1, today);
		collect(c, s, ids, seen);
	}
	for (guint i = 0; i < ids->len; i++)
		cases__alerts_refresh(c, g_array_index(ids, int64_t, i));
	g_hash_table_unref(seen);
	g_array_free(ids, TRUE);
}

bool ecc_cases_alert_for(ecc_cases *c, const struct ecc_user *u, const cJSON *alert)
{
	const char *subject = NULL, *assignee = NULL, *to = NULL;
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16],
	    number[ECC_CASE_NUMBER_MAX];
	int64_t id;

	if (ecc_json_get_string(alert, "subject", &subject) != ECC_OK ||
	    sscanf(subject, "case:%" SCNd64, &id) != 1)
		return false;
	if ((ecc_json_get_string(alert, "assignee", &assignee) == ECC_OK &&
	     !strcmp(assignee, u->username)) ||
	    (ecc_json_get_string(alert, "escalate_to", &to) == ECC_OK && !strcmp(to, u->username)))
		return true;
	return c && cases__head(c, id, judge, team, status, number) == ECC_OK &&
	       ecc_case_visible(u, judge, team);
}
