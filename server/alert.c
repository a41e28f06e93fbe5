/* alert: the alert table, the event-kind table and escalation. */
#define G_LOG_DOMAIN "ecc-alert"

#include "alert.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib.h>
#include <math.h>
#include <string.h>

struct ecc_alerts {
	ecc_store *st;
	const struct ecc_config *cfg;
	ecc_events *ev;
	guint tick_id;
	ecc_alerts_who_fn who; /* the duty roster: who gets an alert, who it climbs to */
	void *who_data;
	ecc_alerts_op_fn op_of; /* the operation a unit is on */
	void *op_data;
};

void ecc_alerts_set_operation_fn(ecc_alerts *a, ecc_alerts_op_fn fn, void *data)
{
	a->op_of = fn;
	a->op_data = data;
}

void ecc_alerts_set_router(ecc_alerts *a, ecc_alerts_who_fn who, void *data)
{
	a->who = who;
	a->who_data = data;
}

static char *who(ecc_alerts *a, const char *role)
{
	return a->who ? a->who(a->who_data, role) : NULL;
}

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *ecc_severity_name(enum ecc_severity s)
{
	return (unsigned)s <= ECC_SEV_CRITICAL ? severity_names[s] : "info";
}

/* Device event kinds: which become alerts, how severe, and what they say. */
static const struct event_kind {
	const char *kind;
	enum ecc_severity severity;
	bool alert;
	const char *message;
} event_kinds[] = {
    {"sos", ECC_SEV_CRITICAL, true, "紧急求助 SOS"},
    {"rec_start", ECC_SEV_HIGH, true, "开始执法记录"},
    {"rec_stop", ECC_SEV_INFO, true, "停止执法记录"},
    {"battery_low", ECC_SEV_MEDIUM, true, "电量低"},
    {"fall", ECC_SEV_CRITICAL, true, "跌倒检测"},
    {"tamper", ECC_SEV_HIGH, true, "设备被拆卸"},
    {"sos_cancel", ECC_SEV_INFO, true, "取消紧急求助"},
    {"heartbeat", ECC_SEV_INFO, false, NULL},
    {NULL, ECC_SEV_LOW, true, "设备事件"}, /* any other kind */
};

/* ---- JSON of a row ------------------------------------------------------ */

#define ALERT_COLS                                                                                 \
	"id, ts, unit_id, kind, severity, state, message, device_ts, lat, lon, acked_by,"          \
	" acked_at, escalated_at, cleared_at, assignee, escalate_to, subject, operation_id"

static cJSON *row_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddNumberToObject(o, "ts", (double)sqlite3_column_int64(s, 1));
	if (sqlite3_column_type(s, 2) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "unit");
	else
		cJSON_AddStringToObject(o, "unit", ecc_store_column_text(s, 2));
	cJSON_AddStringToObject(o, "kind", ecc_store_column_text(s, 3));
	cJSON_AddStringToObject(o, "severity", ecc_store_column_text(s, 4));
	cJSON_AddStringToObject(o, "state", ecc_store_column_text(s, 5));
	cJSON_AddStringToObject(o, "message", ecc_store_column_text(s, 6));
	ecc_store_json_int(o, "device_ts", s, 7);
	if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
		cJSON_AddNumberToObject(o, "lat", sqlite3_column_double(s, 8));
		cJSON_AddNumberToObject(o, "lon", sqlite3_column_double(s, 9));
	}
	if (sqlite3_column_type(s, 10) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "acked_by");
	else
		cJSON_AddStringToObject(o, "acked_by", ecc_store_column_text(s, 10));
	ecc_store_json_int(o, "acked_at", s, 11);
	ecc_store_json_int(o, "escalated_at", s, 12);
	if (sqlite3_column_type(s, 12) != SQLITE_NULL)
		cJSON_AddStringToObject(o, "escalated_to",
		                        sqlite3_column_type(s, 15) == SQLITE_NULL
		                            ? "commander"
		                            : ecc_store_column_text(s, 15));
	ecc_store_json_int(o, "cleared_at", s, 13);
	if (sqlite3_column_type(s, 14) != SQLITE_NULL)
		cJSON_AddStringToObject(o, "assignee", ecc_store_column_text(s, 14));
	if (sqlite3_column_type(s, 15) != SQLITE_NULL)
		cJSON_AddStringToObject(o, "escalate_to", ecc_store_column_text(s, 15));
	if (sqlite3_column_type(s, 16) != SQLITE_NULL)
		cJSON_AddStringToObject(o, "subject", ecc_store_column_text(s, 16));
	if (sqlite3_column_type(s, 17) != SQLITE_NULL)
		cJSON_AddNumberToObject(o, "operation", (double)sqlite3_column_int64(s, 17));
	return o;
}

cJSON *ecc_alerts_get(ecc_alerts *a, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?");
	cJSON *o = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(a->st, s) == SQLITE_ROW)
		o = row_json(s);
	sqlite3_reset(s);
	return o;
}

static void announce(ecc_alerts *a, int64_t id)
{
	cJSON *o = ecc_alerts_get(a, id);

	if (o) {
		ecc_events_emit(a->ev, ECC_EV_ALERT, o);
		cJSON_Delete(o);
	}
}

/* ---- raise, clear, ack -------------------------------------------------- */

int ecc_alerts_raise(ecc_alerts *a, const struct ecc_alert_spec *sp, int64_t *id_out)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "INSERT INTO alerts(ts, unit_id, kind, severity,"
	                                        " message, device_ts, lat, lon, assignee,"
	                                        " escalate_to, subject, operation_id)"
	                                        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
	char *assigned;
	int64_t id, op;

	if (!s)
		return ECC_ERR_DB;
	/* a named person (a case's judge), else whoever is on duty now */
	assigned = sp->assignee ? g_strdup(sp->assignee) : who(a, "duty");
	sqlite3_bind_int64(s, 1, ecc_now_ms());
	ecc_store_bind_text(s, 2, sp->unit);
	ecc_store_bind_text(s, 3, sp->kind);
	ecc_store_bind_text(s, 4, ecc_severity_name(sp->severity));
	ecc_store_bind_text(s, 5, sp->message ? sp->message : "");
	if (sp->device_ts)
		sqlite3_bind_int64(s, 6, sp->device_ts);
	else
		sqlite3_bind_null(s, 6);
	ecc_store_bind_real_or_null(s, 7, sp->lat);
	ecc_store_bind_real_or_null(s, 8, sp->lon);
	ecc_store_bind_text(s, 9, assigned);
	g_free(assigned);
	ecc_store_bind_text(s, 10, sp->escalate_to);
	ecc_store_bind_text(s, 11, sp->subject);
	op = sp->unit && a->op_of ? a->op_of(a->op_data, sp->unit) : 0;
	if (op > 0)
		sqlite3_bind_int64(s, 12, op);
	else
		sqlite3_bind_null(s, 12);
	/* Alerts are evidence of what the center was told: durable. */
	if (ecc_store_begin(a->st, true) != ECC_OK)
		return ECC_ERR_DB;
	if (ecc_store_run(a->st, s) != ECC_OK) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	id = sqlite3_last_insert_rowid(ecc_store_db(a->st));
	if (ecc_store_commit(a->st) != ECC_OK)
		return ECC_ERR_DB;
	g_message("unit=%s alert=%" G_GINT64_FORMAT ": %s (%s)", sp->unit ? sp->unit : "-", id,
	          sp->kind, ecc_severity_name(sp->severity));
	if (id_out)
		*id_out = id;
	announce(a, id);
	return ECC_OK;
}

int ecc_alerts_from_event(ecc_alerts *a, const char *unit, const struct ecc_event *e)
{
	const struct event_kind *k = event_kinds;
	struct ecc_alert_spec sp;
	char *msg;
	int rc;

	while (k->kind && strcmp(k->kind, e->kind) != 0)
		k++;
	if (!k->alert)
		return ECC_ERR_IGNORED;
	msg = e->text[0] ? g_strdup_printf("%s: %s", k->message, e->text) : g_strdup(k->message);
	sp = (struct ecc_alert_spec){
	    .kind = e->kind,
	    .severity = k->severity,
	    .unit = unit,
	    .message = msg,
	    .device_ts = e->ts,
	    .lat = e->lat,
	    .lon = e->lon,
	};
	rc = ecc_alerts_raise(a, &sp, NULL);
	g_free(msg);
	return rc;
}

/* Clears the alerts that the prepared, bound SELECT s (of ids) finds. */
static int clear_found(ecc_alerts *a, sqlite3_stmt *s)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int rc = ECC_OK;

	while (ecc_store_step(a->st, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < ids->len && rc == ECC_OK; i++) {
		int64_t id = g_array_index(ids, int64_t, i);
		s = ecc_store_stmt(a->st, "UPDATE alerts SET state = 'cleared', cleared_at = ?"
		                          " WHERE id = ?");
		if (!s) {
			rc = ECC_ERR_DB;
			break;
		}
		sqlite3_bind_int64(s, 1, ecc_now_ms());
		sqlite3_bind_int64(s, 2, id);
		rc = ecc_store_run(a->st, s);
		if (rc == ECC_OK)
			announce(a, id);
	}
	g_array_free(ids, TRUE);
	return rc;
}

int ecc_alerts_clear(ecc_alerts *a, const char *unit, const char *kind)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT id FROM alerts WHERE unit_id IS ? AND"
	                                        " kind = ? AND state != 'cleared'");

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, unit);
	ecc_store_bind_text(s, 2, kind);
	return clear_found(a, s);
}

int ecc_alerts_clear_subject(ecc_alerts *a, const char *subject)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT id FROM alerts WHERE subject = ? AND"
	                                        " state != 'cleared'");

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, subject);
	return clear_found(a, s);
}

int ecc_alerts_set_message(ecc_alerts *a, int64_t id, const char *message)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "UPDATE alerts SET message = ? WHERE id = ? AND"
	                                        " state != 'cleared'");

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, message);
	sqlite3_bind_int64(s, 2, id);
	if (ecc_store_run(a->st, s) != ECC_OK)
		return ECC_ERR_DB;
	if (!sqlite3_changes(ecc_store_db(a->st)))
		return ECC_ERR_NOTFOUND;
	announce(a, id);
	return ECC_OK;
}

int ecc_alerts_ack(ecc_alerts *a, int64_t id, const char *user, const char *ip)
{
	struct ecc_audit_entry e = {.actor = user, .action = "alert.ack", .ip = ip};
	char target[32];
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT state FROM alerts WHERE id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(a->st, s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
	}
	rc = !strcmp(ecc_store_column_text(s, 0), "acked") ? ECC_ERR_EXISTS : ECC_OK;
	sqlite3_reset(s);
	if (rc != ECC_OK)
		return rc;
	if (ecc_store_begin(a->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(a->st, "UPDATE alerts SET state = 'acked', acked_by = ?, acked_at = ?"
	                          " WHERE id = ?");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, user);
		sqlite3_bind_int64(s, 2, ecc_now_ms());
		sqlite3_bind_int64(s, 3, id);
		rc = ecc_store_run(a->st, s);
	}
	g_snprintf(target, sizeof(target), "alert:%" G_GINT64_FORMAT, id);
	e.target = target;
	if (rc == ECC_OK)
		rc = ecc_audit_append(a->st, &e, NULL);
	if (rc != ECC_OK) {
		ecc_store_rollback(a->st);
		return rc;
	}
	if ((rc = ecc_store_commit(a->st)) != ECC_OK)
		return rc;
	announce(a, id);
	return ECC_OK;
}

cJSON *ecc_alerts_list(ecc_alerts *a, const char *state, const char *unit, int64_t before_id,
                       int limit)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT " ALERT_COLS " FROM alerts"
	                                        " WHERE (?1 IS NULL OR state = ?1)"
	                                        " AND (?2 IS NULL OR unit_id = ?2)"
	                                        " AND (?3 = 0 OR id < ?3)"
	                                        " ORDER BY id DESC LIMIT ?4");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	ecc_store_bind_text(s, 1, state);
	ecc_store_bind_text(s, 2, unit);
	sqlite3_bind_int64(s, 3, before_id);
	sqlite3_bind_int(s, 4, limit);
	while (ecc_store_step(a->st, s) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, row_json(s));
	sqlite3_reset(s);
	return arr;
}

/* ---- escalation --------------------------------------------------------- */

void ecc_alerts_tick(ecc_alerts *a)
{
	gint64 now = ecc_now_ms();
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT id FROM alerts WHERE state = 'open' AND"
	                                        " escalated_at IS NULL AND ts <= ? AND"
	                                        " severity IN ('medium','high','critical')");
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));

	if (!s) {
		g_array_free(ids, TRUE);
		return;
	}
	sqlite3_bind_int64(s, 1, now - (gint64)a->cfg->escalate_after * 1000);
	while (ecc_store_step(a->st, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < ids->len; i++) {
		int64_t id = g_array_index(ids, int64_t, i);
		/* to whom it was raised for (a team leader), else the commander
		 * on duty now */
		char *to = who(a, "commander");
		s = ecc_store_stmt(a->st, "UPDATE alerts SET escalated_at = ?,"
		                          " escalate_to = coalesce(escalate_to, ?) WHERE id = ?");
		if (!s) {
			g_free(to);
			break;
		}
		sqlite3_bind_int64(s, 1, now);
		ecc_store_bind_text(s, 2, to);
		sqlite3_bind_int64(s, 3, id);
		g_free(to);
		if (ecc_store_run(a->st, s) == ECC_OK) {
			g_message("alert=%" G_GINT64_FORMAT ": not acknowledged in %d s, escalated",
			          id, a->cfg->escalate_after);
			announce(a, id);
		}
	}
	g_array_free(ids, TRUE);
}

static gboolean tick_cb(gpointer data)
{
	ecc_alerts_tick(data);
	return G_SOURCE_CONTINUE;
}

ecc_alerts *ecc_alerts_new(ecc_store *st, const struct ecc_config *cfg, ecc_events *ev)
{
	ecc_alerts *a = g_new0(ecc_alerts, 1);

	a->st = st;
	a->cfg = cfg;
	a->ev = ev;
	a->tick_id = g_timeout_add_seconds(1, tick_cb, a);
	return a;
}

void ecc_alerts_free(ecc_alerts *a)
{
	if (!a)
		return;
	if (a->tick_id)
		g_source_remove(a->tick_id);
	g_free(a);
}
