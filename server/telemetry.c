/* telemetry: positions to batches, unit state, offline and battery checks. */
#define G_LOG_DOMAIN "ecc-telemetry"

#include "telemetry.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "track.h"

#include <glib.h>
#include <string.h>

struct pending {
	char unit[ECC_UNIT_ID_MAX + 1];
	struct ecc_position pos;
	int64_t recv;
};

struct ecc_telemetry {
	ecc_store *st;
	const struct ecc_config *cfg;
	ecc_units *units;
	ecc_alerts *alerts;
	ecc_events *ev;
	GArray *batch; /* struct pending */
	guint flush_id;
	guint check_id;
	struct ecc_telemetry_stats stats;
};

/* ---- batches ------------------------------------------------------------ */

int ecc_telemetry_flush(ecc_telemetry *t)
{
	sqlite3_stmt *s;
	int rc = ECC_OK;

	if (t->batch->len == 0)
		return ECC_OK;
	if (ecc_store_begin(t->st, false) != ECC_OK)
		return ECC_ERR_DB; /* kept for the next tick */
	for (guint i = 0; i < t->batch->len && rc == ECC_OK; i++) {
		struct pending *p = &g_array_index(t->batch, struct pending, i);
		s = ecc_store_stmt(t->st, "INSERT OR IGNORE INTO positions(unit_id, ts, recv_ts,"
		                          " lat, lon, alt, speed, heading, acc, battery, signal,"
		                          " source) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
		if (!s) {
			rc = ECC_ERR_DB;
			break;
		}
		ecc_store_bind_text(s, 1, p->unit);
		sqlite3_bind_int64(s, 2, p->pos.ts);
		sqlite3_bind_int64(s, 3, p->recv);
		sqlite3_bind_double(s, 4, p->pos.lat);
		sqlite3_bind_double(s, 5, p->pos.lon);
		ecc_store_bind_real_or_null(s, 6, p->pos.alt);
		ecc_store_bind_real_or_null(s, 7, p->pos.speed);
		ecc_store_bind_real_or_null(s, 8, p->pos.heading);
		ecc_store_bind_real_or_null(s, 9, p->pos.acc);
		ecc_store_bind_int_or_null(s, 10, p->pos.battery);
		ecc_store_bind_int_or_null(s, 11, p->pos.signal);
		sqlite3_bind_int(s, 12, p->pos.source);
		rc = ecc_store_run(t->st, s);
		if (rc == ECC_OK) {
			if (sqlite3_changes(ecc_store_db(t->st)) > 0)
				t->stats.stored++;
			else
				t->stats.duplicates++;
		}
	}
	if (rc == ECC_OK)
		rc = ecc_units_flush_state(t->units);
	if (rc == ECC_OK)
		rc = ecc_store_commit(t->st);
	else
		ecc_store_rollback(t->st);
	if (rc == ECC_OK) {
		g_array_set_size(t->batch, 0);
		t->stats.batches++;
	} else {
		g_warning("a batch of %u positions could not be stored; retrying", t->batch->len);
	}
	return rc;
}

static gboolean flush_cb(gpointer data)
{
	ecc_telemetry_flush(data);
	return G_SOURCE_CONTINUE;
}

/* ---- unit state --------------------------------------------------------- */

static void set_online(ecc_telemetry *t, struct ecc_unit *unit, bool online)
{
	if (unit->online == online)
		return;
	unit->online = online;
	unit->state_dirty = true;
	g_message("unit=%s: %s", unit->id, online ? "online" : "offline");
	ecc_events_emit(t->ev, ECC_EV_UNIT, unit);
	if (online) {
		ecc_alerts_clear(t->alerts, unit->id, "offline");
	} else {
		struct ecc_alert_spec sp = {
		    .kind = "offline",
		    .severity = ECC_SEV_MEDIUM,
		    .unit = unit->id,
		    .message = "设备离线",
		    .lat = unit->has_position ? unit->pos.lat : NAN,
		    .lon = unit->has_position ? unit->pos.lon : NAN,
		};
		ecc_alerts_raise(t->alerts, &sp, NULL);
	}
}

void ecc_telemetry_seen(ecc_telemetry *t, struct ecc_unit *unit)
{
	unit->last_recv = ecc_now_ms();
	unit->state_dirty = true;
	set_online(t, unit, true);
}

static void check_battery(ecc_telemetry *t, struct ecc_unit *unit, int battery)
{
	bool low;

	if (battery < 0)
		return;
	/* 5 points of hysteresis so a reading that wobbles does not flap. */
	low = unit->battery_low ? battery < t->cfg->battery_low + 5 : battery < t->cfg->battery_low;
	if (low == unit->battery_low)
		return;
	unit->battery_low = low;
	if (low) {
		struct ecc_alert_spec sp = {
		    .kind = "battery_low",
		    .severity = ECC_SEV_MEDIUM,
		    .unit = unit->id,
		    .message = "电量低",
		    .lat = unit->pos.lat,
		    .lon = unit->pos.lon,
		};
		ecc_alerts_raise(t->alerts, &sp, NULL);
	} else {
		ecc_alerts_clear(t->alerts, unit->id, "battery_low");
	}
}

int ecc_telemetry_submit(ecc_telemetry *t, const char *unit_id, const struct ecc_position *p)
{
	struct ecc_unit *unit = ecc_units_lookup(t->units, unit_id);

	gint64 now = ecc_now_ms();
	struct pending pe;
	bool newest;

	if (!unit) {
		t->stats.rejected++;
		return ECC_ERR_NOTFOUND;
	}
	if (!ecc_position_valid(p) || p->ts > now + (gint64)t->cfg->max_future_skew * 1000) {
		t->stats.rejected++;
		return ECC_ERR_INVAL;
	}
	memset(&pe, 0, sizeof(pe));
	g_strlcpy(pe.unit, unit->id, sizeof(pe.unit));
	pe.pos = *p;
	pe.recv = now;
	g_array_append_val(t->batch, pe);
	t->stats.received++;

	newest = !unit->has_position || p->ts > unit->pos.ts;
	if (newest) {
		int battery = p->battery >= 0 ? p->battery : unit->pos.battery;
		int signal = p->signal >= 0 ? p->signal : unit->pos.signal;
		bool state_change = battery != unit->pos.battery || signal != unit->pos.signal;
		unit->pos = *p;
		unit->pos.battery = battery;
		unit->pos.signal = signal;
		unit->has_position = true;
		ecc_telemetry_seen(t, unit);
		ecc_events_emit(t->ev, ECC_EV_POSITION, unit);
		if (state_change)
			ecc_events_emit(t->ev, ECC_EV_UNIT, unit);
		check_battery(t, unit, battery);
	} else {
		/* A late position (back from a dead zone): stored in order, the
		 * map keeps the newest. */
		ecc_telemetry_seen(t, unit);
	}
	if (t->batch->len >= 5000)
		ecc_telemetry_flush(t);
	return ECC_OK;
}

void ecc_telemetry_count_rejected(ecc_telemetry *t)
{
	t->stats.rejected++;
}

static gboolean check_cb(gpointer data)
{
	ecc_telemetry *t = data;
	gint64 limit = ecc_now_ms() - (gint64)t->cfg->offline_after * 1000;
	const GPtrArray *all = ecc_units_all(t->units);

	for (guint i = 0; i < all->len; i++) {
		struct ecc_unit *unit = g_ptr_array_index(all, i);
		if (unit->online && unit->last_recv < limit)
			set_online(t, unit, false);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- track -------------------------------------------------------------- */

cJSON *ecc_telemetry_track(ecc_telemetry *t, const char *unit_id, int64_t from, int64_t to,
                           int max_points)
{
	sqlite3_stmt *s;
	GArray *pts = g_array_new(FALSE, FALSE, sizeof(struct ecc_track_point));
	cJSON *feature;
	int rc;

	/* Positions still in the batch belong in the answer too. */
	ecc_telemetry_flush(t);
	s = ecc_store_stmt(t->st, "SELECT ts, lat, lon FROM positions WHERE unit_id = ? AND"
	                          " ts >= ? AND ts <= ? ORDER BY ts");
	if (!s) {
		g_array_free(pts, TRUE);
		return NULL;
	}
	ecc_store_bind_text(s, 1, unit_id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = ecc_store_step(t->st, s)) == SQLITE_ROW) {
		struct ecc_track_point p = {
		    .ts = sqlite3_column_int64(s, 0),
		    .lat = sqlite3_column_double(s, 1),
		    .lon = sqlite3_column_double(s, 2),
		};
		g_array_append_val(pts, p);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_array_free(pts, TRUE);
		return NULL;
	}
	feature = ecc_track_geojson(unit_id, (struct ecc_track_point *)(void *)pts->data, pts->len,
	                            max_points);
	g_array_free(pts, TRUE);
	return feature;
}

/* ---- lifecycle ---------------------------------------------------------- */

ecc_telemetry *ecc_telemetry_new(ecc_store *st, const struct ecc_config *cfg, ecc_units *units,
                                 ecc_alerts *alerts, ecc_events *ev)
{
	ecc_telemetry *t = g_new0(ecc_telemetry, 1);

	t->st = st;
	t->cfg = cfg;
	t->units = units;
	t->alerts = alerts;
	t->ev = ev;
	t->batch = g_array_sized_new(FALSE, FALSE, sizeof(struct pending), 1024);
	t->flush_id = g_timeout_add((guint)cfg->batch_ms, flush_cb, t);
	t->check_id = g_timeout_add_seconds(1, check_cb, t);
	return t;
}

void ecc_telemetry_free(ecc_telemetry *t)
{
	if (!t)
		return;
	ecc_telemetry_flush(t);
	g_source_remove(t->flush_id);
	g_source_remove(t->check_id);
	g_array_free(t->batch, TRUE);
	g_free(t);
}

void ecc_telemetry_get_stats(const ecc_telemetry *t, struct ecc_telemetry_stats *out)
{
	*out = t->stats;
}
