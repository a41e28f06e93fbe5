/* opevidence: an operation's segments: recording on, linking, the hash chain. */
#define G_LOG_DOMAIN "ecc-operations"

#include "operations_internal.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "streams.h"

#include <sodium.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- recording on and off -------------------------------------------------------- */

static GArray *ids_of(ecc_operations *o, const char *sql, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(o->hub->store, sql);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));

	if (!s)
		return ids;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, v);
	}
	sqlite3_reset(s);
	return ids;
}

static void audit_streams(ecc_operations *o, int64_t id, const char *action, GArray *streams)
{
	cJSON *d = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(d, "streams");
	char *detail;

	for (guint i = 0; i < streams->len; i++)
		cJSON_AddItemToArray(
		    arr, cJSON_CreateNumber((double)g_array_index(streams, int64_t, i)));
	detail = cJSON_PrintUnformatted(d);
	if (operations__audit(o, "system", action, id, detail, NULL) != ECC_OK)
		g_warning("op=%" G_GINT64_FORMAT ": %s not audited", (gint64)id, action);
	cJSON_free(detail);
	cJSON_Delete(d);
}

int operations__record_on(ecc_operations *o, int64_t id)
{
	GArray *ids = ids_of(o,
	                     "SELECT s.id FROM streams s JOIN operation_units u ON"
	                     " u.unit_id = s.unit_id WHERE u.operation = ? AND s.record = 0",
	                     id);
	GArray *done = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int rc = ECC_OK;

	for (guint i = 0; i < ids->len; i++) {
		int64_t sid = g_array_index(ids, int64_t, i);
		sqlite3_stmt *s = ecc_store_stmt(
		    o->hub->store, "INSERT OR IGNORE INTO operation_streams VALUES(?, ?)");
		if (!s || ecc_streams_set_record(o->hub->streams, sid, true) != ECC_OK) {
			rc = ECC_ERR_DB;
			continue;
		}
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, sid);
		if (ecc_store_run(o->hub->store, s) != ECC_OK)
			rc = ECC_ERR_DB;
		g_array_append_val(done, sid);
	}
	if (done->len)
		audit_streams(o, id, "operation.record_on", done);
	g_array_free(ids, TRUE);
	g_array_free(done, TRUE);
	return rc;
}

void operations__record_off(ecc_operations *o, int64_t id)
{
	/* not a stream that another active operation records */
	GArray *ids = ids_of(o,
	                     "SELECT t.stream_id FROM operation_streams t WHERE t.operation = ?1"
	                     " AND NOT EXISTS(SELECT 1 FROM operation_streams x JOIN operations p"
	                     " ON p.id = x.operation AND p.state = 'active' WHERE"
	                     " x.stream_id = t.stream_id AND x.operation != ?1)",
	                     id);

	for (guint i = 0; i < ids->len; i++)
		ecc_streams_set_record(o->hub->streams, g_array_index(ids, int64_t, i), false);
	if (ids->len)
		audit_streams(o, id, "operation.record_off", ids);
	g_array_free(ids, TRUE);
}

/* ---- the chain ------------------------------------------------------------------- */

/* link = SHA-256(prev bytes || segment hash bytes), hex. false: bad hex. */
static bool next_link(const char *prev_hex, const char *sha_hex, char out[65])
{
	unsigned char buf[64], h[crypto_hash_sha256_BYTES];
	size_t n1 = 0, n2 = 0;

	if (sodium_hex2bin(buf, 32, prev_hex, 64, NULL, &n1, NULL) != 0 || n1 != 32 ||
	    sodium_hex2bin(buf + 32, 32, sha_hex, 64, NULL, &n2, NULL) != 0 || n2 != 32)
		return false;
	crypto_hash_sha256(h, buf, sizeof(buf));
	sodium_bin2hex(out, 65, h, sizeof(h));
	return true;
}

/* Appends segment rec (hash sha) to op's chain and locks it, in one
 * durable, audited transaction. */
static int link_one(ecc_operations *o, int64_t op, int64_t rec, const char *sha)
{
	sqlite3_stmt *s;
	char prev[65] = GENESIS, link[65], *detail;
	int64_t seq = 1;
	int rc;

	if (ecc_store_begin(o->hub->store, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(o->hub->store, "SELECT seq, link FROM operation_recordings WHERE"
	                                  " operation = ? ORDER BY seq DESC LIMIT 1");
	rc = s ? ECC_OK : ECC_ERR_DB;
	if (s) {
		sqlite3_bind_int64(s, 1, op);
		if (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
			seq = sqlite3_column_int64(s, 0) + 1;
			g_strlcpy(prev, ecc_store_column_text(s, 1), sizeof(prev));
		}
		sqlite3_reset(s);
	}
	if (rc == ECC_OK && !next_link(prev, sha, link))
		rc = ECC_ERR_INVAL;
	s = rc == ECC_OK
	        ? ecc_store_stmt(o->hub->store,
	                         "INSERT INTO operation_recordings(operation, recording_id,"
	                         " seq, sha256, prev_link, link, linked_at)"
	                         " VALUES(?,?,?,?,?,?,?)")
	        : NULL;
	if (s) {
		sqlite3_bind_int64(s, 1, op);
		sqlite3_bind_int64(s, 2, rec);
		sqlite3_bind_int64(s, 3, seq);
		ecc_store_bind_text(s, 4, sha);
		ecc_store_bind_text(s, 5, prev);
		ecc_store_bind_text(s, 6, link);
		sqlite3_bind_int64(s, 7, ecc_now_ms());
		rc = ecc_store_run(o->hub->store, s);
	} else if (rc == ECC_OK) {
		rc = ECC_ERR_DB;
	}
	if (rc == ECC_OK) {
		s = ecc_store_stmt(o->hub->store, "UPDATE recordings SET locked = 1 WHERE id = ?");
		rc = ECC_ERR_DB;
		if (s) {
			sqlite3_bind_int64(s, 1, rec);
			rc = ecc_store_run(o->hub->store, s);
		}
	}
	detail = g_strdup_printf("{\"recording\":%" G_GINT64_FORMAT ",\"seq\":%" G_GINT64_FORMAT
	                         ",\"sha256\":\"%s\",\"link\":\"%s\"}",
	                         (gint64)rec, (gint64)seq, sha, link);
	if (rc == ECC_OK)
		rc = operations__audit(o, "system", "operation.link", op, detail, NULL);
	g_free(detail);
	if (rc != ECC_OK || (rc = ecc_store_commit(o->hub->store)) != ECC_OK) {
		ecc_store_rollback(o->hub->store);
		g_warning("op=%" G_GINT64_FORMAT ": segment %" G_GINT64_FORMAT " not linked: %s",
		          (gint64)op, (gint64)rec, ecc_strerror(rc));
		return rc;
	}
	g_message("op=%" G_GINT64_FORMAT ": segment %" G_GINT64_FORMAT
	          " linked as #%" G_GINT64_FORMAT ", locked",
	          (gint64)op, (gint64)rec, (gint64)seq);
	return ECC_OK;
}

void ecc_operations_on_segment(ecc_operations *o, int64_t rec)
{
	sqlite3_stmt *s;
	GArray *ops;
	char sha[65] = "";

	if (!o)
		return;
	s = ecc_store_stmt(o->hub->store, "SELECT sha256 FROM recordings WHERE id = ?");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, rec);
	if (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
		g_strlcpy(sha, ecc_store_column_text(s, 0), sizeof(sha));
	sqlite3_reset(s);
	/* operations (running or ended) of its unit whose time it overlaps */
	ops = ids_of(o,
	             "SELECT p.id FROM recordings r JOIN operation_units u ON u.unit_id = r.unit_id"
	             " JOIN operations p ON p.id = u.operation AND p.state IN ('active', 'ended')"
	             " WHERE r.id = ?1 AND r.deleted_at IS NULL AND p.started_at <= r.t1 AND"
	             " coalesce(p.ended_at, 9223372036854775807) >= r.t0 AND NOT EXISTS(SELECT 1"
	             " FROM operation_recordings x WHERE x.operation = p.id AND"
	             " x.recording_id = r.id) ORDER BY p.id",
	             rec);
	for (guint i = 0; sha[0] && i < ops->len; i++)
		link_one(o, g_array_index(ops, int64_t, i), rec, sha);
	g_array_free(ops, TRUE);
}

int operations__link_missing(ecc_operations *o, int64_t id)
{
	/* filed, overlapping, not yet linked: in filing order */
	GArray *recs = ids_of(o,
	                      "SELECT r.id FROM operations p JOIN operation_units u ON"
	                      " u.operation = p.id JOIN recordings r ON r.unit_id = u.unit_id"
	                      " WHERE p.id = ?1 AND r.deleted_at IS NULL AND r.t1 >= p.started_at"
	                      " AND r.t0 <= coalesce(p.ended_at, 9223372036854775807) AND NOT"
	                      " EXISTS(SELECT 1 FROM operation_recordings x WHERE x.operation = ?1"
	                      " AND x.recording_id = r.id) ORDER BY r.filed_at, r.id",
	                      id);
	int rc = ECC_OK;

	for (guint i = 0; i < recs->len; i++) {
		int64_t rec = g_array_index(recs, int64_t, i);
		sqlite3_stmt *s =
		    ecc_store_stmt(o->hub->store, "SELECT sha256 FROM recordings WHERE id = ?");
		char sha[65] = "";
		if (!s)
			return ECC_ERR_DB;
		sqlite3_bind_int64(s, 1, rec);
		if (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
			g_strlcpy(sha, ecc_store_column_text(s, 0), sizeof(sha));
		sqlite3_reset(s);
		if (link_one(o, id, rec, sha) != ECC_OK)
			rc = ECC_ERR_DB;
	}
	g_array_free(recs, TRUE);
	return rc;
}

bool ecc_operations_holds(ecc_operations *o, int64_t rec)
{
	sqlite3_stmt *s;
	bool found;

	if (!o)
		return false;
	s = ecc_store_stmt(o->hub->store,
	                   "SELECT 1 FROM operation_recordings WHERE recording_id = ? LIMIT 1");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, rec);
	found = ecc_store_step(o->hub->store, s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

/* The chain's links with their segments, in order (also the timeline's). */
cJSON *operations__links(ecc_operations *o, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    o->hub->store,
	    "SELECT x.seq, x.recording_id, x.sha256, x.prev_link, x.link, x.linked_at, r.unit_id,"
	    " r.stream_id, r.t0, r.t1, r.path, r.bytes, r.cut_short FROM operation_recordings x"
	    " JOIN recordings r ON r.id = x.recording_id WHERE x.operation = ? ORDER BY x.seq");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddNumberToObject(l, "seq", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(l, "recording", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(l, "sha256", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(l, "prev_link", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(l, "link", ecc_store_column_text(s, 4));
		cJSON_AddNumberToObject(l, "linked_at", (double)sqlite3_column_int64(s, 5));
		cJSON_AddStringToObject(l, "unit", ecc_store_column_text(s, 6));
		cJSON_AddNumberToObject(l, "stream", (double)sqlite3_column_int64(s, 7));
		cJSON_AddNumberToObject(l, "t0", (double)sqlite3_column_int64(s, 8));
		cJSON_AddNumberToObject(l, "t1", (double)sqlite3_column_int64(s, 9));
		cJSON_AddStringToObject(l, "path", ecc_store_column_text(s, 10));
		cJSON_AddNumberToObject(l, "bytes", (double)sqlite3_column_int64(s, 11));
		cJSON_AddBoolToObject(l, "cut_short", sqlite3_column_int(s, 12));
		cJSON_AddItemToArray(arr, l);
	}
	sqlite3_reset(s);
	return arr;
}

int ecc_operations_chain(ecc_operations *o, const struct ecc_user *u, int64_t id, cJSON **out)
{
	int rc = operations__scope(o, u, id, NULL, NULL, NULL);
	cJSON *links, *last;

	*out = NULL;
	if (rc != ECC_OK)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "operation", (double)id);
	cJSON_AddStringToObject(*out, "algorithm", "sha256");
	cJSON_AddStringToObject(*out, "rule", "link = SHA-256(bytes(prev_link) || bytes(sha256))");
	cJSON_AddStringToObject(*out, "genesis", GENESIS);
	links = operations__links(o, id);
	last = cJSON_GetArrayItem(links, cJSON_GetArraySize(links) - 1);
	cJSON_AddItemToObject(*out, "links", links);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(links));
	cJSON_AddStringToObject(*out, "head",
	                        last ? cJSON_GetObjectItemCaseSensitive(last, "link")->valuestring
	                             : GENESIS);
	return ECC_OK;
}
