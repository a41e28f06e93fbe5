/* recordings: filing, timeline, playlist, locks and retention of segments. */
#define G_LOG_DOMAIN "ecc-recordings"

#include "recordings.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "gateways.h"
#include "operations.h"

#include <stdio.h>
#include <string.h>

/* Consecutive segments further apart than this leave a gap on the timeline. */
#define GAP_MS 2000
/* Segments a low-disk gateway loses per retention pass. */
#define DISK_BATCH 20

struct ecc_recordings {
	struct ecc_hub *hub;
	GHashTable *deleting; /* "gw\x1fpath" of deletions ordered and not yet confirmed */
	guint retain_id;
};

#define COLS                                                                                       \
	"id, stream_id, unit_id, gateway, root, path, t0, t1, bytes, init_bytes, media_bytes,"     \
	" sha256, vcodec, acodec, width, height, cut_short, locked, filed_at, deleted_at,"         \
	" room_id, participant_id"

static cJSON *row_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddNumberToObject(o, "stream", (double)sqlite3_column_int64(s, 1));
	cJSON_AddStringToObject(o, "unit", ecc_store_column_text(s, 2));
	cJSON_AddStringToObject(o, "gateway", ecc_store_column_text(s, 3));
	cJSON_AddStringToObject(o, "path", ecc_store_column_text(s, 5));
	cJSON_AddNumberToObject(o, "t0", (double)sqlite3_column_int64(s, 6));
	cJSON_AddNumberToObject(o, "t1", (double)sqlite3_column_int64(s, 7));
	cJSON_AddNumberToObject(o, "bytes", (double)sqlite3_column_int64(s, 8));
	cJSON_AddNumberToObject(o, "init_bytes", (double)sqlite3_column_int64(s, 9));
	cJSON_AddNumberToObject(o, "media_bytes", (double)sqlite3_column_int64(s, 10));
	cJSON_AddStringToObject(o, "sha256", ecc_store_column_text(s, 11));
	cJSON_AddStringToObject(o, "vcodec", ecc_store_column_text(s, 12));
	cJSON_AddStringToObject(o, "acodec", ecc_store_column_text(s, 13));
	cJSON_AddNumberToObject(o, "width", sqlite3_column_int(s, 14));
	cJSON_AddNumberToObject(o, "height", sqlite3_column_int(s, 15));
	cJSON_AddBoolToObject(o, "cut_short", sqlite3_column_int(s, 16));
	cJSON_AddBoolToObject(o, "locked", sqlite3_column_int(s, 17));
	cJSON_AddNumberToObject(o, "filed_at", (double)sqlite3_column_int64(s, 18));
	cJSON_AddBoolToObject(o, "deleted", sqlite3_column_type(s, 19) != SQLITE_NULL);
	if (sqlite3_column_type(s, 20) != SQLITE_NULL) { /* a consultation room's */
		cJSON_AddNumberToObject(o, "room", (double)sqlite3_column_int64(s, 20));
		if (sqlite3_column_type(s, 21) != SQLITE_NULL) /* else the hearing's mix */
			cJSON_AddNumberToObject(o, "participant",
			                        (double)sqlite3_column_int64(s, 21));
	}
	return o;
}

/* ---- filing ------------------------------------------------------------------ */

static int64_t num(const cJSON *o, const char *k)
{
	double d = 0;

	ecc_json_get_number(o, k, &d);
	return (int64_t)d;
}

static const char *str(const cJSON *o, const char *k)
{
	const char *v = "";

	ecc_json_get_string(o, k, &v);
	return v;
}

static bool path_ok(const char *p)
{
	return p[0] && p[0] != '/' && !strstr(p, "..") && g_str_has_suffix(p, ".mp4");
}

/* A consultation room's stream, by its gateway name: "r<room>mix" (the
 * hearing's mix: *pid 0) or "r<room>p<pid>" (a participant's camera, "s"
 * after it: its shared screen), owned by unit "room<room>" of a room that
 * exists. Names survive a restart of the hub or the gateway (a segment cut
 * short is filed at the gateway's restart). */
static bool room_stream(ecc_recordings *r, const char *unit, const char *stream, int64_t *room,
                        int64_t *pid)
{
	char *end = NULL, owner[32];
	sqlite3_stmt *s;
	bool found;

	if (stream[0] != 'r' || !g_ascii_isdigit(stream[1]))
		return false;
	*room = g_ascii_strtoll(stream + 1, &end, 10);
	*pid = 0;
	if (*room <= 0 || !end)
		return false;
	if (g_str_has_prefix(end, "p") && g_ascii_isdigit(end[1])) {
		*pid = g_ascii_strtoll(end + 1, &end, 10);
		if (*pid <= 0 || (strcmp(end, "") != 0 && strcmp(end, "s") != 0))
			return false;
	} else if (strcmp(end, "mix") != 0) {
		return false;
	}
	g_snprintf(owner, sizeof(owner), "room%" G_GINT64_FORMAT, (gint64)*room);
	if (strcmp(unit, owner) != 0)
		return false;
	s = ecc_store_stmt(r->hub->store, "SELECT 1 FROM rooms WHERE id = ?");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, *room);
	found = ecc_store_step(r->hub->store, s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

void ecc_recordings_on_segment(ecc_recordings *r, const char *gw, const cJSON *seg)
{
	struct ecc_gateway *g = ecc_gateways_get(r->hub->gateways, gw);
	const char *path = str(seg, "path"), *unit = str(seg, "unit"), *stream = str(seg, "stream");
	int64_t room = 0, pid = 0;
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	if (!path_ok(path) ||
	    (!ecc_units_get(r->hub->units, unit) && !room_stream(r, unit, stream, &room, &pid)) ||
	    strlen(str(seg, "sha256")) != 64) {
		g_warning("gw=%s: segment report refused (path, unit or hash)", gw);
		return;
	}
	if (ecc_store_begin(r->hub->store, true) != ECC_OK)
		return;
	s = ecc_store_stmt(
	    r->hub->store,
	    "INSERT OR IGNORE INTO recordings(stream_id, unit_id, gateway, root, path,"
	    " t0, t1, bytes, init_bytes, media_bytes, sha256, vcodec, acodec, width,"
	    " height, cut_short, filed_at, room_id, participant_id)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	rc = ECC_ERR_DB;
	if (s) {
		if (stream[0] == 's')
			sqlite3_bind_int64(s, 1, g_ascii_strtoll(stream + 1, NULL, 10));
		else
			sqlite3_bind_null(s, 1);
		ecc_store_bind_text(s, 2, unit);
		ecc_store_bind_text(s, 3, gw);
		ecc_store_bind_text(s, 4, g && g->recordings ? g->recordings : "");
		ecc_store_bind_text(s, 5, path);
		sqlite3_bind_int64(s, 6, num(seg, "t0"));
		sqlite3_bind_int64(s, 7, MAX(num(seg, "t1"), num(seg, "t0")));
		sqlite3_bind_int64(s, 8, num(seg, "bytes"));
		sqlite3_bind_int64(s, 9, num(seg, "init_bytes"));
		sqlite3_bind_int64(s, 10, num(seg, "media_bytes"));
		ecc_store_bind_text(s, 11, str(seg, "sha256"));
		ecc_store_bind_text(s, 12, str(seg, "vcodec"));
		ecc_store_bind_text(s, 13, str(seg, "acodec"));
		sqlite3_bind_int64(s, 14, num(seg, "width"));
		sqlite3_bind_int64(s, 15, num(seg, "height"));
		sqlite3_bind_int(s, 16,
		                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(seg, "cut_short")));
		sqlite3_bind_int64(s, 17, ecc_now_ms());
		if (room)
			sqlite3_bind_int64(s, 18, room);
		else
			sqlite3_bind_null(s, 18);
		if (pid)
			sqlite3_bind_int64(s, 19, pid);
		else
			sqlite3_bind_null(s, 19);
		rc = ecc_store_run(r->hub->store, s);
	}
	id = sqlite3_changes(ecc_store_db(r->hub->store)) > 0
	         ? sqlite3_last_insert_rowid(ecc_store_db(r->hub->store))
	         : 0;
	if (rc != ECC_OK || ecc_store_commit(r->hub->store) != ECC_OK) {
		ecc_store_rollback(r->hub->store);
		g_warning("gw=%s: segment %s not filed", gw, path);
		return;
	}
	if (!id)
		return; /* a report sent again after a restart: filed already */
	g_message("unit=%s: segment filed: %s (%s)", unit, path,
	          cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(seg, "cut_short")) ? "cut short"
	                                                                           : "whole");
	ecc_operations_on_segment(r->hub->operations, id); /* evidence of an operation */
	{
		cJSON *o = ecc_recordings_get(r, id);
		if (o) {
			ecc_events_emit(r->hub->events, ECC_EV_RECORDING, o);
			cJSON_Delete(o);
		}
	}
}

cJSON *ecc_recordings_get(ecc_recordings *r, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(r->hub->store, "SELECT " COLS " FROM recordings WHERE id = ?");
	cJSON *o = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(r->hub->store, s) == SQLITE_ROW)
		o = row_json(s);
	sqlite3_reset(s);
	return o;
}

int ecc_recordings_file(ecc_recordings *r, int64_t id, char **path, char unit[65], int64_t *room)
{
	sqlite3_stmt *s = ecc_store_stmt(r->hub->store, "SELECT root, path, unit_id, room_id"
	                                                " FROM recordings"
	                                                " WHERE id = ? AND deleted_at IS NULL");
	int rc;

	*path = NULL;
	if (room)
		*room = 0;
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(r->hub->store, s);
	if (rc == SQLITE_ROW) {
		*path = g_build_filename(ecc_store_column_text(s, 0), ecc_store_column_text(s, 1),
		                         NULL);
		g_strlcpy(unit, ecc_store_column_text(s, 2), 65);
		if (room)
			*room = sqlite3_column_int64(s, 3); /* NULL: 0, a unit's */
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

/* ---- timeline ------------------------------------------------------------------- */

cJSON *ecc_recordings_room(ecc_recordings *r, int64_t room)
{
	sqlite3_stmt *s = ecc_store_stmt(r->hub->store, "SELECT " COLS " FROM recordings"
	                                                " WHERE room_id = ? AND deleted_at IS NULL"
	                                                " ORDER BY t0, id LIMIT 5000");
	cJSON *list = cJSON_CreateArray();

	if (!s)
		return list;
	sqlite3_bind_int64(s, 1, room);
	while (ecc_store_step(r->hub->store, s) == SQLITE_ROW)
		cJSON_AddItemToArray(list, row_json(s));
	sqlite3_reset(s);
	return list;
}

cJSON *ecc_recordings_list(ecc_recordings *r, const char *unit, int64_t from, int64_t to, int limit,
                           int offset)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(r->hub->store, "SELECT " COLS " FROM recordings WHERE unit_id = ?1 AND"
	                                  " deleted_at IS NULL AND t0 <= ?3 AND t1 >= ?2"
	                                  " ORDER BY t0 LIMIT ?4 OFFSET ?5");
	cJSON *o, *segs, *gaps;
	int64_t prev_end = from;
	int n = 0;

	if (!s)
		return NULL;
	o = cJSON_CreateObject();
	segs = cJSON_AddArrayToObject(o, "segments");
	gaps = cJSON_AddArrayToObject(o, "gaps");
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	sqlite3_bind_int(s, 4, limit + 1);
	sqlite3_bind_int(s, 5, offset);
	while (ecc_store_step(r->hub->store, s) == SQLITE_ROW) {
		int64_t t0 = sqlite3_column_int64(s, 6), t1 = sqlite3_column_int64(s, 7);
		if (n++ == limit) {
			cJSON_AddBoolToObject(o, "more", true);
			break;
		}
		if (t0 - prev_end > GAP_MS) {
			cJSON *g = cJSON_CreateObject();
			cJSON_AddNumberToObject(g, "from", (double)prev_end);
			cJSON_AddNumberToObject(g, "to", (double)t0);
			cJSON_AddItemToArray(gaps, g);
		}
		prev_end = MAX(prev_end, t1);
		cJSON_AddItemToArray(segs, row_json(s));
	}
	sqlite3_reset(s);
	if (n <= limit && to - prev_end > GAP_MS && to != G_MAXINT64) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddNumberToObject(g, "from", (double)prev_end);
		cJSON_AddNumberToObject(g, "to", (double)to);
		cJSON_AddItemToArray(gaps, g);
	}
	if (!cJSON_GetObjectItemCaseSensitive(o, "more"))
		cJSON_AddBoolToObject(o, "more", false);
	cJSON_AddNumberToObject(o, "offset", offset);
	return o;
}

char *ecc_recordings_playlist(ecc_recordings *r, const char *unit, int64_t from, int64_t to,
                              const char *seg_url)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    r->hub->store, "SELECT id, t0, t1, init_bytes, media_bytes FROM recordings"
	                   " WHERE unit_id = ?1 AND deleted_at IS NULL AND t0 <= ?3 AND"
	                   " t1 >= ?2 AND init_bytes > 0 AND media_bytes > 0"
	                   " AND vcodec = 'h264' ORDER BY t0 LIMIT 5000");
	GString *body = g_string_new(NULL), *out;
	double longest = 1;
	bool first = true;

	if (!s) {
		g_string_free(body, TRUE);
		return NULL;
	}
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while (ecc_store_step(r->hub->store, s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0), t0 = sqlite3_column_int64(s, 1);
		double dur = (double)(sqlite3_column_int64(s, 2) - t0) / 1000.0;
		int64_t init = sqlite3_column_int64(s, 3), media = sqlite3_column_int64(s, 4);
		GDateTime *dt = g_date_time_new_from_unix_utc(t0 / 1000);
		char *pdt = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");

		longest = MAX(longest, dur);
		/* Each segment is its own fMP4 file: its own init section, and a
		 * discontinuity before it (timestamps restart in every file). */
		if (!first)
			g_string_append(body, "#EXT-X-DISCONTINUITY\n");
		first = false;
		g_string_append_printf(body,
		                       "#EXT-X-PROGRAM-DATE-TIME:%s.%03dZ\n"
		                       "#EXT-X-MAP:URI=\"%s%" G_GINT64_FORMAT "/file\","
		                       "BYTERANGE=\"%" G_GINT64_FORMAT "@0\"\n"
		                       "#EXTINF:%.3f,\n#EXT-X-BYTERANGE:%" G_GINT64_FORMAT
		                       "@%" G_GINT64_FORMAT "\n%s%" G_GINT64_FORMAT "/file\n",
		                       pdt, (int)(t0 % 1000), seg_url, (gint64)id, (gint64)init,
		                       dur, (gint64)media, (gint64)init, seg_url, (gint64)id);
		g_free(pdt);
		g_date_time_unref(dt);
	}
	sqlite3_reset(s);
	out = g_string_new("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-PLAYLIST-TYPE:VOD\n"
	                   "#EXT-X-INDEPENDENT-SEGMENTS\n");
	g_string_append_printf(out, "#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n",
	                       (int)longest + 1);
	g_string_append(out, body->str);
	g_string_append(out, "#EXT-X-ENDLIST\n");
	g_string_free(body, TRUE);
	return g_string_free(out, FALSE);
}

/* ---- locks ------------------------------------------------------------------------ */

/* Whether the segment's deletion has been ordered and not yet confirmed. */
static bool being_deleted(ecc_recordings *r, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(r->hub->store, "SELECT gateway, path FROM recordings WHERE id = ?");
	bool found = false;

	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(r->hub->store, s) == SQLITE_ROW) {
		char *key = g_strdup_printf("%s\x1f%s", ecc_store_column_text(s, 0),
		                            ecc_store_column_text(s, 1));
		found = g_hash_table_contains(r->deleting, key);
		g_free(key);
	}
	sqlite3_reset(s);
	return found;
}

int ecc_recordings_lock(ecc_recordings *r, int64_t id, bool locked, const char *actor,
                        const char *ip)
{
	struct ecc_audit_entry e = {
	    .actor = actor, .action = locked ? "recording.lock" : "recording.unlock", .ip = ip};
	sqlite3_stmt *s;
	char target[32];
	int rc;

	if (locked && being_deleted(r, id))
		return ECC_ERR_EXISTS; /* the gateway knows no locks: too late */
	if (!locked && ecc_operations_holds(r->hub->operations, id))
		return ECC_ERR_FORBIDDEN; /* evidence of an operation: nobody unlocks it */
	if (ecc_store_begin(r->hub->store, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(r->hub->store, "UPDATE recordings SET locked = ? WHERE id = ? AND"
	                                  " deleted_at IS NULL");
	rc = ECC_ERR_DB;
	if (s) {
		sqlite3_bind_int(s, 1, locked);
		sqlite3_bind_int64(s, 2, id);
		rc = ecc_store_run(r->hub->store, s);
	}
	if (rc == ECC_OK && sqlite3_changes(ecc_store_db(r->hub->store)) == 0)
		rc = ECC_ERR_NOTFOUND;
	g_snprintf(target, sizeof(target), "recording:%" G_GINT64_FORMAT, (gint64)id);
	e.target = target;
	if (rc == ECC_OK)
		rc = ecc_audit_append(r->hub->store, &e, NULL);
	if (rc != ECC_OK) {
		ecc_store_rollback(r->hub->store);
		return rc;
	}
	return ecc_store_commit(r->hub->store);
}

/* ---- retention ------------------------------------------------------------------ */

static void order_delete(ecc_recordings *r, const char *gw, const char *path, const char *sha,
                         const char *why);

int ecc_recordings_delete(ecc_recordings *r, int64_t id, const char *actor, const char *ip)
{
	struct ecc_audit_entry e = {.actor = actor, .action = "recording.delete_request", .ip = ip};
	sqlite3_stmt *s = ecc_store_stmt(r->hub->store, "SELECT gateway, path, sha256, locked FROM"
	                                                " recordings WHERE id = ? AND"
	                                                " deleted_at IS NULL");
	char target[32], *gw = NULL, *path = NULL, *sha = NULL;
	struct ecc_gateway *g;
	bool locked = false;
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(r->hub->store, s);
	if (rc == SQLITE_ROW) {
		gw = g_strdup(ecc_store_column_text(s, 0));
		path = g_strdup(ecc_store_column_text(s, 1));
		sha = g_strdup(ecc_store_column_text(s, 2));
		locked = sqlite3_column_int(s, 3);
	}
	sqlite3_reset(s);
	g_snprintf(target, sizeof(target), "recording:%" G_GINT64_FORMAT, (gint64)id);
	e.target = target;
	g = gw ? ecc_gateways_get(r->hub->gateways, gw) : NULL;
	rc = rc != SQLITE_ROW   ? (rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB)
	     : locked           ? ECC_ERR_FORBIDDEN
	     : !g || !g->online ? ECC_ERR_UNAVAIL
	                        : ECC_OK;
	if (rc != ECC_ERR_NOTFOUND && rc != ECC_ERR_DB) {
		/* refusals too: someone tried to delete evidence */
		e.result = rc == ECC_OK ? "ok" : rc == ECC_ERR_FORBIDDEN ? "denied" : "error";
		if (ecc_audit_append(r->hub->store, &e, NULL) != ECC_OK)
			rc = ECC_ERR_DB;
	}
	if (rc == ECC_OK)
		order_delete(r, gw, path, sha, "request");
	g_free(gw);
	g_free(path);
	g_free(sha);
	return rc;
}

static void order_delete(ecc_recordings *r, const char *gw, const char *path, const char *sha,
                         const char *why)
{
	char *key = g_strdup_printf("%s\x1f%s", gw, path);
	cJSON *o;

	if (g_hash_table_contains(r->deleting, key)) {
		g_free(key);
		return;
	}
	g_hash_table_insert(r->deleting, key, g_strdup(why));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "op", "delete");
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "sha256", sha);
	ecc_gateways_send(r->hub->gateways, gw, o);
}

/* Orders deletions of up to limit unlocked segments matching the query. */
static void retain_query(ecc_recordings *r, const char *sql, const char *gw, int64_t before,
                         int limit, const char *why)
{
	sqlite3_stmt *s = ecc_store_stmt(r->hub->store, sql);
	GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);

	if (!s)
		return;
	ecc_store_bind_text(s, 1, gw);
	sqlite3_bind_int64(s, 2, before);
	sqlite3_bind_int(s, 3, limit);
	while (ecc_store_step(r->hub->store, s) == SQLITE_ROW) {
		g_ptr_array_add(rows, g_strdup(ecc_store_column_text(s, 0))); /* gateway */
		g_ptr_array_add(rows, g_strdup(ecc_store_column_text(s, 1))); /* path */
		g_ptr_array_add(rows, g_strdup(ecc_store_column_text(s, 2))); /* sha256 */
	}
	sqlite3_reset(s);
	for (guint i = 0; i + 2 < rows->len; i += 3) {
		struct ecc_gateway *g =
		    ecc_gateways_get(r->hub->gateways, g_ptr_array_index(rows, i));
		if (g && g->online)
			order_delete(r, g->id, g_ptr_array_index(rows, i + 1),
			             g_ptr_array_index(rows, i + 2), why);
	}
	g_ptr_array_free(rows, TRUE);
}

void ecc_recordings_retain(ecc_recordings *r)
{
	const struct ecc_config *c = r->hub->cfg;
	int64_t before = ecc_now_ms() - (int64_t)c->retention_days * 86400000;
	GPtrArray *gws;

	/* by age, every gateway (?1 NULL), oldest first */
	retain_query(
	    r,
	    "SELECT gateway, path, sha256 FROM recordings WHERE deleted_at IS NULL AND"
	    " locked = 0 AND (?1 IS NULL OR gateway = ?1) AND t1 < ?2 ORDER BY t1 LIMIT ?3",
	    NULL, before, 200, "age");
	/* by free disk: a low gateway loses its oldest unlocked segments */
	gws = ecc_gateways_online(r->hub->gateways);
	for (guint i = 0; i < gws->len; i++) {
		struct ecc_gateway *g = g_ptr_array_index(gws, i);
		if (g->disk_low)
			retain_query(r,
			             "SELECT gateway, path, sha256 FROM recordings WHERE"
			             " deleted_at IS NULL AND locked = 0 AND (?1 IS NULL OR"
			             " gateway = ?1) AND t1 < ?2 ORDER BY t1 LIMIT ?3",
			             g->id, G_MAXINT64, DISK_BATCH, "disk");
	}
	g_ptr_array_free(gws, TRUE);
}

void ecc_recordings_on_deleted(ecc_recordings *r, const char *gw, const cJSON *evt)
{
	const char *path = str(evt, "path"), *sha = str(evt, "sha256");
	char *key = g_strdup_printf("%s\x1f%s", gw, path), *detail;
	const char *why = g_hash_table_lookup(r->deleting, key);
	struct ecc_audit_entry e = {
	    .actor = "system", .action = "recording.delete", .target = path};
	sqlite3_stmt *s;
	int rc = ECC_ERR_DB;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(evt, "ok"))) {
		g_warning("gw=%s: segment %s was not deleted", gw, path);
		g_hash_table_remove(r->deleting, key);
		g_free(key);
		return;
	}
	detail = g_strdup_printf("{\"gateway\":\"%s\",\"sha256\":\"%s\",\"reason\":\"%s\"}", gw,
	                         sha, why ? why : "retention");
	e.detail = detail;
	if (ecc_store_begin(r->hub->store, true) == ECC_OK) {
		s = ecc_store_stmt(r->hub->store, "UPDATE recordings SET deleted_at = ? WHERE"
		                                  " gateway = ? AND path = ? AND sha256 = ? AND"
		                                  " locked = 0 AND deleted_at IS NULL");
		if (s) {
			sqlite3_bind_int64(s, 1, ecc_now_ms());
			ecc_store_bind_text(s, 2, gw);
			ecc_store_bind_text(s, 3, path);
			ecc_store_bind_text(s, 4, sha);
			rc = ecc_store_run(r->hub->store, s);
		}
		/* a repeated or unknown confirmation changes nothing: no audit entry */
		if (rc == ECC_OK && sqlite3_changes(ecc_store_db(r->hub->store)) == 0)
			rc = ECC_ERR_NOTFOUND;
		if (rc == ECC_OK)
			rc = ecc_audit_append(r->hub->store, &e, NULL);
		if (rc == ECC_OK)
			rc = ecc_store_commit(r->hub->store);
		else
			ecc_store_rollback(r->hub->store);
	}
	if (rc == ECC_OK)
		g_message("gw=%s: segment %s deleted (%s)", gw, path, why ? why : "retention");
	else if (rc == ECC_ERR_NOTFOUND)
		g_warning("gw=%s: deletion of %s confirmed, but no such unlocked segment", gw,
		          path);
	g_free(detail);
	g_hash_table_remove(r->deleting, key);
	g_free(key);
}

static gboolean retain_cb(gpointer data)
{
	ecc_recordings_retain(data);
	return G_SOURCE_CONTINUE;
}

ecc_recordings *ecc_recordings_new(struct ecc_hub *hub)
{
	ecc_recordings *r = g_new0(ecc_recordings, 1);

	r->hub = hub;
	r->deleting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	r->retain_id = g_timeout_add_seconds((guint)hub->cfg->retention_check, retain_cb, r);
	return r;
}

void ecc_recordings_free(ecc_recordings *r)
{
	if (!r)
		return;
	g_source_remove(r->retain_id);
	g_hash_table_destroy(r->deleting);
	g_free(r);
}
