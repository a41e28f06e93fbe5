/* caseflow: the cases module's lifecycle (calendar, scan timer), triage,
 * closing (with the conditions of 终本) and team leaders. */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "hub.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* ---- calendar ----------------------------------------------------------- */

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *cases__calendar_signature(const char *dir)
{
	GString *sig = g_string_new(NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;

	if (!d)
		return g_string_free(sig, FALSE);
	while ((n = g_dir_read_name(d)))
		if (g_str_has_suffix(n, ".json"))
			g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++) {
		char *p = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
		GStatBuf st;
		if (g_stat(p, &st) == 0)
			g_string_append_printf(sig, "%s:%lld:%lld.%09ld;",
			                       (char *)g_ptr_array_index(names, i),
			                       (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			                       st.st_mtim.tv_nsec);
		g_free(p);
	}
	g_ptr_array_unref(names);
	return g_string_free(sig, FALSE);
}

const ecc_calendar *ecc_cases_calendar(const ecc_cases *c)
{
	return c->cal;
}

int ecc_cases_reload_calendar(ecc_cases *c, const char *actor, int *changed,
                              char why[ECC_CASES_WHY])
{
	char cwhy[ECC_CALENDAR_WHY] = "";
	char *sig = cases__calendar_signature(c->cfg->cases_calendars);
	ecc_calendar *cal = NULL;
	gint64 t0 = ecc_mono_ms();
	int n = 0, rc;

	/* The signature moves on, even for a bad file: it is reported once,
	 * not at every scan. */
	g_free(c->cal_sig);
	c->cal_sig = sig;
	rc = ecc_calendar_load(c->cfg->cases_calendars, &cal, cwhy);
	if (rc != ECC_OK) {
		cases__why(why, "%s", cwhy);
		return rc == ECC_ERR_IO ? ECC_ERR_IO : ECC_ERR_INVAL;
	}
	ecc_calendar_free(c->cal);
	c->cal = cal;
	rc = ecc_cases_recompute(c, &n);
	if (changed)
		*changed = n;
	g_message("calendar %s loaded (%s): %d open deadlines changed in %" G_GINT64_FORMAT " ms",
	          c->cfg->cases_calendars, ecc_calendar_fingerprint(cal), n, ecc_mono_ms() - t0);
	if (rc == ECC_OK) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "fingerprint", ecc_calendar_fingerprint(cal));
		cJSON_AddNumberToObject(d, "changed", n);
		cases__audit(c, actor, "calendar.reload", c->cfg->cases_calendars, d, NULL);
		cJSON_Delete(d);
	}
	return rc;
}

static gboolean scan_cb(gpointer data)
{
	ecc_cases_scan(data);
	return G_SOURCE_CONTINUE;
}

static gboolean hup_cb(gpointer data)
{
	char why[ECC_CASES_WHY];

	if (ecc_cases_reload_calendar(data, "system", NULL, why) != ECC_OK)
		g_warning("SIGHUP: the calendar was not reloaded: %s", why);
	return G_SOURCE_CONTINUE;
}

ecc_cases *cases__open(ecc_store *st, const struct ecc_config *cfg, ecc_alerts *alerts,
                       char why[ECC_CASES_WHY])
{
	ecc_cases *c = g_new0(ecc_cases, 1);
	char cwhy[ECC_CALENDAR_WHY] = "";
	int rc;

	c->st = st;
	c->cfg = cfg;
	c->alerts = alerts;
	c->cal_sig = cases__calendar_signature(cfg->cases_calendars);
	rc = ecc_calendar_load(cfg->cases_calendars, &c->cal, cwhy);
	if (rc == ECC_ERR_IO) {
		/* No folder: every deadline is provisional, said loudly. */
		g_warning("%s: every deadline is provisional until [cases] calendars names the"
		          " holiday calendar folder",
		          cwhy);
		c->cal = ecc_calendar_new();
	} else if (rc != ECC_OK) {
		cases__why(why, "[cases] calendars: %s", cwhy);
		g_free(c->cal_sig);
		g_free(c);
		return NULL;
	}
	return c;
}

ecc_cases *ecc_cases_new(struct ecc_hub *hub, char why[ECC_CASES_WHY])
{
	ecc_cases *c = cases__open(hub->store, hub->cfg, hub->alerts, why);
	int n = 0;

	if (!c)
		return NULL;
	/* A calendar file may have changed while the hub was down. */
	if (ecc_cases_recompute(c, &n) != ECC_OK) {
		cases__why(why, "could not recompute the deadlines");
		ecc_cases_free(c);
		return NULL;
	}
	g_message("calendar %s (%s): %d open deadlines changed at start", hub->cfg->cases_calendars,
	          ecc_calendar_fingerprint(c->cal), n);
	ecc_cases_scan(c);
	c->scan_id = g_timeout_add_seconds((guint)hub->cfg->cases_scan_seconds, scan_cb, c);
	c->hup_id = g_unix_signal_add(SIGHUP, hup_cb, c);
	return c;
}

void ecc_cases_free(ecc_cases *c)
{
	if (!c)
		return;
	if (c->scan_id)
		g_source_remove(c->scan_id);
	if (c->hup_id)
		g_source_remove(c->hup_id);
	ecc_calendar_free(c->cal);
	g_free(c->cal_sig);
	g_free(c);
}

/* ---- triage and closing ------------------------------------------------- */

static int scoped_head(ecc_cases *c, const struct ecc_user *u, int64_t id,
                       char number[ECC_CASE_NUMBER_MAX], char status[16])
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1];
	int rc = cases__head(c, id, judge, team, status, number);

	if (rc == ECC_OK && !ecc_case_visible(u, judge, team))
		rc = ECC_ERR_FORBIDDEN;
	return rc;
}

/* Runs sql (binding ?1 = text, ?2 = user, ?3 = now, ?4 = id) and audits. */
static int change(ecc_cases *c, const struct ecc_user *u, int64_t id, sqlite3_stmt *s,
                  const char *action, cJSON *detail, const char *ip)
{
	char target[32];
	int rc;

	if (!s) {
		cJSON_Delete(detail);
		return ECC_ERR_DB;
	}
	if (ecc_store_begin(c->st, true) != ECC_OK) {
		sqlite3_reset(s);
		cJSON_Delete(detail);
		return ECC_ERR_DB;
	}
	rc = ecc_store_run(c->st, s);
	g_snprintf(target, sizeof(target), "case:%" G_GINT64_FORMAT, id);
	if (rc == ECC_OK)
		rc = cases__audit(c, u->username, action, target, detail, ip);
	cJSON_Delete(detail);
	if (rc != ECC_OK) {
		ecc_store_rollback(c->st);
		return rc;
	}
	return ecc_store_commit(c->st);
}

int ecc_cases_triage(ecc_cases *c, const struct ecc_user *u, int64_t id, const char *triage,
                     const char *ip, char why[ECC_CASES_WHY])
{
	char number[ECC_CASE_NUMBER_MAX], status[16];
	int rc = scoped_head(c, u, id, number, status);
	sqlite3_stmt *s;
	cJSON *d;

	if (rc != ECC_OK)
		return rc;
	if (!triage || (strcmp(triage, "simple") && strcmp(triage, "complex"))) {
		cases__why(why, "\"triage\" is \"simple\" (简案) or \"complex\" (繁案)");
		return ECC_ERR_INVAL;
	}
	s = ecc_store_stmt(c->st, "UPDATE cases SET triage = ?1, triage_by = ?2, triage_at = ?3,"
	                          " updated_at = ?3 WHERE id = ?4");
	if (s) {
		ecc_store_bind_text(s, 1, triage);
		ecc_store_bind_text(s, 2, u->username);
		sqlite3_bind_int64(s, 3, ecc_now_ms());
		sqlite3_bind_int64(s, 4, id);
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "number", number);
	cJSON_AddStringToObject(d, "triage", triage);
	return change(c, u, id, s, "case.triage", d, ip);
}

/* The date three months before day (a closing condition's window). */
static void months_before(uint32_t day, int months, char out[ECC_DATE_LEN])
{
	GDate g;

	g_date_clear(&g, 1);
	g_date_set_julian(&g, day);
	g_date_subtract_months(&g, (guint)months);
	ecc_date_format(g_date_get_julian(&g), out);
}

cJSON *ecc_cases_closing_check(ecc_cases *c, int64_t id)
{
	static const struct {
		const char *code;
		const char *name;
		const char *codes; /* node codes that satisfy it, as an SQL list */
		bool recent;       /* done within the last 3 months */
	} conds[] = {
	    {"online_inquiry_3m", "近3个月内网络查控", "online_inquiry,online_inquiry_again", true},
	    {"traditional_inquiry", "已完成传统查控", "traditional_inquiry", false},
	    {"interview", "已约谈申请执行人", "interview", false},
	    {"consumption_order", "已发出限制消费令", "consumption_order", false},
	};
	cJSON *arr = cJSON_CreateArray();
	char since[ECC_DATE_LEN];

	months_before(ecc_date_today(), 3, since);
	for (size_t i = 0; i < G_N_ELEMENTS(conds); i++) {
		sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT max(done_on) FROM case_nodes WHERE"
		                                        " case_id = ?1 AND state = 'done' AND"
		                                        " instr(',' || ?2 || ',', ',' || code ||"
		                                        " ',') > 0");
		cJSON *o = cJSON_CreateObject();
		const char *last = NULL;
		bool met = false;

		if (s) {
			sqlite3_bind_int64(s, 1, id);
			ecc_store_bind_text(s, 2, conds[i].codes);
			if (ecc_store_step(c->st, s) == SQLITE_ROW &&
			    sqlite3_column_type(s, 0) != SQLITE_NULL) {
				last = ecc_store_column_text(s, 0);
				met = !conds[i].recent || strcmp(last, since) >= 0;
			}
		}
		cJSON_AddStringToObject(o, "code", conds[i].code);
		cJSON_AddStringToObject(o, "name", conds[i].name);
		cJSON_AddBoolToObject(o, "met", met);
		if (last)
			cJSON_AddStringToObject(o, "last", last);
		else
			cJSON_AddNullToObject(o, "last");
		if (s)
			sqlite3_reset(s);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

int ecc_cases_close(ecc_cases *c, const struct ecc_user *u, int64_t id, const char *kind,
                    const char *on, const char *ip, char why[ECC_CASES_WHY])
{
	char number[ECC_CASE_NUMBER_MAX], status[16], day[ECC_DATE_LEN], target[32];
	int rc = scoped_head(c, u, id, number, status);
	sqlite3_stmt *s;
	cJSON *d;

	if (rc != ECC_OK)
		return rc;
	if (!kind ||
	    (strcmp(kind, "completed") && strcmp(kind, "terminated") && strcmp(kind, "other"))) {
		cases__why(why, "\"kind\" is completed (执行完毕), terminated (终本) or other");
		return ECC_ERR_INVAL;
	}
	if (strcmp(status, "open")) {
		cases__why(why, "the case is closed already");
		return ECC_ERR_EXISTS;
	}
	if (!on || !*on)
		ecc_date_format(ecc_date_today(), day);
	else if (cases__date(on, day) != ECC_OK) {
		cases__why(why, "\"on\" must be a date (YYYY-MM-DD)");
		return ECC_ERR_INVAL;
	}
	if (!strcmp(kind, "terminated")) {
		cJSON *chk = ecc_cases_closing_check(c, id), *e;
		GString *missing = g_string_new(NULL);
		cJSON_ArrayForEach(e, chk)
		{
			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "met")))
				g_string_append_printf(
				    missing, "%s%s", missing->len ? "、" : "",
				    cJSON_GetStringValue(
				        cJSON_GetObjectItemCaseSensitive(e, "name")));
		}
		cJSON_Delete(chk);
		if (missing->len) {
			cases__why(why, "终本结案条件未满足：%s", missing->str);
			g_string_free(missing, TRUE);
			return ECC_ERR_EXISTS;
		}
		g_string_free(missing, TRUE);
	}
	if (ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(c->st, "UPDATE cases SET status = 'closed', close_kind = ?1,"
	                          " closed_on = ?2, updated_at = ?3 WHERE id = ?4");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, kind);
		ecc_store_bind_text(s, 2, day);
		sqlite3_bind_int64(s, 3, ecc_now_ms());
		sqlite3_bind_int64(s, 4, id);
		rc = ecc_store_run(c->st, s);
	}
	if (rc == ECC_OK)
		rc = cases__nodes_void(c, id);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "number", number);
	cJSON_AddStringToObject(d, "kind", kind);
	cJSON_AddStringToObject(d, "on", day);
	g_snprintf(target, sizeof(target), "case:%" G_GINT64_FORMAT, id);
	if (rc == ECC_OK)
		rc = cases__audit(c, u->username, "case.close", target, d, ip);
	cJSON_Delete(d);
	if (rc != ECC_OK) {
		ecc_store_rollback(c->st);
		return rc;
	}
	return ecc_store_commit(c->st);
}

/* ---- team leaders ------------------------------------------------------- */

cJSON *ecc_cases_teams(ecc_cases *c)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    c->st, "SELECT t.team, coalesce(l.leader, ''), coalesce((SELECT display_name FROM"
	           " users WHERE username = l.leader), ''), t.open FROM (SELECT team, count(*) AS"
	           " open FROM cases WHERE status = 'open' GROUP BY team UNION SELECT team, 0 FROM"
	           " case_teams WHERE team NOT IN (SELECT team FROM cases WHERE status = 'open'))"
	           " t LEFT JOIN case_teams l ON l.team = t.team ORDER BY t.team");
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "teams");

	while (s && ecc_store_step(c->st, s) == SQLITE_ROW) {
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "team", ecc_store_column_text(s, 0));
		cJSON_AddStringToObject(t, "leader", ecc_store_column_text(s, 1));
		cJSON_AddStringToObject(t, "leader_name", ecc_store_column_text(s, 2));
		cJSON_AddNumberToObject(t, "open_cases", sqlite3_column_int(s, 3));
		cJSON_AddItemToArray(arr, t);
	}
	if (s)
		sqlite3_reset(s);
	return o;
}

int ecc_cases_team_set(ecc_cases *c, const char *team, const char *leader, const char *actor,
                       const char *ip, char why[ECC_CASES_WHY])
{
	sqlite3_stmt *s;
	cJSON *d;
	int rc;

	if (!team || !*team || strlen(team) > ECC_NAME_MAX || !leader ||
	    strlen(leader) > ECC_NAME_MAX) {
		cases__why(why, "a team and its leader's user name");
		return ECC_ERR_INVAL;
	}
	s = ecc_store_stmt(c->st, "SELECT 1 FROM users WHERE username = ?");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, leader);
	rc = ecc_store_step(c->st, s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		cases__why(why, "no user named \"%s\"", leader);
		return ECC_ERR_INVAL;
	}
	if (ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(c->st, "INSERT INTO case_teams(team, leader) VALUES(?1, ?2)"
	                          " ON CONFLICT(team) DO UPDATE SET leader = ?2");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, team);
		ecc_store_bind_text(s, 2, leader);
		rc = ecc_store_run(c->st, s);
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "leader", leader);
	if (rc == ECC_OK)
		rc = cases__audit(c, actor, "case.team_leader", team, d, ip);
	cJSON_Delete(d);
	if (rc != ECC_OK) {
		ecc_store_rollback(c->st);
		return rc;
	}
	return ecc_store_commit(c->st);
}
