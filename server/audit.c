/* audit: hash-chained rows, appended and verified. */
#define G_LOG_DOMAIN "ecc-audit"

#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>

struct row {
	int64_t id, ts;
	const char *actor, *action, *target, *detail, *result, *ip, *prev;
};

/* hex SHA-256 of the row's fields, separated by 0x1f, prev hash first. */
static void row_hash(const struct row *r, char hex[crypto_hash_sha256_BYTES * 2 + 1])
{
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char num[2][24];
	const char *parts[10];
	const unsigned char sep = 0x1f;

	g_snprintf(num[0], sizeof(num[0]), "%" G_GINT64_FORMAT, (gint64)r->id);
	g_snprintf(num[1], sizeof(num[1]), "%" G_GINT64_FORMAT, (gint64)r->ts);
	parts[0] = r->prev;
	parts[1] = num[0];
	parts[2] = num[1];
	parts[3] = r->actor;
	parts[4] = r->action;
	parts[5] = r->target;
	parts[6] = r->detail;
	parts[7] = r->result;
	parts[8] = r->ip;
	parts[9] = NULL;
	crypto_hash_sha256_init(&h);
	for (int i = 0; parts[i]; i++) {
		crypto_hash_sha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
		crypto_hash_sha256_update(&h, &sep, 1);
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof(digest));
}

int ecc_audit_append(ecc_store *st, const struct ecc_audit_entry *e, int64_t *id_out)
{
	char prev[crypto_hash_sha256_BYTES * 2 + 1] = ECC_AUDIT_GENESIS;
	char hash[crypto_hash_sha256_BYTES * 2 + 1];
	bool own_tx = sqlite3_get_autocommit(ecc_store_db(st));
	struct row r = {0};
	sqlite3_stmt *s;
	int rc = ECC_OK;

	if (own_tx && ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	if (!s) {
		rc = ECC_ERR_DB;
		goto out;
	}
	r.id = 1;
	if (ecc_store_step(st, s) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(s, 0) + 1;
		g_strlcpy(prev, ecc_store_column_text(s, 1), sizeof(prev));
	}
	sqlite3_reset(s);
	r.ts = ecc_now_ms();
	r.actor = e->actor ? e->actor : "system";
	r.action = e->action;
	r.target = e->target ? e->target : "";
	r.detail = e->detail ? e->detail : "";
	r.result = e->result ? e->result : "ok";
	r.ip = e->ip ? e->ip : "";
	r.prev = prev;
	row_hash(&r, hash);
	s = ecc_store_stmt(st, "INSERT INTO audit(id, ts, actor, action, target, detail, result,"
	                       " ip, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!s) {
		rc = ECC_ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, r.id);
	sqlite3_bind_int64(s, 2, r.ts);
	ecc_store_bind_text(s, 3, r.actor);
	ecc_store_bind_text(s, 4, r.action);
	ecc_store_bind_text(s, 5, r.target);
	ecc_store_bind_text(s, 6, r.detail);
	ecc_store_bind_text(s, 7, r.result);
	ecc_store_bind_text(s, 8, r.ip);
	ecc_store_bind_text(s, 9, prev);
	ecc_store_bind_text(s, 10, hash);
	rc = ecc_store_run(st, s) == ECC_OK ? ECC_OK : ECC_ERR_DB;
out:
	if (own_tx) {
		if (rc == ECC_OK)
			rc = ecc_store_commit(st);
		else
			ecc_store_rollback(st);
	}
	if (rc == ECC_OK && id_out)
		*id_out = r.id;
	return rc;
}

int ecc_audit_verify(ecc_store *st, int64_t *first_bad, int64_t *rows)
{
	char prev[crypto_hash_sha256_BYTES * 2 + 1] = ECC_AUDIT_GENESIS;
	char hash[crypto_hash_sha256_BYTES * 2 + 1];
	sqlite3_stmt *s;
	int64_t n = 0, expect_id = 1;
	int step, rc = ECC_OK;

	*first_bad = 0;
	if (sqlite3_prepare_v2(ecc_store_db(st),
	                       "SELECT id, ts, actor, action, target, detail, result, ip,"
	                       " prev_hash, hash FROM audit ORDER BY id",
	                       -1, &s, NULL) != SQLITE_OK)
		return ECC_ERR_DB;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct row r = {
		    .id = sqlite3_column_int64(s, 0),
		    .ts = sqlite3_column_int64(s, 1),
		    .actor = ecc_store_column_text(s, 2),
		    .action = ecc_store_column_text(s, 3),
		    .target = ecc_store_column_text(s, 4),
		    .detail = ecc_store_column_text(s, 5),
		    .result = ecc_store_column_text(s, 6),
		    .ip = ecc_store_column_text(s, 7),
		    .prev = prev,
		};
		n++;
		/* A removed row shows as a gap in ids or a broken prev link. */
		if (r.id != expect_id || strcmp(ecc_store_column_text(s, 8), prev) != 0) {
			*first_bad = r.id;
			rc = ECC_ERR_INVAL;
			break;
		}
		row_hash(&r, hash);
		if (strcmp(hash, ecc_store_column_text(s, 9)) != 0) {
			*first_bad = r.id;
			rc = ECC_ERR_INVAL;
			break;
		}
		g_strlcpy(prev, hash, sizeof(prev));
		expect_id = r.id + 1;
	}
	if (rc == ECC_OK && step != SQLITE_DONE)
		rc = ECC_ERR_DB;
	sqlite3_finalize(s);
	if (rows)
		*rows = n;
	return rc;
}

void ecc_audit_about(ecc_store *st, const char *actor, const char *action, const char *kind,
                     int64_t id, const char *detail, const char *ip)
{
	ecc_audit_result(st, actor, action, kind, id, detail, ip, NULL);
}

void ecc_audit_json(ecc_store *st, const char *actor, const char *action, const char *kind,
                    int64_t id, cJSON *detail, const char *ip, const char *result)
{
	char *text = cJSON_PrintUnformatted(detail);

	ecc_audit_result(st, actor, action, kind, id, text, ip && ip[0] ? ip : NULL, result);
	cJSON_free(text);
	cJSON_Delete(detail);
}

void ecc_audit_result(ecc_store *st, const char *actor, const char *action, const char *kind,
                      int64_t id, const char *detail, const char *ip, const char *result)
{
	char target[64];
	struct ecc_audit_entry e = {.actor = actor,
	                            .action = action,
	                            .target = target,
	                            .detail = detail,
	                            .result = result,
	                            .ip = ip};

	g_snprintf(target, sizeof(target), "%s:%" G_GINT64_FORMAT, kind, (gint64)id);
	if (ecc_audit_append(st, &e, NULL) != ECC_OK)
		g_warning("%s=%" G_GINT64_FORMAT ": %s not audited", kind, (gint64)id, action);
}
