/* operations: the operation rows, their scope, states and the API's model. */
#define G_LOG_DOMAIN "ecc-operations"

#include "operations_internal.h"
#include "audit.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "units.h"

#include <stdarg.h>
#include <string.h>

static cJSON *op_json(ecc_operations *o, int64_t id);

/* Tells the WebSocket's dispatch channel that operation id changed (created,
 * updated, started, stopped, cancelled): the walls' operations panels and
 * sites follow at once, each client within its scope (ws.c asks
 * ecc_operations_visible). After the commit. */
static void announce(ecc_operations *o, int64_t id)
{
	ecc_events_emit_item(o->hub->events, ECC_EV_DISPATCH, "operation", op_json(o, id));
}

bool ecc_operations_visible(ecc_operations *o, const struct ecc_user *u, int64_t id)
{
	return operations__scope(o, u, id, NULL, NULL, NULL) == ECC_OK;
}

#define MAX_UNITS   50
#define MAX_MEMBERS 50

static const char *const types[] = {"search",        "seizure", "eviction", "detention",
                                    "investigation", "service", "other",    NULL};

static bool center(const struct ecc_user *u)
{
	return ECC_ROLE_BIT(u->role) & ECC_ROLES_CENTER;
}

static bool visible(const struct ecc_user *u, const char *team, const char *judge)
{
	if (center(u))
		return true;
	if (u->role == ECC_ROLE_OFFICER)
		return u->team[0] && !strcmp(u->team, team);
	if (u->role == ECC_ROLE_JUDGE)
		return !strcmp(u->username, judge);
	return false;
}

int operations__audit(ecc_operations *o, const char *actor, const char *action, int64_t id,
                      const char *detail, const char *ip)
{
	char target[40];
	struct ecc_audit_entry e = {
	    .actor = actor, .action = action, .target = target, .detail = detail, .ip = ip};

	g_snprintf(target, sizeof(target), "operation:%" G_GINT64_FORMAT, (gint64)id);
	return ecc_audit_append(o->hub->store, &e, NULL);
}

int operations__scope(ecc_operations *o, const struct ecc_user *u, int64_t id, char state[16],
                      int64_t *started, int64_t *ended)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    o->hub->store, "SELECT o.team, c.judge, o.state, o.started_at, o.ended_at FROM"
	                   " operations o JOIN cases c ON c.id = o.case_id WHERE o.id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(o->hub->store, s);
	if (rc == SQLITE_ROW) {
		rc = visible(u, ecc_store_column_text(s, 0), ecc_store_column_text(s, 1))
		         ? ECC_OK
		         : ECC_ERR_FORBIDDEN;
		if (state)
			g_strlcpy(state, ecc_store_column_text(s, 2), 16);
		if (started)
			*started = sqlite3_column_int64(s, 3);
		if (ended)
			*ended = sqlite3_column_int64(s, 4);
	} else {
		rc = rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
	}
	sqlite3_reset(s);
	return rc;
}

/* ---- the fields of a request ----------------------------------------------------- */

struct fields {
	int64_t case_id; /* 0: absent */
	char case_team[ECC_NAME_MAX + 1];
	const char *type, *title, *team;
	struct ecc_site site;
	bool has_site, has_start, has_end;
	int64_t planned_start, planned_end; /* 0: none */
	GPtrArray *members, *units;         /* NULL: absent; borrowed strings */
};

static void fields_clear(struct fields *f)
{
	ecc_site_clear(&f->site);
	if (f->members)
		g_ptr_array_free(f->members, TRUE);
	if (f->units)
		g_ptr_array_free(f->units, TRUE);
}

static int fail(char why[ECC_OPS_WHY], const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(char why[ECC_OPS_WHY], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(why, ECC_OPS_WHY, fmt, ap);
	va_end(ap);
	return ECC_ERR_INVAL;
}

static int read_case(ecc_operations *o, const cJSON *body, struct fields *f, char *why)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "case_id");
	const char *number = NULL;
	sqlite3_stmt *s;
	int rc;

	if (c && (!cJSON_IsNumber(c) || c->valuedouble < 1 || c->valuedouble > 9e15 ||
	          c->valuedouble != (double)(int64_t)c->valuedouble))
		return fail(why, "case_id must be a case's id");
	if (c)
		f->case_id = (int64_t)c->valuedouble;
	else if (ecc_json_get_string(body, "case", &number) == ECC_OK) {
		if (ecc_cases_find(o->hub->cases, number, &f->case_id) != ECC_OK)
			return fail(why, "no such case: %s", number);
	} else
		return fail(why, "case_id (or case, its number) is required");
	s = ecc_store_stmt(o->hub->store, "SELECT team FROM cases WHERE id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, f->case_id);
	rc = ecc_store_step(o->hub->store, s);
	if (rc == SQLITE_ROW)
		g_strlcpy(f->case_team, ecc_store_column_text(s, 0), sizeof(f->case_team));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? fail(why, "no such case") : ECC_ERR_DB;
	return ECC_OK;
}

/* A list of distinct names, each checked by exists. */
static int read_names(ecc_operations *o, const cJSON *body, const char *key, int lo, int hi,
                      bool (*exists)(ecc_operations *, const char *), GPtrArray **out, char *why)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, key), *v;

	if (!arr)
		return ECC_OK;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < lo || cJSON_GetArraySize(arr) > hi) {
		g_snprintf(why, ECC_OPS_WHY, "%s must be a list of %d to %d names", key, lo, hi);
		return ECC_ERR_INVAL;
	}
	*out = g_ptr_array_new();
	cJSON_ArrayForEach(v, arr)
	{
		if (!cJSON_IsString(v) || !v->valuestring[0]) {
			g_snprintf(why, ECC_OPS_WHY, "%s must be a list of names", key);
			return ECC_ERR_INVAL;
		}
		for (guint i = 0; i < (*out)->len; i++)
			if (!strcmp(g_ptr_array_index(*out, i), v->valuestring)) {
				g_snprintf(why, ECC_OPS_WHY, "%s names %s twice", key,
				           v->valuestring);
				return ECC_ERR_INVAL;
			}
		if (!exists(o, v->valuestring)) {
			g_snprintf(why, ECC_OPS_WHY, "no such %s: %.100s",
			           !strcmp(key, "units") ? "unit" : "user", v->valuestring);
			return ECC_ERR_INVAL;
		}
		g_ptr_array_add(*out, v->valuestring);
	}
	return ECC_OK;
}

static bool unit_exists(ecc_operations *o, const char *id)
{
	return ecc_units_get(o->hub->units, id) != NULL;
}

static bool user_exists(ecc_operations *o, const char *name)
{
	struct ecc_user u;

	return ecc_auth_user_get(o->hub->auth, name, &u) == ECC_OK;
}

static int read_time(const cJSON *body, const char *key, bool *has, int64_t *out, char *why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

	*has = v != NULL;
	if (!v || cJSON_IsNull(v)) {
		*out = 0;
		return ECC_OK;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble < 946684800000.0 ||
	    v->valuedouble > 4102444800000.0)
		return fail(why, "%s must be a time in UTC milliseconds (2000..2100) or null", key);
	*out = (int64_t)v->valuedouble;
	return ECC_OK;
}

static int read_text(const cJSON *body, const char *key, size_t max, const char **out, char *why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

	if (!v)
		return ECC_OK;
	if (!cJSON_IsString(v) || strlen(v->valuestring) > max ||
	    !g_utf8_validate(v->valuestring, -1, NULL)) {
		g_snprintf(why, ECC_OPS_WHY, "%s must be text of at most %zu bytes", key, max);
		return ECC_ERR_INVAL;
	}
	*out = v->valuestring;
	return ECC_OK;
}

/* Reads body into f; create: a new operation (case, type, site, units needed). */
static int read_fields(ecc_operations *o, const cJSON *body, bool create, struct fields *f,
                       char *why)
{
	const cJSON *site = cJSON_GetObjectItemCaseSensitive(body, "site");
	char swhy[ECC_SITE_WHY];
	int rc;

	memset(f, 0, sizeof(*f));
	if (!cJSON_IsObject(body))
		return fail(why, "the body must be a JSON object");
	if (create && (rc = read_case(o, body, f, why)) != ECC_OK)
		return rc;
	if (!create && (cJSON_GetObjectItemCaseSensitive(body, "case_id") ||
	                cJSON_GetObjectItemCaseSensitive(body, "case")))
		return fail(why, "an operation stays with its case");
	if ((rc = read_text(body, "type", 32, &f->type, why)) != ECC_OK ||
	    (rc = read_text(body, "title", 400, &f->title, why)) != ECC_OK ||
	    (rc = read_text(body, "team", ECC_NAME_MAX, &f->team, why)) != ECC_OK)
		return rc;
	if (f->type) {
		int i = 0;
		while (types[i] && strcmp(types[i], f->type))
			i++;
		if (!types[i])
			return fail(why,
			            "type must be search, seizure, eviction, detention,"
			            " investigation, service or other, not %.60s",
			            f->type);
	} else if (create)
		return fail(why, "type is required");
	if (site) {
		if (ecc_site_parse(site, &f->site, swhy) != ECC_OK)
			return fail(why, "%s", swhy);
		f->has_site = true;
	} else if (create)
		return fail(why, "site is required (a circle or a polygon)");
	if ((rc = read_time(body, "planned_start", &f->has_start, &f->planned_start, why)) !=
	        ECC_OK ||
	    (rc = read_time(body, "planned_end", &f->has_end, &f->planned_end, why)) != ECC_OK)
		return rc;
	if ((rc = read_names(o, body, "units", 1, MAX_UNITS, unit_exists, &f->units, why)) !=
	        ECC_OK ||
	    (rc = read_names(o, body, "members", 0, MAX_MEMBERS, user_exists, &f->members, why)) !=
	        ECC_OK)
		return rc;
	if (create && !f->units)
		return fail(why, "units is required: the units that go");
	return ECC_OK;
}

/* ---- rows ------------------------------------------------------------------------ */

static int put_names(ecc_operations *o, int64_t id, const char *table, GPtrArray *names)
{
	char *del = g_strdup_printf("DELETE FROM %s WHERE operation = ?", table);
	char *ins = g_strdup_printf("INSERT INTO %s VALUES(?, ?)", table);
	sqlite3_stmt *s = ecc_store_stmt(o->hub->store, del);
	int rc = s ? ECC_OK : ECC_ERR_DB;

	if (s) {
		sqlite3_bind_int64(s, 1, id);
		rc = ecc_store_run(o->hub->store, s);
	}
	for (guint i = 0; rc == ECC_OK && i < names->len; i++) {
		s = ecc_store_stmt(o->hub->store, ins);
		rc = ECC_ERR_DB;
		if (s) {
			sqlite3_bind_int64(s, 1, id);
			ecc_store_bind_text(s, 2, g_ptr_array_index(names, i));
			rc = ecc_store_run(o->hub->store, s);
		}
	}
	g_free(del);
	g_free(ins);
	return rc;
}

static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static int check_times(ecc_operations *o, int64_t id, const struct fields *f, char *why)
{
	int64_t ps = f->planned_start, pe = f->planned_end;

	if (id && (!f->has_start || !f->has_end)) {
		sqlite3_stmt *s = ecc_store_stmt(
		    o->hub->store,
		    "SELECT planned_start, planned_end FROM operations WHERE id = ?");
		if (!s)
			return ECC_ERR_DB;
		sqlite3_bind_int64(s, 1, id);
		if (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
			if (!f->has_start)
				ps = sqlite3_column_int64(s, 0);
			if (!f->has_end)
				pe = sqlite3_column_int64(s, 1);
		}
		sqlite3_reset(s);
	}
	if (ps && pe && pe <= ps)
		return fail(why, "planned_end must come after planned_start");
	return ECC_OK;
}

int ecc_operations_create(ecc_operations *o, const struct ecc_user *u, const cJSON *body,
                          const char *ip, int64_t *id, char why[ECC_OPS_WHY])
{
	struct fields f;
	sqlite3_stmt *s;
	char *site = NULL, *detail = NULL;
	cJSON *site_json;
	int64_t now = ecc_now_ms();
	int rc;

	if (!center(u))
		return ECC_ERR_FORBIDDEN;
	rc = read_fields(o, body, true, &f, why);
	if (rc == ECC_OK)
		rc = check_times(o, 0, &f, why);
	if (rc != ECC_OK) {
		fields_clear(&f);
		return rc;
	}
	site_json = ecc_site_json(&f.site);
	site = cJSON_PrintUnformatted(site_json);
	cJSON_Delete(site_json);
	if (ecc_store_begin(o->hub->store, true) != ECC_OK) {
		cJSON_free(site);
		fields_clear(&f);
		return ECC_ERR_DB;
	}
	s = ecc_store_stmt(o->hub->store,
	                   "INSERT INTO operations(case_id, type, title, team, site, planned_start,"
	                   " planned_end, created_by, created_at, updated_at)"
	                   " VALUES(?,?,?,?,?,?,?,?,?,?)");
	rc = ECC_ERR_DB;
	if (s) {
		sqlite3_bind_int64(s, 1, f.case_id);
		ecc_store_bind_text(s, 2, f.type);
		ecc_store_bind_text(s, 3, f.title ? f.title : "");
		ecc_store_bind_text(s, 4, f.team ? f.team : f.case_team);
		ecc_store_bind_text(s, 5, site);
		bind_time(s, 6, f.planned_start);
		bind_time(s, 7, f.planned_end);
		ecc_store_bind_text(s, 8, u->username);
		sqlite3_bind_int64(s, 9, now);
		sqlite3_bind_int64(s, 10, now);
		rc = ecc_store_run(o->hub->store, s);
	}
	*id = sqlite3_last_insert_rowid(ecc_store_db(o->hub->store));
	if (rc == ECC_OK)
		rc = put_names(o, *id, "operation_units", f.units);
	if (rc == ECC_OK && f.members)
		rc = put_names(o, *id, "operation_members", f.members);
	if (rc == ECC_OK) {
		detail = cJSON_PrintUnformatted(body);
		rc = operations__audit(o, u->username, "operation.create", *id, detail, ip);
	}
	if (rc != ECC_OK || (rc = ecc_store_commit(o->hub->store)) != ECC_OK)
		ecc_store_rollback(o->hub->store);
	else {
		g_message("op=%" G_GINT64_FORMAT ": created for case %" G_GINT64_FORMAT " by %s",
		          (gint64)*id, (gint64)f.case_id, u->username);
		announce(o, *id);
	}
	cJSON_free(detail);
	cJSON_free(site);
	fields_clear(&f);
	return rc;
}

int ecc_operations_update(ecc_operations *o, const struct ecc_user *u, int64_t id,
                          const cJSON *body, const char *ip, char why[ECC_OPS_WHY])
{
	struct fields f;
	char state[16], *detail = NULL;
	sqlite3_stmt *s;
	int rc = operations__scope(o, u, id, state, NULL, NULL);

	if (rc == ECC_OK && !center(u))
		rc = ECC_ERR_FORBIDDEN;
	if (rc != ECC_OK)
		return rc;
	if (strcmp(state, "planned") != 0) {
		g_snprintf(why, ECC_OPS_WHY, "the operation is %s: only a planned one changes",
		           state);
		return ECC_ERR_EXISTS;
	}
	rc = read_fields(o, body, false, &f, why);
	if (rc == ECC_OK)
		rc = check_times(o, id, &f, why);
	if (rc != ECC_OK || ecc_store_begin(o->hub->store, true) != ECC_OK) {
		fields_clear(&f);
		return rc != ECC_OK ? rc : ECC_ERR_DB;
	}
	s = ecc_store_stmt(o->hub->store,
	                   "UPDATE operations SET type = coalesce(?2, type),"
	                   " title = coalesce(?3, title), team = coalesce(?4, team),"
	                   " site = coalesce(?5, site),"
	                   " planned_start = CASE WHEN ?6 THEN ?7 ELSE planned_start END,"
	                   " planned_end = CASE WHEN ?8 THEN ?9 ELSE planned_end END,"
	                   " updated_at = ?10 WHERE id = ?1");
	rc = ECC_ERR_DB;
	if (s) {
		char *site = NULL;
		if (f.has_site) {
			cJSON *sj = ecc_site_json(&f.site);
			site = cJSON_PrintUnformatted(sj);
			cJSON_Delete(sj);
		}
		sqlite3_bind_int64(s, 1, id);
		ecc_store_bind_text(s, 2, f.type);
		ecc_store_bind_text(s, 3, f.title);
		ecc_store_bind_text(s, 4, f.team);
		ecc_store_bind_text(s, 5, site);
		sqlite3_bind_int(s, 6, f.has_start);
		bind_time(s, 7, f.planned_start);
		sqlite3_bind_int(s, 8, f.has_end);
		bind_time(s, 9, f.planned_end);
		sqlite3_bind_int64(s, 10, ecc_now_ms());
		rc = ecc_store_run(o->hub->store, s);
		cJSON_free(site);
	}
	if (rc == ECC_OK && f.units)
		rc = put_names(o, id, "operation_units", f.units);
	if (rc == ECC_OK && f.members)
		rc = put_names(o, id, "operation_members", f.members);
	if (rc == ECC_OK) {
		detail = cJSON_PrintUnformatted(body);
		rc = operations__audit(o, u->username, "operation.update", id, detail, ip);
	}
	if (rc != ECC_OK || (rc = ecc_store_commit(o->hub->store)) != ECC_OK)
		ecc_store_rollback(o->hub->store);
	else
		announce(o, id);
	cJSON_free(detail);
	fields_clear(&f);
	return rc;
}

/* ---- states ---------------------------------------------------------------------- */

/* A unit of operation id already on another active operation: its id in
 * busy (65 bytes), or false. */
static bool unit_busy(ecc_operations *o, int64_t id, char *busy, int64_t *other)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    o->hub->store,
	    "SELECT a.unit_id, b.operation FROM operation_units a JOIN"
	    " operation_units b ON b.unit_id = a.unit_id AND b.operation != a.operation"
	    " JOIN operations x ON x.id = b.operation AND x.state = 'active'"
	    " WHERE a.operation = ? LIMIT 1");
	bool found = false;

	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		g_strlcpy(busy, ecc_store_column_text(s, 0), 65);
		*other = sqlite3_column_int64(s, 1);
		found = true;
	}
	sqlite3_reset(s);
	return found;
}

/* Moves id from state from to state to, setting column (started_at,
 * ended_at) to now when given; audited as action. */
static int transition(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *from,
                      const char *to, const char *column, const char *action, const char *ip,
                      char *why)
{
	char state[16], *sql;
	sqlite3_stmt *s;
	int rc = operations__scope(o, u, id, state, NULL, NULL);

	if (rc == ECC_OK && !center(u))
		rc = ECC_ERR_FORBIDDEN;
	if (rc != ECC_OK)
		return rc;
	if (strcmp(state, from) != 0) {
		g_snprintf(why, ECC_OPS_WHY, "the operation is %s, not %s", state, from);
		return ECC_ERR_EXISTS;
	}
	if (ecc_store_begin(o->hub->store, true) != ECC_OK)
		return ECC_ERR_DB;
	sql = g_strdup_printf("UPDATE operations SET state = ?2, updated_at = ?3%s%s WHERE id = ?1",
	                      column ? ", " : "", column ? column : "");
	s = ecc_store_stmt(o->hub->store, sql);
	g_free(sql);
	rc = ECC_ERR_DB;
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		ecc_store_bind_text(s, 2, to);
		sqlite3_bind_int64(s, 3, ecc_now_ms());
		rc = ecc_store_run(o->hub->store, s);
	}
	if (rc == ECC_OK)
		rc = operations__audit(o, u->username, action, id, NULL, ip);
	if (rc != ECC_OK || (rc = ecc_store_commit(o->hub->store)) != ECC_OK) {
		ecc_store_rollback(o->hub->store);
		return rc;
	}
	g_message("op=%" G_GINT64_FORMAT ": %s by %s", (gint64)id, to, u->username);
	announce(o, id);
	return ECC_OK;
}

int ecc_operations_start(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                         char why[ECC_OPS_WHY])
{
	char busy[65];
	int64_t other;
	int rc = operations__scope(o, u, id, NULL, NULL, NULL);

	if (rc != ECC_OK)
		return rc;
	if (unit_busy(o, id, busy, &other)) {
		g_snprintf(why, ECC_OPS_WHY, "unit %s is on operation %" G_GINT64_FORMAT " now",
		           busy, (gint64)other);
		return ECC_ERR_EXISTS;
	}
	rc = transition(o, u, id, "planned", "active", "started_at = ?3", "operation.start", ip,
	                why);
	if (rc != ECC_OK)
		return rc;
	operations__watch_sync(o, id);
	return operations__record_on(o, id);
}

int ecc_operations_stop(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                        char why[ECC_OPS_WHY])
{
	int rc =
	    transition(o, u, id, "active", "ended", "ended_at = ?3", "operation.stop", ip, why);

	if (rc != ECC_OK)
		return rc;
	operations__watch_sync(o, id);
	rc = operations__link_missing(o, id);
	operations__record_off(o, id);
	return rc;
}

int ecc_operations_cancel(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                          char why[ECC_OPS_WHY])
{
	return transition(o, u, id, "planned", "cancelled", NULL, "operation.cancel", ip, why);
}

/* ---- reading --------------------------------------------------------------------- */

static cJSON *names(ecc_operations *o, const char *sql, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(o->hub->store, sql);
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, cJSON_CreateString(ecc_store_column_text(s, 0)));
	sqlite3_reset(s);
	return arr;
}

static cJSON *op_json(ecc_operations *o, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    o->hub->store,
	    "SELECT o.id, o.case_id, c.number, o.type, o.title, o.team, o.site, o.planned_start,"
	    " o.planned_end, o.started_at, o.ended_at, o.state, o.created_by, o.created_at,"
	    " o.updated_at, (SELECT count(*) FROM operation_recordings r WHERE r.operation = o.id),"
	    " (SELECT link FROM operation_recordings r WHERE r.operation = o.id"
	    "  ORDER BY seq DESC LIMIT 1)"
	    " FROM operations o JOIN cases c ON c.id = o.case_id WHERE o.id = ?");
	cJSON *j = NULL, *site = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		const char *txt = ecc_store_column_text(s, 6);
		j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(j, "case_id", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(j, "case_number", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(j, "type", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(j, "title", ecc_store_column_text(s, 4));
		cJSON_AddStringToObject(j, "team", ecc_store_column_text(s, 5));
		ecc_json_parse(txt, strlen(txt), 1 << 20, 8, &site);
		cJSON_AddItemToObject(j, "site", site ? site : cJSON_CreateNull());
		ecc_store_json_int(j, "planned_start", s, 7);
		ecc_store_json_int(j, "planned_end", s, 8);
		ecc_store_json_int(j, "started_at", s, 9);
		ecc_store_json_int(j, "ended_at", s, 10);
		cJSON_AddStringToObject(j, "state", ecc_store_column_text(s, 11));
		cJSON_AddStringToObject(j, "created_by", ecc_store_column_text(s, 12));
		cJSON_AddNumberToObject(j, "created_at", (double)sqlite3_column_int64(s, 13));
		cJSON_AddNumberToObject(j, "updated_at", (double)sqlite3_column_int64(s, 14));
		cJSON_AddNumberToObject(j, "segments", (double)sqlite3_column_int64(s, 15));
		if (sqlite3_column_type(s, 16) == SQLITE_NULL)
			cJSON_AddNullToObject(j, "chain_head");
		else
			cJSON_AddStringToObject(j, "chain_head", ecc_store_column_text(s, 16));
	}
	sqlite3_reset(s);
	if (j) {
		cJSON_AddItemToObject(j, "units",
		                      names(o,
		                            "SELECT unit_id FROM operation_units WHERE"
		                            " operation = ? ORDER BY unit_id",
		                            id));
		cJSON_AddItemToObject(j, "members",
		                      names(o,
		                            "SELECT username FROM operation_members WHERE"
		                            " operation = ? ORDER BY username",
		                            id));
	}
	return j;
}

int ecc_operations_get(ecc_operations *o, const struct ecc_user *u, int64_t id, cJSON **out)
{
	int rc = operations__scope(o, u, id, NULL, NULL, NULL);

	*out = NULL;
	if (rc != ECC_OK)
		return rc;
	*out = op_json(o, id);
	return *out ? ECC_OK : ECC_ERR_DB;
}

#define LIST_WHERE                                                                                 \
	" FROM operations o JOIN cases c ON c.id = o.case_id WHERE (?1 IS NULL OR o.state = ?1)"   \
	" AND (?2 IS NULL OR o.team = ?2) AND (?3 = 0 OR o.case_id = ?3)"                          \
	" AND (?4 IS NULL OR o.team = ?4) AND (?5 IS NULL OR c.judge = ?5)"

static void bind_list(sqlite3_stmt *s, const struct ecc_user *u, const struct ecc_op_query *q)
{
	ecc_store_bind_text(s, 1, q->state);
	ecc_store_bind_text(s, 2, q->team);
	sqlite3_bind_int64(s, 3, q->case_id);
	/* an officer without a team sees nothing: no team is named "\x01" */
	ecc_store_bind_text(s, 4,
	                    u->role == ECC_ROLE_OFFICER ? (u->team[0] ? u->team : "\x01") : NULL);
	ecc_store_bind_text(s, 5, u->role == ECC_ROLE_JUDGE ? u->username : NULL);
}

int ecc_operations_list(ecc_operations *o, const struct ecc_user *u, const struct ecc_op_query *q,
                        cJSON **out, char why[ECC_OPS_WHY])
{
	sqlite3_stmt *s;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	cJSON *arr;
	int64_t total = 0;

	*out = NULL;
	if (q->state && strcmp(q->state, "planned") && strcmp(q->state, "active") &&
	    strcmp(q->state, "ended") && strcmp(q->state, "cancelled")) {
		g_array_free(ids, TRUE);
		return fail(why, "state must be planned, active, ended or cancelled");
	}
	if (!center(u) && u->role != ECC_ROLE_OFFICER && u->role != ECC_ROLE_JUDGE) {
		g_array_free(ids, TRUE);
		return ECC_ERR_FORBIDDEN;
	}
	s = ecc_store_stmt(o->hub->store, "SELECT count(*)" LIST_WHERE);
	if (s) {
		bind_list(s, u, q);
		if (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
			total = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	s = ecc_store_stmt(o->hub->store,
	                   "SELECT o.id" LIST_WHERE " ORDER BY o.id DESC LIMIT ?6 OFFSET ?7");
	if (!s) {
		g_array_free(ids, TRUE);
		return ECC_ERR_DB;
	}
	bind_list(s, u, q);
	sqlite3_bind_int(s, 6, q->limit);
	sqlite3_bind_int(s, 7, q->offset);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
	*out = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*out, "operations");
	for (guint i = 0; i < ids->len; i++) {
		cJSON *j = op_json(o, g_array_index(ids, int64_t, i));
		if (j)
			cJSON_AddItemToArray(arr, j);
	}
	cJSON_AddNumberToObject(*out, "total", (double)total);
	cJSON_AddNumberToObject(*out, "offset", q->offset);
	g_array_free(ids, TRUE);
	return ECC_OK;
}

/* ---- lifecycle -------------------------------------------------------------------- */

ecc_operations *ecc_operations_new(struct ecc_hub *hub)
{
	ecc_operations *o = g_new0(ecc_operations, 1);

	o->hub = hub;
	if (operations__watch_load(o) != ECC_OK) {
		ecc_operations_free(o);
		return NULL;
	}
	return o;
}

void ecc_operations_free(ecc_operations *o)
{
	if (!o)
		return;
	operations__watch_free(o);
	g_free(o);
}
