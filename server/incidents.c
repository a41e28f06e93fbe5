/* incidents: log, rank units, dispatch, follow acknowledgment and arrival,
 * close, and escalate a missed urgent deadline. */
#define G_LOG_DOMAIN "ecc-incidents"

#include "incidents.h"
#include "alert.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "instructions.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ecc_incidents {
	struct ecc_hub *hub;
	ecc_store *st;
	guint tick_id;
	/* dispatched units not yet arrived: unit id -> GArray of struct watch */
	GHashTable *watch;
};

struct watch {
	int64_t incident;
	double lat, lon, radius;
};

static void why_set(char *why, const char *msg)
{
	if (why)
		g_strlcpy(why, msg, 128);
}

/* Is unit on an operation other than this incident's? Such units are not
 * offered and cannot be dispatched (an active operation holds it). */
static bool unit_on_operation(struct ecc_hub *hub, const char *unit)
{
	sqlite3_stmt *s = ecc_store_stmt(hub->store, "SELECT 1 FROM operation_units u JOIN"
	                                             " operations o ON o.id = u.operation WHERE"
	                                             " u.unit_id = ? AND o.state = 'active'");
	bool on;

	if (!s)
		return false;
	ecc_store_bind_text(s, 1, unit);
	on = ecc_store_step(hub->store, s) == SQLITE_ROW;
	sqlite3_reset(s);
	return on;
}

/* Great-circle distance in metres (haversine, mean Earth radius). */
static double distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371008.8, k = G_PI / 180.0;
	double dlat = (lat2 - lat1) * k, dlon = (lon2 - lon1) * k;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * k) * cos(lat2 * k) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * r * asin(MIN(1.0, sqrt(a)));
}

/* ---- JSON of rows ------------------------------------------------------- */

static void add_opt_int(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(s, i));
}

static cJSON *units_json(ecc_incidents *inc, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "SELECT unit_id, instruction_id, dispatched_at,"
	                                          " dispatched_by, acked_at, arrived_at"
	                                          " FROM incident_units WHERE incident_id = ?"
	                                          " ORDER BY dispatched_at, unit_id");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(inc->st, s) == SQLITE_ROW) {
		cJSON *u = cJSON_CreateObject();
		cJSON_AddStringToObject(u, "unit", ecc_store_column_text(s, 0));
		add_opt_int(u, "instruction", s, 1);
		add_opt_int(u, "dispatched_at", s, 2);
		cJSON_AddStringToObject(u, "dispatched_by", ecc_store_column_text(s, 3));
		add_opt_int(u, "acked_at", s, 4);
		add_opt_int(u, "arrived_at", s, 5);
		cJSON_AddItemToArray(arr, u);
	}
	sqlite3_reset(s);
	return arr;
}

#define INCIDENT_COLS                                                                              \
	"id, source, summary, lat, lon, radius_m, case_id, urgency, deadline, state, outcome,"     \
	" created_by, created_at, dispatched_at, acknowledged_at, arrived_at, closed_at,"          \
	" closed_by, overdue_at, alert_id"

static cJSON *row_json(ecc_incidents *inc, sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject();
	int64_t id = sqlite3_column_int64(s, 0);

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "source", ecc_store_column_text(s, 1));
	cJSON_AddStringToObject(o, "summary", ecc_store_column_text(s, 2));
	cJSON_AddNumberToObject(o, "lat", sqlite3_column_double(s, 3));
	cJSON_AddNumberToObject(o, "lon", sqlite3_column_double(s, 4));
	cJSON_AddNumberToObject(o, "radius_m", sqlite3_column_double(s, 5));
	add_opt_int(o, "case", s, 6);
	cJSON_AddStringToObject(o, "urgency", ecc_store_column_text(s, 7));
	add_opt_int(o, "deadline", s, 8);
	cJSON_AddStringToObject(o, "state", ecc_store_column_text(s, 9));
	if (sqlite3_column_type(s, 10) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "outcome");
	else
		cJSON_AddStringToObject(o, "outcome", ecc_store_column_text(s, 10));
	cJSON_AddStringToObject(o, "created_by", ecc_store_column_text(s, 11));
	cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(s, 12));
	add_opt_int(o, "dispatched_at", s, 13);
	add_opt_int(o, "acknowledged_at", s, 14);
	add_opt_int(o, "arrived_at", s, 15);
	add_opt_int(o, "closed_at", s, 16);
	if (sqlite3_column_type(s, 17) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "closed_by");
	else
		cJSON_AddStringToObject(o, "closed_by", ecc_store_column_text(s, 17));
	add_opt_int(o, "overdue_at", s, 18);
	add_opt_int(o, "alert", s, 19);
	cJSON_AddItemToObject(o, "units", units_json(inc, id));
	return o;
}

cJSON *ecc_incidents_get(ecc_incidents *inc, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(inc->st, "SELECT " INCIDENT_COLS " FROM incidents WHERE id = ?");
	cJSON *o = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(inc->st, s) == SQLITE_ROW)
		o = row_json(inc, s);
	sqlite3_reset(s);
	return o;
}

cJSON *ecc_incidents_list(ecc_incidents *inc, const char *state, int limit)
{
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "SELECT " INCIDENT_COLS " FROM incidents"
	                                          " WHERE ?1 IS NULL OR state = ?1 OR"
	                                          " (?1 = 'open' AND state != 'closed')"
	                                          " ORDER BY id DESC LIMIT ?2");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	ecc_store_bind_text(s, 1, state);
	sqlite3_bind_int(s, 2, limit);
	while (ecc_store_step(inc->st, s) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, row_json(inc, s));
	sqlite3_reset(s);
	return arr;
}

/* ---- changes ------------------------------------------------------------ */

static void audit(ecc_incidents *inc, const char *actor, const char *action, int64_t id,
                  const char *detail, const char *ip)
{
	ecc_audit_about(inc->st, actor, action, "incident", id, detail, ip);
}

/* Tells the WebSocket (the `dispatch` channel) the incident's state. */
static void announce(ecc_incidents *inc, int64_t id)
{
	ecc_events_emit_item(inc->hub->events, ECC_EV_DISPATCH, "incident",
	                     ecc_incidents_get(inc, id));
}

static void rebuild_watch(ecc_incidents *inc)
{
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "SELECT u.unit_id, i.id, i.lat, i.lon,"
	                                          " i.radius_m FROM incident_units u JOIN"
	                                          " incidents i ON i.id = u.incident_id WHERE"
	                                          " u.arrived_at IS NULL AND i.state != 'closed'");

	g_hash_table_remove_all(inc->watch);
	if (!s)
		return;
	while (ecc_store_step(inc->st, s) == SQLITE_ROW) {
		const char *unit = ecc_store_column_text(s, 0);
		GArray *a = g_hash_table_lookup(inc->watch, unit);
		struct watch w = {sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
		                  sqlite3_column_double(s, 3), sqlite3_column_double(s, 4)};
		if (!a) {
			a = g_array_new(FALSE, FALSE, sizeof(struct watch));
			g_hash_table_insert(inc->watch, g_strdup(unit), a);
		}
		g_array_append_val(a, w);
	}
	sqlite3_reset(s);
}

static bool valid_source(const char *s)
{
	static const char *const sources[] = {"tip", "call110", "party", "support", "other"};

	for (size_t i = 0; s && i < G_N_ELEMENTS(sources); i++)
		if (!strcmp(s, sources[i]))
			return true;
	return false;
}

static bool case_exists(ecc_incidents *inc, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "SELECT 1 FROM cases WHERE id = ?");
	bool found;

	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, id);
	found = ecc_store_step(inc->st, s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

int ecc_incidents_create(ecc_incidents *inc, const struct ecc_incident_spec *sp, const char *actor,
                         const char *ip, int64_t *id_out, char *why)
{
	const struct ecc_config *cfg = inc->hub->cfg;
	const char *urgency = sp->urgency ? sp->urgency : "normal";
	double radius = isnan(sp->radius_m) ? cfg->incidents_radius : sp->radius_m;
	int64_t now = ecc_now_ms(), id;
	sqlite3_stmt *s;
	int rc;

	if (!valid_source(sp->source)) {
		why_set(why, "source is tip, call110, party, support or other");
		return ECC_ERR_INVAL;
	}
	if (!(sp->lat >= -90 && sp->lat <= 90 && sp->lon >= -180 && sp->lon <= 180)) {
		why_set(why, "lat -90..90 and lon -180..180 are required");
		return ECC_ERR_INVAL;
	}
	if (!(radius >= 5 && radius <= 100000)) {
		why_set(why, "radius_m is 5..100000");
		return ECC_ERR_INVAL;
	}
	if (strcmp(urgency, "normal") && strcmp(urgency, "urgent")) {
		why_set(why, "urgency is normal or urgent");
		return ECC_ERR_INVAL;
	}
	if (sp->summary &&
	    (strlen(sp->summary) > 2000 || !g_utf8_validate(sp->summary, -1, NULL))) {
		why_set(why, "summary is at most 2000 bytes of UTF-8");
		return ECC_ERR_INVAL;
	}
	if (sp->case_id > 0 && !case_exists(inc, sp->case_id)) {
		why_set(why, "no such case");
		return ECC_ERR_NOTFOUND;
	}
	if (ecc_store_begin(inc->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(inc->st, "INSERT INTO incidents(source, summary, lat, lon, radius_m,"
	                            " case_id, urgency, deadline, created_by, created_at)"
	                            " VALUES(?,?,?,?,?,?,?,?,?,?)");
	rc = ECC_ERR_DB;
	if (s) {
		ecc_store_bind_text(s, 1, sp->source);
		ecc_store_bind_text(s, 2, sp->summary ? sp->summary : "");
		sqlite3_bind_double(s, 3, sp->lat);
		sqlite3_bind_double(s, 4, sp->lon);
		sqlite3_bind_double(s, 5, radius);
		if (sp->case_id > 0)
			sqlite3_bind_int64(s, 6, sp->case_id);
		else
			sqlite3_bind_null(s, 6);
		ecc_store_bind_text(s, 7, urgency);
		if (!strcmp(urgency, "urgent"))
			sqlite3_bind_int64(s, 8,
			                   now + (int64_t)cfg->incidents_urgent_deadline * 1000);
		else
			sqlite3_bind_null(s, 8);
		ecc_store_bind_text(s, 9, actor);
		sqlite3_bind_int64(s, 10, now);
		rc = ecc_store_run(inc->st, s);
	}
	id = sqlite3_last_insert_rowid(ecc_store_db(inc->st));
	if (rc == ECC_OK)
		audit(inc, actor, "incident.create", id, NULL, ip);
	if (rc != ECC_OK) {
		ecc_store_rollback(inc->st);
		return rc;
	}
	if ((rc = ecc_store_commit(inc->st)) != ECC_OK)
		return rc;
	g_message("incident=%" G_GINT64_FORMAT ": %s %s at %.6f,%.6f by %s", id, urgency,
	          sp->source, sp->lat, sp->lon, actor);
	if (id_out)
		*id_out = id;
	announce(inc, id);
	return ECC_OK;
}

/* ---- ranking ------------------------------------------------------------ */

struct cand {
	const struct ecc_unit *u;
	double d; /* INFINITY without a position */
};

static int by_rank(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->u->online != b->u->online)
		return a->u->online ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return strcmp(a->u->id, b->u->id);
}

cJSON *ecc_incidents_candidates(ecc_incidents *inc, int64_t id, bool with_offline, int limit)
{
	cJSON *i = ecc_incidents_get(inc, id), *arr, *d;
	const GPtrArray *all = ecc_units_all(inc->hub->units);
	GArray *c = g_array_new(FALSE, FALSE, sizeof(struct cand));
	double lat, lon;
	GHashTable *sent = g_hash_table_new(g_str_hash, g_str_equal);

	if (!i) {
		g_array_free(c, TRUE);
		g_hash_table_unref(sent);
		return NULL;
	}
	ecc_json_get_number(i, "lat", &lat);
	ecc_json_get_number(i, "lon", &lon);
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(i, "units"))
	{
		const char *u = NULL;
		if (ecc_json_get_string(d, "unit", &u) == ECC_OK)
			g_hash_table_add(sent, (gpointer)u);
	}
	for (guint k = 0; k < all->len; k++) {
		const struct ecc_unit *u = g_ptr_array_index(all, k);
		struct cand x = {u, INFINITY};
		if ((!u->online && !with_offline) || unit_on_operation(inc->hub, u->id))
			continue;
		if (u->has_position)
			x.d = distance_m(u->pos.lat, u->pos.lon, lat, lon);
		g_array_append_val(c, x);
	}
	g_array_sort(c, by_rank);
	arr = cJSON_CreateArray();
	for (guint k = 0; k < c->len && (int)k < limit; k++) {
		const struct cand *x = &g_array_index(c, struct cand, k);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "unit", x->u->id);
		cJSON_AddStringToObject(o, "name", x->u->name);
		cJSON_AddStringToObject(o, "kind", ecc_unit_kind_name(x->u->kind));
		cJSON_AddStringToObject(o, "team", x->u->team);
		cJSON_AddBoolToObject(o, "online", x->u->online);
		if (isinf(x->d)) {
			cJSON_AddNullToObject(o, "distance_m");
			cJSON_AddNullToObject(o, "lat");
			cJSON_AddNullToObject(o, "lon");
		} else {
			cJSON_AddNumberToObject(o, "distance_m", round(x->d * 10) / 10);
			cJSON_AddNumberToObject(o, "lat", x->u->pos.lat);
			cJSON_AddNumberToObject(o, "lon", x->u->pos.lon);
		}
		if (x->u->last_recv)
			cJSON_AddNumberToObject(o, "last_seen", (double)x->u->last_recv);
		else
			cJSON_AddNullToObject(o, "last_seen");
		cJSON_AddBoolToObject(o, "dispatched", g_hash_table_contains(sent, x->u->id));
		cJSON_AddItemToArray(arr, o);
	}
	g_hash_table_unref(sent);
	g_array_free(c, TRUE);
	cJSON_Delete(i);
	return arr;
}

/* ---- dispatch, acknowledgment, arrival, closure --------------------------- */

int ecc_incidents_dispatch(ecc_incidents *inc, int64_t id, const cJSON *units, const char *text,
                           const char *actor, const char *ip, char *why)
{
	cJSON *i = ecc_incidents_get(inc, id), *d;
	const char *state = "", *summary = "", *urgency = "normal";
	double lat = NAN, lon = NAN;
	const cJSON *u;
	int64_t now = ecc_now_ms();
	char *body = NULL;
	int rc = ECC_OK, n = 0;

	if (!i) {
		why_set(why, "no such incident");
		return ECC_ERR_NOTFOUND;
	}
	ecc_json_get_string(i, "state", &state);
	ecc_json_get_string(i, "summary", &summary);
	ecc_json_get_string(i, "urgency", &urgency);
	ecc_json_get_number(i, "lat", &lat);
	ecc_json_get_number(i, "lon", &lon);
	if (!strcmp(state, "closed")) {
		why_set(why, "the incident is closed");
		rc = ECC_ERR_EXISTS;
		goto out;
	}
	if (!cJSON_IsArray(units) || cJSON_GetArraySize(units) < 1 ||
	    cJSON_GetArraySize(units) > ECC_INCIDENT_DISPATCH_MAX) {
		why_set(why, "units must be an array of 1 to 20 unit ids");
		rc = ECC_ERR_INVAL;
		goto out;
	}
	if (text && (!*text || strlen(text) > ECC_INSTRUCTION_TEXT_MAX)) {
		why_set(why, "text, when given, is 1..2000 bytes");
		rc = ECC_ERR_INVAL;
		goto out;
	}
	/* all or none: check every unit before sending anything */
	cJSON_ArrayForEach(u, units)
	{
		if (!cJSON_IsString(u)) {
			why_set(why, "units must be an array of 1 to 20 unit ids");
			rc = ECC_ERR_INVAL;
			goto out;
		}
		if (!ecc_units_get(inc->hub->units, u->valuestring)) {
			char msg[128];
			g_snprintf(msg, sizeof(msg), "no such unit: %.64s", u->valuestring);
			why_set(why, msg);
			rc = ECC_ERR_NOTFOUND;
			goto out;
		}
		if (unit_on_operation(inc->hub, u->valuestring)) {
			why_set(why, "a unit is on another operation");
			rc = ECC_ERR_EXISTS;
			goto out;
		}
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(i, "units"))
		{
			const char *had = NULL;
			if (ecc_json_get_string(d, "unit", &had) == ECC_OK &&
			    !strcmp(had, u->valuestring)) {
				why_set(why, "a unit is already dispatched to this incident");
				rc = ECC_ERR_EXISTS;
				goto out;
			}
		}
	}
	body = text ? g_strdup(text)
	            : g_strdup_printf("出警 #%" G_GINT64_FORMAT ": %s", id,
	                              *summary ? summary : "前往现场");
	cJSON_ArrayForEach(u, units)
	{
		struct ecc_instruction_spec sp = {.target_kind = "unit",
		                                  .target = u->valuestring,
		                                  .text = body,
		                                  .lat = lat,
		                                  .lon = lon,
		                                  .urgency = urgency,
		                                  .incident_id = id};
		int64_t instr = 0;
		sqlite3_stmt *s;

		rc = ecc_instructions_create(inc->hub->instructions, &sp, actor, ip, &instr, why);
		if (rc != ECC_OK)
			break;
		s = ecc_store_stmt(inc->st, "INSERT INTO incident_units(incident_id, unit_id,"
		                            " instruction_id, dispatched_at, dispatched_by)"
		                            " VALUES(?,?,?,?,?)");
		if (!s) {
			rc = ECC_ERR_DB;
			break;
		}
		sqlite3_bind_int64(s, 1, id);
		ecc_store_bind_text(s, 2, u->valuestring);
		sqlite3_bind_int64(s, 3, instr);
		sqlite3_bind_int64(s, 4, now);
		ecc_store_bind_text(s, 5, actor);
		if ((rc = ecc_store_run(inc->st, s)) != ECC_OK)
			break;
		n++;
	}
	if (n > 0) {
		sqlite3_stmt *s = ecc_store_stmt(
		    inc->st, "UPDATE incidents SET dispatched_at = coalesce(dispatched_at, ?1),"
		             " state = CASE WHEN state = 'new' THEN 'dispatched' ELSE state END"
		             " WHERE id = ?2");
		char *detail;
		if (s) {
			sqlite3_bind_int64(s, 1, now);
			sqlite3_bind_int64(s, 2, id);
			ecc_store_run(inc->st, s);
		}
		detail = ecc_json_print(units);
		audit(inc, actor, "incident.dispatch", id, detail, ip);
		cJSON_free(detail);
		rebuild_watch(inc);
		announce(inc, id);
	}
out:
	g_free(body);
	cJSON_Delete(i);
	return rc;
}

static void on_acked(void *user, int64_t id, const char *unit, int64_t ts)
{
	ecc_incidents *inc = user;
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "UPDATE incident_units SET acked_at ="
	                                          " coalesce(acked_at, ?) WHERE incident_id = ?"
	                                          " AND unit_id = ?");
	char actor[80];

	if (!s)
		return;
	sqlite3_bind_int64(s, 1, ts);
	sqlite3_bind_int64(s, 2, id);
	ecc_store_bind_text(s, 3, unit);
	if (ecc_store_run(inc->st, s) != ECC_OK)
		return;
	s = ecc_store_stmt(inc->st, "UPDATE incidents SET acknowledged_at ="
	                            " coalesce(acknowledged_at, ?1), state = CASE WHEN state IN"
	                            " ('new','dispatched') THEN 'acknowledged' ELSE state END"
	                            " WHERE id = ?2 AND state != 'closed'");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, ts);
	sqlite3_bind_int64(s, 2, id);
	ecc_store_run(inc->st, s);
	g_snprintf(actor, sizeof(actor), "unit:%s", unit);
	audit(inc, actor, "incident.ack", id, NULL, NULL);
	announce(inc, id);
}

static void arrive(ecc_incidents *inc, int64_t id, const struct ecc_unit *u, double d)
{
	int64_t now = ecc_now_ms();
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "UPDATE incident_units SET arrived_at = ?"
	                                          " WHERE incident_id = ? AND unit_id = ? AND"
	                                          " arrived_at IS NULL");
	char actor[80], detail[96];

	if (!s)
		return;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	ecc_store_bind_text(s, 3, u->id);
	if (ecc_store_run(inc->st, s) != ECC_OK)
		return;
	s = ecc_store_stmt(inc->st, "UPDATE incidents SET arrived_at = coalesce(arrived_at, ?1),"
	                            " state = CASE WHEN state IN ('new','dispatched',"
	                            "'acknowledged') THEN 'arrived' ELSE state END WHERE id = ?2"
	                            " AND state != 'closed'");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	ecc_store_run(inc->st, s);
	g_message("unit=%s incident=%" G_GINT64_FORMAT ": arrived (%.0f m from the site)", u->id,
	          id, d);
	g_snprintf(actor, sizeof(actor), "unit:%s", u->id);
	g_snprintf(detail, sizeof(detail), "{\"distance_m\":%.1f}", d);
	audit(inc, actor, "incident.arrive", id, detail, NULL);
	announce(inc, id);
}

/* The telemetry path's ECC_EV_POSITION: a dispatched unit inside the radius
 * of its incident has arrived. */
static void on_position(void *user, enum ecc_event_kind kind, const void *obj)
{
	ecc_incidents *inc = user;
	const struct ecc_unit *u = obj;
	GArray *a = g_hash_table_lookup(inc->watch, u->id), *hits = NULL;
	struct hit {
		int64_t incident;
		double d;
	};

	(void)kind;
	if (!a)
		return;
	for (guint i = 0; i < a->len; i++) {
		const struct watch *w = &g_array_index(a, struct watch, i);
		struct hit h = {w->incident, distance_m(u->pos.lat, u->pos.lon, w->lat, w->lon)};
		if (h.d > w->radius)
			continue;
		if (!hits)
			hits = g_array_new(FALSE, FALSE, sizeof(struct hit));
		g_array_append_val(hits, h);
	}
	if (!hits)
		return;
	/* arrive() announces; the watch list changes only after the loop */
	for (guint i = 0; i < hits->len; i++) {
		const struct hit *h = &g_array_index(hits, struct hit, i);
		arrive(inc, h->incident, u, h->d);
	}
	g_array_free(hits, TRUE);
	rebuild_watch(inc);
}

int ecc_incidents_close(ecc_incidents *inc, int64_t id, const char *outcome, const char *actor,
                        const char *ip, char *why)
{
	sqlite3_stmt *s;
	char subject[40];

	if (!outcome || !*outcome || strlen(outcome) > 2000 ||
	    !g_utf8_validate(outcome, -1, NULL)) {
		why_set(why, "outcome is required (at most 2000 bytes of UTF-8)");
		return ECC_ERR_INVAL;
	}
	s = ecc_store_stmt(inc->st, "SELECT state FROM incidents WHERE id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(inc->st, s) != SQLITE_ROW) {
		sqlite3_reset(s);
		why_set(why, "no such incident");
		return ECC_ERR_NOTFOUND;
	}
	if (!strcmp(ecc_store_column_text(s, 0), "closed")) {
		sqlite3_reset(s);
		why_set(why, "the incident is closed already");
		return ECC_ERR_EXISTS;
	}
	sqlite3_reset(s);
	if (ecc_store_begin(inc->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(inc->st, "UPDATE incidents SET state = 'closed', outcome = ?,"
	                            " closed_at = ?, closed_by = ? WHERE id = ?");
	if (!s) {
		ecc_store_rollback(inc->st);
		return ECC_ERR_DB;
	}
	ecc_store_bind_text(s, 1, outcome);
	sqlite3_bind_int64(s, 2, ecc_now_ms());
	ecc_store_bind_text(s, 3, actor);
	sqlite3_bind_int64(s, 4, id);
	if (ecc_store_run(inc->st, s) != ECC_OK) {
		ecc_store_rollback(inc->st);
		return ECC_ERR_DB;
	}
	audit(inc, actor, "incident.close", id, NULL, ip);
	if (ecc_store_commit(inc->st) != ECC_OK)
		return ECC_ERR_DB;
	g_snprintf(subject, sizeof(subject), "incident:%" G_GINT64_FORMAT, id);
	ecc_alerts_clear_subject(inc->hub->alerts, subject);
	rebuild_watch(inc);
	announce(inc, id);
	return ECC_OK;
}

/* ---- the urgent deadline ------------------------------------------------ */

void ecc_incidents_tick(ecc_incidents *inc)
{
	int64_t now = ecc_now_ms();
	sqlite3_stmt *s = ecc_store_stmt(inc->st, "SELECT id, summary, lat, lon, deadline FROM"
	                                          " incidents WHERE urgency = 'urgent' AND"
	                                          " state != 'closed' AND overdue_at IS NULL AND"
	                                          " deadline <= ? ORDER BY id LIMIT 50");
	struct due {
		int64_t id;
		char *summary;
		double lat, lon;
	};
	GArray *due = g_array_new(FALSE, FALSE, sizeof(struct due));

	if (!s) {
		g_array_free(due, TRUE);
		return;
	}
	sqlite3_bind_int64(s, 1, now);
	while (ecc_store_step(inc->st, s) == SQLITE_ROW) {
		struct due d = {sqlite3_column_int64(s, 0), g_strdup(ecc_store_column_text(s, 1)),
		                sqlite3_column_double(s, 2), sqlite3_column_double(s, 3)};
		g_array_append_val(due, d);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < due->len; i++) {
		struct due *d = &g_array_index(due, struct due, i);
		char subject[40], *msg;
		int64_t alert = 0;
		struct ecc_alert_spec sp;

		g_snprintf(subject, sizeof(subject), "incident:%" G_GINT64_FORMAT, d->id);
		msg = g_strdup_printf("紧急事件 #%" G_GINT64_FORMAT " 超过响应时限未办结: %s",
		                      d->id, d->summary);
		sp = (struct ecc_alert_spec){.kind = "incident_overdue",
		                             .severity = ECC_SEV_CRITICAL,
		                             .message = msg,
		                             .lat = d->lat,
		                             .lon = d->lon,
		                             .subject = subject};
		ecc_alerts_raise(inc->hub->alerts, &sp, &alert);
		s = ecc_store_stmt(inc->st, "UPDATE incidents SET overdue_at = ?, alert_id = ?"
		                            " WHERE id = ?");
		if (s) {
			sqlite3_bind_int64(s, 1, now);
			sqlite3_bind_int64(s, 2, alert);
			sqlite3_bind_int64(s, 3, d->id);
			ecc_store_run(inc->st, s);
		}
		g_message("incident=%" G_GINT64_FORMAT
		          ": urgent deadline missed, alert %" G_GINT64_FORMAT,
		          d->id, alert);
		audit(inc, "system", "incident.overdue", d->id, NULL, NULL);
		announce(inc, d->id);
		g_free(msg);
		g_free(d->summary);
	}
	g_array_free(due, TRUE);
}

static gboolean tick_cb(gpointer data)
{
	ecc_incidents_tick(data);
	return G_SOURCE_CONTINUE;
}

ecc_incidents *ecc_incidents_new(struct ecc_hub *hub)
{
	ecc_incidents *inc = g_new0(ecc_incidents, 1);

	inc->hub = hub;
	inc->st = hub->store;
	inc->watch =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
	rebuild_watch(inc);
	ecc_events_listen(hub->events, ECC_EV_POSITION, on_position, inc);
	ecc_instructions_on_acked(hub->instructions, on_acked, inc);
	inc->tick_id = g_timeout_add_seconds(1, tick_cb, inc);
	return inc;
}

void ecc_incidents_free(ecc_incidents *inc)
{
	if (!inc)
		return;
	if (inc->tick_id)
		g_source_remove(inc->tick_id);
	g_hash_table_unref(inc->watch);
	g_free(inc);
}
