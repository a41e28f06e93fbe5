/* upreports: reports up to named leaders, acknowledgments, escalation. */
#define G_LOG_DOMAIN "ecc-upreports"

#include "upreports.h"
#include "alert.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <glib.h>
#include <math.h>
#include <string.h>

struct ecc_upreports {
	struct ecc_hub *hub;
	ecc_store *st;
	guint tick_id;
};

static void why_set(char *why, const char *msg)
{
	if (why)
		g_strlcpy(why, msg, 128);
}

static void add_opt_int(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(s, i));
}

static cJSON *leaders_json(ecc_upreports *up, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(up->st, "SELECT leader, told_at, acked_at, reply,"
	                                         " escalated_at, alert_id FROM upreport_leaders"
	                                         " WHERE report_id = ? ORDER BY rowid");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(up->st, s) == SQLITE_ROW) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddStringToObject(l, "leader", ecc_store_column_text(s, 0));
		add_opt_int(l, "told_at", s, 1);
		add_opt_int(l, "acked_at", s, 2);
		if (sqlite3_column_type(s, 3) == SQLITE_NULL)
			cJSON_AddNullToObject(l, "reply");
		else
			cJSON_AddStringToObject(l, "reply", ecc_store_column_text(s, 3));
		add_opt_int(l, "escalated_at", s, 4);
		add_opt_int(l, "alert", s, 5);
		cJSON_AddItemToArray(arr, l);
	}
	sqlite3_reset(s);
	return arr;
}

#define REPORT_COLS "id, text, urgency, created_by, created_at"

static cJSON *row_json(ecc_upreports *up, sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject(), *leaders, *l;
	int64_t id = sqlite3_column_int64(s, 0);
	int n = 0, acked = 0;

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "text", ecc_store_column_text(s, 1));
	cJSON_AddStringToObject(o, "urgency", ecc_store_column_text(s, 2));
	cJSON_AddStringToObject(o, "created_by", ecc_store_column_text(s, 3));
	cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(s, 4));
	leaders = leaders_json(up, id);
	cJSON_ArrayForEach(l, leaders)
	{
		n++;
		acked += cJSON_IsNumber(cJSON_GetObjectItem(l, "acked_at"));
	}
	cJSON_AddItemToObject(o, "leaders", leaders);
	cJSON_AddStringToObject(o, "state", acked == n ? "acked" : acked ? "partly_acked" : "told");
	return o;
}

cJSON *ecc_upreports_get(ecc_upreports *up, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(up->st, "SELECT " REPORT_COLS " FROM upreports WHERE id = ?");
	cJSON *o = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(up->st, s) == SQLITE_ROW)
		o = row_json(up, s);
	sqlite3_reset(s);
	return o;
}

static bool is_leader(const cJSON *report, const char *username)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, cJSON_GetObjectItem(report, "leaders"))
	{
		const char *name = NULL;
		if (ecc_json_get_string(l, "leader", &name) == ECC_OK && !strcmp(name, username))
			return true;
	}
	return false;
}

bool ecc_upreports_visible(const cJSON *report, const struct ecc_user *u)
{
	const char *by = NULL;

	if (ECC_ROLE_BIT(u->role) & ECC_ROLES_CENTER)
		return true;
	if (ecc_json_get_string(report, "created_by", &by) == ECC_OK && !strcmp(by, u->username))
		return true;
	return is_leader(report, u->username);
}

cJSON *ecc_upreports_list(ecc_upreports *up, const struct ecc_user *user, int64_t before, int limit)
{
	sqlite3_stmt *s = ecc_store_stmt(up->st, "SELECT " REPORT_COLS " FROM upreports"
	                                         " WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC");
	cJSON *arr = cJSON_CreateArray();
	int n = 0;

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, before);
	while (n < limit && ecc_store_step(up->st, s) == SQLITE_ROW) {
		cJSON *o = row_json(up, s);
		if (ecc_upreports_visible(o, user)) {
			cJSON_AddItemToArray(arr, o);
			n++;
		} else {
			cJSON_Delete(o);
		}
	}
	sqlite3_reset(s);
	return arr;
}

static void audit(ecc_upreports *up, const char *actor, const char *action, int64_t id,
                  const char *detail, const char *ip)
{
	ecc_audit_about(up->st, actor, action, "report", id, detail, ip);
}

/* Tells the WebSocket (the `dispatch` channel) the report's state. */
static void announce(ecc_upreports *up, int64_t id)
{
	ecc_events_emit_item(up->hub->events, ECC_EV_DISPATCH, "report", ecc_upreports_get(up, id));
}

int ecc_upreports_create(ecc_upreports *up, const char *text, const cJSON *leaders,
                         const char *urgency, const char *actor, const char *ip, int64_t *id_out,
                         char *why)
{
	const cJSON *l;
	struct ecc_user user;
	sqlite3_stmt *s;
	int64_t id, now = ecc_now_ms();
	int n = 0, rc;
	char *detail;

	if (!urgency)
		urgency = "normal";
	if (!text || !*text || strlen(text) > 4000 || !g_utf8_validate(text, -1, NULL)) {
		why_set(why, "text is required (at most 4000 bytes of UTF-8)");
		return ECC_ERR_INVAL;
	}
	if (strcmp(urgency, "normal") && strcmp(urgency, "urgent")) {
		why_set(why, "urgency is normal or urgent");
		return ECC_ERR_INVAL;
	}
	if (!cJSON_IsArray(leaders) || cJSON_GetArraySize(leaders) < 1 ||
	    cJSON_GetArraySize(leaders) > ECC_UPREPORT_LEADERS_MAX) {
		why_set(why, "leaders must be an array of 1 to 20 usernames");
		return ECC_ERR_INVAL;
	}
	cJSON_ArrayForEach(l, leaders)
	{
		if (!cJSON_IsString(l)) {
			why_set(why, "leaders must be an array of 1 to 20 usernames");
			return ECC_ERR_INVAL;
		}
		if (ecc_auth_user_get(up->hub->auth, l->valuestring, &user) != ECC_OK ||
		    user.role == ECC_ROLE_GUEST) {
			why_set(why, "a leader named is not a user");
			return ECC_ERR_NOTFOUND;
		}
	}
	if (ecc_store_begin(up->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(up->st, "INSERT INTO upreports(text, urgency, created_by, created_at)"
	                           " VALUES(?,?,?,?)");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, text);
		ecc_store_bind_text(s, 2, urgency);
		ecc_store_bind_text(s, 3, actor);
		sqlite3_bind_int64(s, 4, now);
		rc = ecc_store_run(up->st, s);
	}
	id = sqlite3_last_insert_rowid(ecc_store_db(up->st));
	cJSON_ArrayForEach(l, leaders)
	{
		if (rc != ECC_OK)
			break;
		s = ecc_store_stmt(up->st, "INSERT OR IGNORE INTO upreport_leaders(report_id,"
		                           " leader, told_at) VALUES(?,?,?)");
		if (!s) {
			rc = ECC_ERR_DB;
			break;
		}
		sqlite3_bind_int64(s, 1, id);
		ecc_store_bind_text(s, 2, l->valuestring);
		sqlite3_bind_int64(s, 3, now);
		rc = ecc_store_run(up->st, s);
		n++;
	}
	if (rc == ECC_OK) {
		detail = g_strdup_printf("{\"leaders\":%d}", n);
		audit(up, actor, "report.create", id, detail, ip);
		g_free(detail);
	}
	if (rc != ECC_OK) {
		ecc_store_rollback(up->st);
		return rc;
	}
	if ((rc = ecc_store_commit(up->st)) != ECC_OK)
		return rc;
	g_message("report=%" G_GINT64_FORMAT ": up to %d leaders by %s", id, n, actor);
	if (id_out)
		*id_out = id;
	announce(up, id);
	return ECC_OK;
}

int ecc_upreports_ack(ecc_upreports *up, int64_t id, const struct ecc_user *user, const char *reply,
                      const char *ip)
{
	cJSON *r = ecc_upreports_get(up, id);
	sqlite3_stmt *s;
	char *subject;
	int rc;

	if (!r)
		return ECC_ERR_NOTFOUND;
	rc = is_leader(r, user->username) ? ECC_OK : ECC_ERR_FORBIDDEN;
	cJSON_Delete(r);
	if (rc != ECC_OK)
		return rc;
	if (reply && (strlen(reply) > 2000 || !g_utf8_validate(reply, -1, NULL)))
		return ECC_ERR_INVAL;
	if (ecc_store_begin(up->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(up->st, "UPDATE upreport_leaders SET acked_at = ?, reply = ?"
	                           " WHERE report_id = ? AND leader = ? AND acked_at IS NULL");
	rc = ECC_ERR_DB;
	if (s) {
		sqlite3_bind_int64(s, 1, ecc_now_ms());
		ecc_store_bind_text(s, 2, reply);
		sqlite3_bind_int64(s, 3, id);
		ecc_store_bind_text(s, 4, user->username);
		rc = ecc_store_run(up->st, s);
	}
	if (rc != ECC_OK) {
		ecc_store_rollback(up->st);
		return ECC_ERR_DB;
	}
	if (!sqlite3_changes(ecc_store_db(up->st))) {
		ecc_store_rollback(up->st);
		return ECC_ERR_EXISTS;
	}
	audit(up, user->username, "report.ack", id, NULL, ip);
	if (ecc_store_commit(up->st) != ECC_OK)
		return ECC_ERR_DB;
	subject = g_strdup_printf("report:%" G_GINT64_FORMAT "/leader:%s", id, user->username);
	ecc_alerts_clear_subject(up->hub->alerts, subject);
	g_free(subject);
	announce(up, id);
	return ECC_OK;
}

void ecc_upreports_tick(ecc_upreports *up)
{
	int64_t now = ecc_now_ms();
	sqlite3_stmt *s = ecc_store_stmt(up->st, "SELECT l.report_id, l.leader, r.text"
	                                         " FROM upreport_leaders l JOIN upreports r ON"
	                                         " r.id = l.report_id WHERE l.acked_at IS NULL"
	                                         " AND l.escalated_at IS NULL AND l.told_at <= ?"
	                                         " ORDER BY l.report_id LIMIT 100");
	GPtrArray *due = g_ptr_array_new_with_free_func(g_free);

	if (!s) {
		g_ptr_array_unref(due);
		return;
	}
	sqlite3_bind_int64(s, 1, now - (int64_t)up->hub->cfg->reports_escalate_after * 1000);
	while (ecc_store_step(up->st, s) == SQLITE_ROW)
		g_ptr_array_add(due, g_strdup_printf("%" G_GINT64_FORMAT "\t%s\t%s",
		                                     (gint64)sqlite3_column_int64(s, 0),
		                                     ecc_store_column_text(s, 1),
		                                     ecc_store_column_text(s, 2)));
	sqlite3_reset(s);
	for (guint i = 0; i < due->len; i++) {
		char **f = g_strsplit(g_ptr_array_index(due, i), "\t", 3);
		int64_t id = g_ascii_strtoll(f[0], NULL, 10), alert = 0;
		char *subject = g_strdup_printf("report:%s/leader:%s", f[0], f[1]);
		char *msg = g_strdup_printf("上报未确认 (%s): %s", f[1], f[2]);
		struct ecc_alert_spec sp = {.kind = "report_unacked",
		                            .severity = ECC_SEV_HIGH,
		                            .message = msg,
		                            .lat = NAN,
		                            .lon = NAN,
		                            .assignee = f[1],
		                            .subject = subject};

		ecc_alerts_raise(up->hub->alerts, &sp, &alert);
		s = ecc_store_stmt(up->st, "UPDATE upreport_leaders SET escalated_at = ?,"
		                           " alert_id = ? WHERE report_id = ? AND leader = ?");
		if (s) {
			sqlite3_bind_int64(s, 1, now);
			sqlite3_bind_int64(s, 2, alert);
			sqlite3_bind_int64(s, 3, id);
			ecc_store_bind_text(s, 4, f[1]);
			ecc_store_run(up->st, s);
		}
		g_message("report=%s leader=%s: not acknowledged in %d s, alert %" G_GINT64_FORMAT,
		          f[0], f[1], up->hub->cfg->reports_escalate_after, alert);
		audit(up, "system", "report.escalate", id, subject, NULL);
		announce(up, id);
		g_free(subject);
		g_free(msg);
		g_strfreev(f);
	}
	g_ptr_array_unref(due);
}

static gboolean tick_cb(gpointer data)
{
	ecc_upreports_tick(data);
	return G_SOURCE_CONTINUE;
}

ecc_upreports *ecc_upreports_new(struct ecc_hub *hub)
{
	ecc_upreports *up = g_new0(ecc_upreports, 1);

	up->hub = hub;
	up->st = hub->store;
	up->tick_id = g_timeout_add_seconds(1, tick_cb, up);
	return up;
}

void ecc_upreports_free(ecc_upreports *up)
{
	if (!up)
		return;
	if (up->tick_id)
		g_source_remove(up->tick_id);
	g_free(up);
}
