/* telemetry: positions to batches, unit state, offline and battery checks. */
#define G_LOG_DOMAIN "ecc-telemetry"

#include "telemetry.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "poswriter.h"
#include "track.h"

#include <glib.h>
#include <string.h>

struct ecc_telemetry {
	ecc_store *st;
	const struct ecc_config *cfg;
	ecc_units *units;
	ecc_alerts *alerts;
	ecc_events *ev;
	ecc_poswriter *writer;
	GArray *batch; /* struct ecc_pos_row, handed to the writer each batch_ms */
	guint flush_id;
	guint check_id;
	gint64 state_flushed; /* mono ms */
	uint64_t received, rejected;
	void (*pressure)(void *user, bool behind);
	void *pressure_user;
	guint relief_id; /* while behind: checks the backlog every 10 ms */
};

#define STATE_FLUSH_MS 5000
/* Batches waiting for the disk at which MQTT reading pauses, and resumes. */
#define BACKLOG_HIGH 10
#define BACKLOG_LOW  2

static GArray *new_batch(void)
{
	return g_array_sized_new(FALSE, FALSE, sizeof(struct ecc_pos_row), 1024);
}

/* ---- batches ------------------------------------------------------------ */

static gboolean relief_cb(gpointer data)
{
	ecc_telemetry *t = data;

	if (ecc_poswriter_backlog(t->writer) > BACKLOG_LOW)
		return G_SOURCE_CONTINUE;
	t->relief_id = 0;
	if (t->pressure)
		t->pressure(t->pressure_user, false);

	return G_SOURCE_REMOVE;
}

void ecc_telemetry_on_pressure(ecc_telemetry *t, void (*fn)(void *user, bool behind), void *user)
{
	t->pressure = fn;
	t->pressure_user = user;
}

/* Hands the batch (and, every few seconds, the units' live state) to the
 * writer thread. The live state is kept for a restart; every batch would
 * rewrite a row per unit ten times a second, and a restart takes newer
 * positions from the positions table anyway. */
static void flush(ecc_telemetry *t, bool force_state)
{
	GArray *states = NULL;

	if (force_state || ecc_mono_ms() - t->state_flushed >= STATE_FLUSH_MS) {
		states = ecc_units_take_dirty_states(t->units);
		t->state_flushed = ecc_mono_ms();
		if (states->len == 0) {
			g_array_free(states, TRUE);
			states = NULL;
		}
	}
	if (t->batch->len == 0 && !states)
		return;
	ecc_poswriter_submit(t->writer, t->batch, states);
	t->batch = new_batch();
	if (!t->relief_id && t->pressure && ecc_poswriter_backlog(t->writer) >= BACKLOG_HIGH) {
		g_message("the disk is behind by %d batches: pausing MQTT intake", BACKLOG_HIGH);
		t->pressure(t->pressure_user, true);
		t->relief_id = g_timeout_add(10, relief_cb, t);
	}
}

int ecc_telemetry_flush(ecc_telemetry *t)
{
	flush(t, false);
	return ecc_poswriter_sync(t->writer, 5000);
}

static gboolean flush_cb(gpointer data)
{
	flush(data, false);
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
	ecc_events_emit(t->ev, ECC_EV_UNIT, unit);

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
	struct ecc_pos_row row;
	bool newest;

	if (!unit) {
		t->rejected++;
		return ECC_ERR_NOTFOUND;
	}
	if (!ecc_position_valid(p) || p->ts > now + (gint64)t->cfg->max_future_skew * 1000) {
		t->rejected++;
		return ECC_ERR_INVAL;
	}
	memset(&row, 0, sizeof(row));
	g_strlcpy(row.unit, unit->id, sizeof(row.unit));
	row.pos = *p;
	row.recv = now;
	g_array_append_val(t->batch, row);
	t->received++;

	newest = !unit->has_position || p->ts > unit->pos.ts;
	if (newest) {
		/* Battery and signal ride along with positions (the positions
		 * message carries them); a report without them keeps the last. */
		int battery = p->battery >= 0 ? p->battery : unit->pos.battery;
		int signal = p->signal >= 0 ? p->signal : unit->pos.signal;
		unit->pos = *p;
		ecc_unit_position_changed(unit);
		unit->pos.battery = battery;
		unit->pos.signal = signal;
		unit->has_position = true;
		ecc_telemetry_seen(t, unit);
		ecc_events_emit(t->ev, ECC_EV_POSITION, unit);
		check_battery(t, unit, battery);

	} else {
		/* A late position (back from a dead zone): stored in order, the
		 * map keeps the newest. */
		ecc_telemetry_seen(t, unit);
	}
	if (t->batch->len >= 5000)
		flush(t, false);
	return ECC_OK;
}

void ecc_telemetry_count_rejected(ecc_telemetry *t)
{
	t->rejected++;
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

	t->writer = ecc_poswriter_new(cfg->database);
	if (!t->writer) {
		g_free(t);
		return NULL;
	}
	t->st = st;
	t->cfg = cfg;
	t->units = units;
	t->alerts = alerts;
	t->ev = ev;
	t->batch = new_batch();
	t->flush_id = g_timeout_add((guint)cfg->batch_ms, flush_cb, t);
	t->check_id = g_timeout_add_seconds(1, check_cb, t);
	return t;
}

void ecc_telemetry_free(ecc_telemetry *t)
{
	if (!t)
		return;
	flush(t, true);
	if (t->relief_id)
		g_source_remove(t->relief_id);
	g_source_remove(t->flush_id);
	g_source_remove(t->check_id);
	ecc_poswriter_free(t->writer); /* writes what is queued, then joins */
	g_array_free(t->batch, TRUE);
	g_free(t);
}

void ecc_telemetry_get_stats(ecc_telemetry *t, struct ecc_telemetry_stats *out)
{
	struct ecc_poswriter_stats w;

	ecc_poswriter_get_stats(t->writer, &w);
	out->received = t->received;
	out->rejected = t->rejected;
	out->stored = w.stored;
	out->duplicates = w.duplicates;
	out->batches = w.batches;
	out->batch_us_max = w.batch_us_max;
	out->write_failures = w.failures;
}
