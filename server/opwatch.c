/* opwatch: active operations in memory: geofences, alerts naming them. */
#define G_LOG_DOMAIN "ecc-operations"

#include "operations_internal.h"
#include "alert.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void active_free(gpointer p)
{
	struct op_active *a = p;

	ecc_site_clear(&a->site);
	g_hash_table_destroy(a->units);
	g_hash_table_destroy(a->outside);
	g_free(a);
}

static char *subject_of(int64_t op, const char *unit)
{
	return g_strdup_printf("operation:%" G_GINT64_FORMAT "/unit:%s", (gint64)op, unit);
}

/* The operation an alert for unit belongs to (alert.h). */
static int64_t op_of(void *data, const char *unit)
{
	ecc_operations *o = data;
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, o->active);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct op_active *a = v;
		if (g_hash_table_contains(a->units, unit))
			return a->id;
	}
	return 0;
}

/* ---- geofence ------------------------------------------------------------------- */

static void check(ecc_operations *o, struct op_active *a, const struct ecc_unit *u)
{
	double d = ecc_site_outside_m(&a->site, u->pos.lat, u->pos.lon);
	bool out = g_hash_table_contains(a->outside, u->id);
	char *subject, *msg;

	if ((d > 0) == out)
		return;
	subject = subject_of(a->id, u->id);
	if (d > 0) {
		int64_t alert = 0;
		struct ecc_alert_spec sp = {
		    .kind = "geofence",
		    .severity = ECC_SEV_HIGH,
		    .unit = u->id,
		    .lat = u->pos.lat,
		    .lon = u->pos.lon,
		    .device_ts = u->pos.ts,
		    .subject = subject,
		};
		msg = g_strdup_printf("%s 离开行动 #%" G_GINT64_FORMAT " (%s) 现场范围 %.0f 米",
		                      u->name[0] ? u->name : u->id, (gint64)a->id, a->case_number,
		                      ceil(d));
		sp.message = msg;
		if (ecc_alerts_raise(o->hub->alerts, &sp, &alert) == ECC_OK) {
			g_hash_table_insert(a->outside, g_strdup(u->id),
			                    g_memdup2(&alert, sizeof(alert)));
			g_message("op=%" G_GINT64_FORMAT " unit=%s: left the site by %.0f m",
			          (gint64)a->id, u->id, d);
		}
		g_free(msg);
	} else {
		ecc_alerts_clear_subject(o->hub->alerts, subject);
		g_hash_table_remove(a->outside, u->id);
		g_message("op=%" G_GINT64_FORMAT " unit=%s: back inside the site", (gint64)a->id,
		          u->id);
	}
	g_free(subject);
}

static void on_position(void *user, enum ecc_event_kind kind, const void *obj)
{
	ecc_operations *o = user;
	const struct ecc_unit *u = obj;
	GHashTableIter it;
	gpointer v;

	(void)kind;
	if (!g_hash_table_size(o->active) || !u->has_position)
		return;
	g_hash_table_iter_init(&it, o->active);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct op_active *a = v;
		if (g_hash_table_contains(a->units, u->id))
			check(o, a, u);
	}
}

/* ---- the active set ------------------------------------------------------------- */

/* Geofence alerts of a that are still open (a hub restart keeps them). */
static void load_outside(ecc_operations *o, struct op_active *a)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    o->hub->store, "SELECT id, unit_id FROM alerts WHERE subject = ?1 || unit_id"
	                   " AND kind = 'geofence' AND state != 'cleared'"
	                   " AND operation_id = ?2");
	char *prefix;

	if (!s)
		return;
	prefix = g_strdup_printf("operation:%" G_GINT64_FORMAT "/unit:", (gint64)a->id);
	ecc_store_bind_text(s, 1, prefix);
	sqlite3_bind_int64(s, 2, a->id);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		g_hash_table_insert(a->outside, g_strdup(ecc_store_column_text(s, 1)),
		                    g_memdup2(&id, sizeof(id)));
	}
	sqlite3_reset(s);
	g_free(prefix);
}

static struct op_active *read_active(ecc_operations *o, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(o->hub->store,
	                                 "SELECT o.site, c.number FROM operations o JOIN cases c ON"
	                                 " c.id = o.case_id WHERE o.id = ? AND o.state = 'active'");
	struct op_active *a = NULL;
	char why[ECC_SITE_WHY];
	cJSON *site = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		const char *txt = ecc_store_column_text(s, 0);
		a = g_new0(struct op_active, 1);
		a->id = id;
		g_strlcpy(a->case_number, ecc_store_column_text(s, 1), sizeof(a->case_number));
		if (ecc_json_parse(txt, strlen(txt), 1 << 20, 8, &site) != ECC_OK ||
		    ecc_site_parse(site, &a->site, why) != ECC_OK)
			g_warning("op=%" G_GINT64_FORMAT ": stored site unreadable", (gint64)id);
		cJSON_Delete(site);
	}
	sqlite3_reset(s);
	if (!a)
		return NULL;
	a->units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	a->outside = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	s = ecc_store_stmt(o->hub->store,
	                   "SELECT unit_id FROM operation_units WHERE operation = ?");
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		while (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
			g_hash_table_add(a->units, g_strdup(ecc_store_column_text(s, 0)));
		sqlite3_reset(s);
	}
	load_outside(o, a);
	return a;
}

void operations__watch_sync(ecc_operations *o, int64_t id)
{
	struct op_active *a = read_active(o, id), *old = g_hash_table_lookup(o->active, &id);
	GHashTableIter it;
	gpointer k;

	if (!a && old) {
		/* ended: its units are not outside anything any more */
		g_hash_table_iter_init(&it, old->outside);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			char *subject = subject_of(id, k);
			ecc_alerts_clear_subject(o->hub->alerts, subject);
			g_free(subject);
		}
	}
	if (a)
		g_hash_table_replace(o->active, g_memdup2(&id, sizeof(id)), a);
	else
		g_hash_table_remove(o->active, &id);
	if (a && !old && a->site.kind) {
		/* where its units are now */
		g_hash_table_iter_init(&it, a->units);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			const struct ecc_unit *u = ecc_units_get(o->hub->units, k);
			if (u && u->has_position)
				check(o, a, u);
		}
	}
}

int operations__watch_load(ecc_operations *o)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(o->hub->store, "SELECT id FROM operations WHERE state = 'active'");
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int rc;

	o->active = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, active_free);
	if (!s) {
		g_array_free(ids, TRUE);
		return ECC_ERR_DB;
	}
	while ((rc = ecc_store_step(o->hub->store, s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < ids->len; i++)
		operations__watch_sync(o, g_array_index(ids, int64_t, i));
	g_array_free(ids, TRUE);
	ecc_events_listen(o->hub->events, ECC_EV_POSITION, on_position, o);
	ecc_alerts_set_operation_fn(o->hub->alerts, op_of, o);
	return rc == SQLITE_DONE ? ECC_OK : ECC_ERR_DB;
}

void operations__watch_free(ecc_operations *o)
{
	if (o->hub->alerts)
		ecc_alerts_set_operation_fn(o->hub->alerts, NULL, NULL);
	if (o->active)
		g_hash_table_destroy(o->active);
	o->active = NULL;
}
