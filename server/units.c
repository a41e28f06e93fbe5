/* units: unit definitions and live state, in memory and in the units table. */
#define G_LOG_DOMAIN "ecc-units"

#include "units.h"
#include "poswriter.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_topic.h"

#include <glib.h>
#include <string.h>

#define MISS_RETRY_MS 5000

struct ecc_units {
	ecc_store *st;
	ecc_events *ev;
	GHashTable *by_id;        /* id -> struct ecc_unit* (owned) */
	GHashTable *by_owntracks; /* "user/device" -> struct ecc_unit* */
	GPtrArray *sorted;        /* rebuilt lazily */
	GHashTable *missed;       /* unknown id -> mono ms of the last look in the store */
	bool sorted_stale;
};

static const char *const kind_names[ECC_UNIT__KINDS] = {
    "bodycam",
    "handheld",
    "vehicle",
    "drone",
};

const char *ecc_unit_kind_name(enum ecc_unit_kind k)
{
	return (unsigned)k < ECC_UNIT__KINDS ? kind_names[k] : "unknown";
}

int ecc_unit_kind_parse(const char *name, enum ecc_unit_kind *out)
{
	for (int i = 0; name && i < ECC_UNIT__KINDS; i++) {
		if (!strcmp(name, kind_names[i])) {
			*out = (enum ecc_unit_kind)i;
			return ECC_OK;
		}
	}
	return ECC_ERR_INVAL;
}

static void index_unit(ecc_units *u, struct ecc_unit *unit)
{
	g_hash_table_replace(u->by_id, unit->id, unit);
	if (unit->owntracks[0])
		g_hash_table_replace(u->by_owntracks, unit->owntracks, unit);
	u->sorted_stale = true;
}

static void unit_free(gpointer p)
{
	struct ecc_unit *unit = p;

	if (unit->pos_json)
		g_string_free(unit->pos_json, TRUE);
	g_free(unit);
}

static struct ecc_unit *row_to_unit(sqlite3_stmt *s)
{
	struct ecc_unit *unit = g_new0(struct ecc_unit, 1);

	g_strlcpy(unit->id, ecc_store_column_text(s, 0), sizeof(unit->id));
	g_strlcpy(unit->name, ecc_store_column_text(s, 1), sizeof(unit->name));
	if (ecc_unit_kind_parse(ecc_store_column_text(s, 2), &unit->kind) != ECC_OK)
		unit->kind = ECC_UNIT_HANDHELD;
	g_strlcpy(unit->team, ecc_store_column_text(s, 3), sizeof(unit->team));
	g_strlcpy(unit->owntracks, ecc_store_column_text(s, 4), sizeof(unit->owntracks));
	unit->created_at = sqlite3_column_int64(s, 5);
	ecc_position_init(&unit->pos);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
		unit->has_position = true;
		unit->pos.ts = sqlite3_column_int64(s, 6);
		unit->pos.lat = sqlite3_column_double(s, 8);
		unit->pos.lon = sqlite3_column_double(s, 9);
		unit->pos.alt = ecc_store_column_real_or_nan(s, 10);
		unit->pos.speed = ecc_store_column_real_or_nan(s, 11);
		unit->pos.heading = ecc_store_column_real_or_nan(s, 12);
		unit->pos.acc = ecc_store_column_real_or_nan(s, 13);
		unit->pos.battery = ecc_store_column_int_or(s, 14, -1);
		unit->pos.signal = ecc_store_column_int_or(s, 15, -1);
	}
	unit->last_recv = sqlite3_column_int64(s, 7);
	/* Online again only when a report arrives after this start. */
	unit->online = false;
	return unit;
}

/* The units table's live state is written every few seconds; positions
 * stored after it (the last seconds before a kill -9) are newer. */
static void newest_position(ecc_units *u, struct ecc_unit *unit)
{
	sqlite3_stmt *s = ecc_store_stmt(u->st, "SELECT ts, lat, lon, alt, speed, heading, acc,"
	                                        " battery, signal, recv_ts FROM positions"
	                                        " WHERE unit_id = ? ORDER BY ts DESC LIMIT 1");

	if (!s)
		return;
	ecc_store_bind_text(s, 1, unit->id);
	if (ecc_store_step(u->st, s) == SQLITE_ROW &&
	    (!unit->has_position || sqlite3_column_int64(s, 0) > unit->pos.ts)) {
		unit->has_position = true;
		unit->pos.ts = sqlite3_column_int64(s, 0);
		unit->pos.lat = sqlite3_column_double(s, 1);
		unit->pos.lon = sqlite3_column_double(s, 2);
		unit->pos.alt = ecc_store_column_real_or_nan(s, 3);
		unit->pos.speed = ecc_store_column_real_or_nan(s, 4);
		unit->pos.heading = ecc_store_column_real_or_nan(s, 5);
		unit->pos.acc = ecc_store_column_real_or_nan(s, 6);
		unit->pos.battery = ecc_store_column_int_or(s, 7, unit->pos.battery);
		unit->pos.signal = ecc_store_column_int_or(s, 8, unit->pos.signal);
		unit->last_recv = MAX(unit->last_recv, sqlite3_column_int64(s, 9));
	}
	sqlite3_reset(s);
}

/* Loads every unit (id NULL) or one. ECC_OK, ECC_ERR_NOTFOUND, ECC_ERR_DB. */

static int load(ecc_units *u, const char *id)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    u->st, "SELECT id, name, kind, team, owntracks, created_at, last_ts, last_recv,"
	           " lat, lon, alt, speed, heading, acc, battery, signal FROM units"
	           " WHERE ?1 IS NULL OR id = ?1");
	int rc, n = 0;

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, id);
	while ((rc = ecc_store_step(u->st, s)) == SQLITE_ROW) {
		index_unit(u, row_to_unit(s));
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return ECC_ERR_DB;
	if (id) {
		struct ecc_unit *one = ecc_units_get(u, id);
		if (one)
			newest_position(u, one);
	} else {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, u->by_id);
		while (g_hash_table_iter_next(&it, NULL, &v))
			newest_position(u, v);
	}
	return id && n == 0 ? ECC_ERR_NOTFOUND : ECC_OK;
}

struct ecc_unit *ecc_units_lookup(ecc_units *u, const char *id)
{
	struct ecc_unit *unit = ecc_units_get(u, id);
	gint64 now = ecc_mono_ms(), *missed;

	if (unit || !id)
		return unit;
	/* A unit added by the command line while we run: look once, then not
	 * again for MISS_RETRY_MS (unknown ids must not cost a query each). */
	missed = g_hash_table_lookup(u->missed, id);
	if (missed && now - *missed < MISS_RETRY_MS)
		return NULL;
	if (load(u, id) == ECC_OK && (unit = ecc_units_get(u, id))) {
		g_hash_table_remove(u->missed, id);
		g_message("unit=%s: found in the database (added while running)", id);
		ecc_events_emit(u->ev, ECC_EV_UNIT, unit);
		return unit;
	}
	if (g_hash_table_size(u->missed) > 10000)
		g_hash_table_remove_all(u->missed);
	missed = g_new(gint64, 1);
	*missed = now;
	g_hash_table_replace(u->missed, g_strdup(id), missed);
	return NULL;
}

ecc_units *ecc_units_new(ecc_store *st, ecc_events *ev)
{
	ecc_units *u = g_new0(ecc_units, 1);

	u->st = st;
	u->ev = ev;
	u->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, unit_free);
	u->by_owntracks = g_hash_table_new(g_str_hash, g_str_equal);
	u->sorted = g_ptr_array_new();
	u->missed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (load(u, NULL) != ECC_OK) {
		ecc_units_free(u);
		return NULL;
	}
	return u;
}

void ecc_units_free(ecc_units *u)
{
	if (!u)
		return;
	g_hash_table_destroy(u->missed);
	g_hash_table_destroy(u->by_owntracks);
	g_hash_table_destroy(u->by_id);
	g_ptr_array_free(u->sorted, TRUE);
	g_free(u);
}

struct ecc_unit *ecc_units_get(ecc_units *u, const char *id)
{
	return id ? g_hash_table_lookup(u->by_id, id) : NULL;
}

struct ecc_unit *ecc_units_by_owntracks(ecc_units *u, const char *user, const char *device)
{
	char key[2 * ECC_UNIT_ID_MAX + 2];

	g_snprintf(key, sizeof(key), "%s/%s", user, device);
	return g_hash_table_lookup(u->by_owntracks, key);
}

unsigned ecc_units_count(const ecc_units *u)
{
	return g_hash_table_size(u->by_id);
}

static gint by_id_cmp(gconstpointer a, gconstpointer b)
{
	const struct ecc_unit *x = *(const struct ecc_unit *const *)a;
	const struct ecc_unit *y = *(const struct ecc_unit *const *)b;

	return strcmp(x->id, y->id);
}

const GPtrArray *ecc_units_all(ecc_units *u)
{
	if (u->sorted_stale) {
		GHashTableIter it;
		gpointer v;

		g_ptr_array_set_size(u->sorted, 0);
		g_hash_table_iter_init(&it, u->by_id);
		while (g_hash_table_iter_next(&it, NULL, &v))
			g_ptr_array_add(u->sorted, v);
		g_ptr_array_sort(u->sorted, by_id_cmp);
		u->sorted_stale = false;
	}
	return u->sorted;
}

static bool owntracks_valid(const char *ot)
{
	gchar **p;
	bool ok;

	if (!ot)
		return true;
	p = g_strsplit(ot, "/", 3);
	ok = g_strv_length(p) == 2 && ecc_id_valid(p[0]) && ecc_id_valid(p[1]);
	g_strfreev(p);
	return ok;
}

int ecc_units_check_spec(const struct ecc_unit_spec *s, char *why)
{
	if (!ecc_id_valid(s->id)) {
		g_strlcpy(why, "unit id must be 1-64 of [A-Za-z0-9_.-]", 128);
		return ECC_ERR_INVAL;
	}
	if (!s->name || !*s->name || strlen(s->name) > ECC_UNIT_NAME_MAX ||
	    !g_utf8_validate(s->name, -1, NULL)) {
		g_strlcpy(why, "name must be 1-128 bytes of UTF-8", 128);
		return ECC_ERR_INVAL;
	}
	if ((unsigned)s->kind >= ECC_UNIT__KINDS) {
		g_strlcpy(why, "kind must be bodycam, handheld, vehicle or drone", 128);
		return ECC_ERR_INVAL;
	}
	if (s->team &&
	    (strlen(s->team) > ECC_UNIT_NAME_MAX || !g_utf8_validate(s->team, -1, NULL))) {
		g_strlcpy(why, "team must be at most 128 bytes of UTF-8", 128);
		return ECC_ERR_INVAL;
	}
	if (!owntracks_valid(s->owntracks)) {
		g_strlcpy(why, "owntracks must be USER/DEVICE, each [A-Za-z0-9_.-]", 128);
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

int ecc_units_add(ecc_units *u, const struct ecc_unit_spec *s, const char *actor, const char *ip,
                  char *why)
{
	struct ecc_unit *unit;
	sqlite3_stmt *st;
	char *detail;
	int rc = ecc_units_check_spec(s, why);

	if (rc != ECC_OK)
		return rc;
	if (ecc_units_get(u, s->id) ||
	    (s->owntracks && g_hash_table_contains(u->by_owntracks, s->owntracks))) {
		g_strlcpy(why, "a unit with this id or OwnTracks topic exists", 128);
		return ECC_ERR_EXISTS;
	}
	unit = g_new0(struct ecc_unit, 1);
	g_strlcpy(unit->id, s->id, sizeof(unit->id));
	g_strlcpy(unit->name, s->name, sizeof(unit->name));
	unit->kind = s->kind;
	g_strlcpy(unit->team, s->team ? s->team : "", sizeof(unit->team));
	g_strlcpy(unit->owntracks, s->owntracks ? s->owntracks : "", sizeof(unit->owntracks));
	unit->created_at = ecc_now_ms();
	ecc_position_init(&unit->pos);

	if (ecc_store_begin(u->st, true) != ECC_OK) {
		g_free(unit);
		return ECC_ERR_DB;
	}
	st = ecc_store_stmt(u->st, "INSERT INTO units(id, name, kind, team, owntracks, created_at)"
	                           " VALUES(?,?,?,?,?,?)");
	rc = ECC_ERR_DB;
	if (st) {
		ecc_store_bind_text(st, 1, unit->id);
		ecc_store_bind_text(st, 2, unit->name);
		ecc_store_bind_text(st, 3, ecc_unit_kind_name(unit->kind));
		ecc_store_bind_text(st, 4, unit->team);
		ecc_store_bind_text(st, 5, s->owntracks);
		sqlite3_bind_int64(st, 6, unit->created_at);
		rc = ecc_store_run(u->st, st);
	}
	if (rc == ECC_OK) {
		struct ecc_audit_entry e = {
		    .actor = actor, .action = "unit.add", .target = unit->id, .ip = ip};
		cJSON *d = ecc_unit_to_json(unit);
		detail = cJSON_PrintUnformatted(d);
		e.detail = detail;
		rc = ecc_audit_append(u->st, &e, NULL);
		cJSON_free(detail);
		cJSON_Delete(d);
	}
	if (rc != ECC_OK) {
		ecc_store_rollback(u->st);
		g_free(unit);
		if (rc == ECC_ERR_EXISTS)
			g_strlcpy(why, "a unit with this id or OwnTracks topic exists", 128);
		return rc;
	}
	if ((rc = ecc_store_commit(u->st)) != ECC_OK) {
		g_free(unit);
		return rc;
	}
	index_unit(u, unit);
	g_message("unit=%s: added (%s, %s)", unit->id, ecc_unit_kind_name(unit->kind), unit->name);
	ecc_events_emit(u->ev, ECC_EV_UNIT, unit);
	return ECC_OK;
}

int ecc_units_delete(ecc_units *u, const char *id, const char *actor, const char *ip)
{
	struct ecc_unit *unit = ecc_units_get(u, id);
	struct ecc_audit_entry e = {
	    .actor = actor, .action = "unit.delete", .target = id, .ip = ip};
	sqlite3_stmt *st;
	char *gone;
	int rc;

	if (!unit)
		return ECC_ERR_NOTFOUND;
	if (ecc_store_begin(u->st, true) != ECC_OK)
		return ECC_ERR_DB;
	st = ecc_store_stmt(u->st, "DELETE FROM units WHERE id = ?");
	rc = ECC_ERR_DB;
	if (st) {
		ecc_store_bind_text(st, 1, id);
		rc = ecc_store_run(u->st, st);
	}
	if (rc == ECC_OK)
		rc = ecc_audit_append(u->st, &e, NULL);
	if (rc != ECC_OK) {
		ecc_store_rollback(u->st);
		return rc;
	}
	if ((rc = ecc_store_commit(u->st)) != ECC_OK)
		return rc;
	gone = g_strdup(unit->id);
	if (unit->owntracks[0])
		g_hash_table_remove(u->by_owntracks, unit->owntracks);
	g_hash_table_remove(u->by_id, gone); /* frees unit */
	u->sorted_stale = true;
	g_message("unit=%s: deleted by %s", gone, actor);
	ecc_events_emit(u->ev, ECC_EV_UNIT_GONE, gone);
	g_free(gone);
	return ECC_OK;
}

GArray *ecc_units_take_dirty_states(ecc_units *u)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct ecc_state_row));
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, u->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct ecc_unit *unit = v;
		struct ecc_state_row row;
		if (!unit->state_dirty)
			continue;
		memset(&row, 0, sizeof(row));
		g_strlcpy(row.unit, unit->id, sizeof(row.unit));
		row.has_position = unit->has_position;
		row.pos = unit->pos;
		row.last_recv = unit->last_recv;
		g_array_append_val(out, row);
		unit->state_dirty = false;
	}
	return out;
}

/* ---- JSON --------------------------------------------------------------- */

static void add_num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
}

static void add_position_fields(cJSON *o, const struct ecc_position *p)
{
	cJSON_AddNumberToObject(o, "ts", (double)p->ts);
	cJSON_AddNumberToObject(o, "lat", p->lat);
	cJSON_AddNumberToObject(o, "lon", p->lon);
	add_num(o, "alt", p->alt);
	add_num(o, "speed", p->speed);
	add_num(o, "heading", p->heading);
	add_num(o, "acc", p->acc);
}

cJSON *ecc_unit_position_json(const struct ecc_unit *unit)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "unit", unit->id);
	add_position_fields(o, &unit->pos);
	return o;
}

static void append_num(GString *m, const char *key, double v, int decimals)
{
	if (isfinite(v))
		g_string_append_printf(m, ",\"%s\":%.*f", key, decimals, v);
}

const char *ecc_unit_position_text(struct ecc_unit *u)
{
	GString *m;

	if (u->pos_json && u->pos_json_valid)
		return u->pos_json->str;
	if (!u->pos_json)
		u->pos_json = g_string_sized_new(160);
	m = u->pos_json;
	/* unit ids are [A-Za-z0-9_.-]: no escaping needed */
	g_string_printf(m, "{\"unit\":\"%s\",\"ts\":%" G_GINT64_FORMAT, u->id, (gint64)u->pos.ts);
	append_num(m, "lat", u->pos.lat, 7);
	append_num(m, "lon", u->pos.lon, 7);
	append_num(m, "alt", u->pos.alt, 1);
	append_num(m, "speed", u->pos.speed, 2);
	append_num(m, "heading", u->pos.heading, 1);
	append_num(m, "acc", u->pos.acc, 1);
	if (u->pos.battery >= 0)
		g_string_append_printf(m, ",\"battery\":%d", u->pos.battery);
	if (u->pos.signal >= 0)
		g_string_append_printf(m, ",\"signal\":%d", u->pos.signal);
	g_string_append_c(m, '}');
	u->pos_json_valid = true;
	return m->str;
}

cJSON *ecc_unit_to_json(const struct ecc_unit *unit)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", unit->id);
	cJSON_AddStringToObject(o, "name", unit->name);
	cJSON_AddStringToObject(o, "kind", ecc_unit_kind_name(unit->kind));
	cJSON_AddStringToObject(o, "team", unit->team);
	if (unit->owntracks[0])
		cJSON_AddStringToObject(o, "owntracks", unit->owntracks);
	cJSON_AddStringToObject(o, "state", unit->online ? "online" : "offline");
	cJSON_AddBoolToObject(o, "online", unit->online);
	if (unit->last_recv)
		cJSON_AddNumberToObject(o, "last_seen", (double)unit->last_recv);
	else
		cJSON_AddNullToObject(o, "last_seen");
	if (unit->pos.battery >= 0)
		cJSON_AddNumberToObject(o, "battery", unit->pos.battery);
	if (unit->pos.signal >= 0)
		cJSON_AddNumberToObject(o, "signal", unit->pos.signal);
	cJSON_AddBoolToObject(o, "battery_low", unit->battery_low);
	if (unit->has_position) {
		cJSON *p = cJSON_AddObjectToObject(o, "position");
		add_position_fields(p, &unit->pos);
	} else {
		cJSON_AddNullToObject(o, "position");
	}
	return o;
}
