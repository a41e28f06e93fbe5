/* photos: photos sent with instruction replies, stored as evidence. */
#define G_LOG_DOMAIN "ecc-photos"

#include "photos.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "instructions.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define COLS "id, ts, instruction_id, operation_id, unit_id, username, content_type, bytes, sha256"

static const struct {
	const char *type, *ext;
	const unsigned char magic[8];
	size_t n;
} kinds[] = {
    {"image/jpeg", "jpg", {0xff, 0xd8, 0xff}, 3},
    {"image/png", "png", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 8},
};

static cJSON *row_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddNumberToObject(o, "ts", (double)sqlite3_column_int64(s, 1));
	cJSON_AddNumberToObject(o, "instruction", (double)sqlite3_column_int64(s, 2));
	if (sqlite3_column_type(s, 3) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "operation");
	else
		cJSON_AddNumberToObject(o, "operation", (double)sqlite3_column_int64(s, 3));
	cJSON_AddStringToObject(o, "unit", ecc_store_column_text(s, 4));
	cJSON_AddStringToObject(o, "by", ecc_store_column_text(s, 5));
	cJSON_AddStringToObject(o, "content_type", ecc_store_column_text(s, 6));
	cJSON_AddNumberToObject(o, "bytes", (double)sqlite3_column_int64(s, 7));
	cJSON_AddStringToObject(o, "sha256", ecc_store_column_text(s, 8));
	return o;
}

/* The operation of the photo: the instruction's target, or the active
 * operation of the user's unit; 0 when none. */
static int64_t operation_of(struct ecc_hub *hub, const cJSON *instr, const struct ecc_user *user)
{
	const char *kind = NULL, *target = NULL;
	sqlite3_stmt *s;
	int64_t op = 0;

	if (ecc_json_get_string(instr, "target_kind", &kind) == ECC_OK &&
	    !strcmp(kind, "operation") && ecc_json_get_string(instr, "target", &target) == ECC_OK)
		return g_ascii_strtoll(target, NULL, 10);
	if (!user->unit[0])
		return 0;
	s = ecc_store_stmt(hub->store, "SELECT o.id FROM operation_units u JOIN operations o ON"
	                               " o.id = u.operation WHERE u.unit_id = ? AND"
	                               " o.state = 'active' ORDER BY o.id DESC LIMIT 1");
	if (!s)
		return 0;
	ecc_store_bind_text(s, 1, user->unit);
	if (ecc_store_step(hub->store, s) == SQLITE_ROW)
		op = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return op;
}

/* Writes data to dir/sha.ext (once: the same bytes are the same file). */
static int write_file(const char *dir, const char *name, const void *data, size_t len, char **out)
{
	GError *err = NULL;
	char *path = g_build_filename(dir, name, NULL);

	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_warning("photos: cannot create %s", dir);
		g_free(path);
		return ECC_ERR_IO;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
	    !g_file_set_contents_full(path, data, (gssize)len,
	                              G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
	                              0600, &err)) {
		g_warning("photos: cannot write %s: %s", path, err->message);
		g_error_free(err);
		g_free(path);
		return ECC_ERR_IO;
	}
	*out = path;
	return ECC_OK;
}

int ecc_photos_add(struct ecc_hub *hub, int64_t instruction, const struct ecc_user *user,
                   const char *content_type, const void *data, size_t len, const char *ip,
                   cJSON **out, char why[ECC_WHY_LEN])
{
	cJSON *instr = ecc_instructions_get(hub->instructions, instruction);
	char *sha = NULL, *dir = NULL, *name = NULL, *path = NULL, *detail;
	size_t k;
	int64_t op, id = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	if (!instr)
		return ECC_ERR_NOTFOUND;
	if (!ecc_instructions_addressed(hub->instructions, instr, user)) {
		cJSON_Delete(instr);
		return ECC_ERR_FORBIDDEN;
	}
	for (k = 0; k < G_N_ELEMENTS(kinds); k++)
		if (content_type && g_str_has_prefix(content_type, kinds[k].type))
			break;
	if (k == G_N_ELEMENTS(kinds) || len < kinds[k].n ||
	    memcmp(data, kinds[k].magic, kinds[k].n) != 0) {
		g_strlcpy(why, "a photo is a JPEG (image/jpeg) or PNG (image/png) file",
		          ECC_WHY_LEN);
		cJSON_Delete(instr);
		return ECC_ERR_INVAL;
	}
	op = operation_of(hub, instr, user);
	cJSON_Delete(instr);
	sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
	dir = g_path_get_dirname(hub->cfg->database);
	{
		char *d = g_build_filename(dir, "photos", NULL);
		g_free(dir);
		dir = d;
	}
	name = g_strdup_printf("%s.%s", sha, kinds[k].ext);
	rc = write_file(dir, name, data, len, &path);
	if (rc != ECC_OK)
		goto out;
	rc = ECC_ERR_DB;
	if (ecc_store_begin(hub->store, true) != ECC_OK)
		goto out;
	s = ecc_store_stmt(hub->store, "INSERT INTO photos(ts, instruction_id, operation_id,"
	                               " unit_id, username, content_type, bytes, sha256, path)"
	                               " VALUES(?,?,?,?,?,?,?,?,?)");
	if (!s) {
		ecc_store_rollback(hub->store);
		goto out;
	}
	sqlite3_bind_int64(s, 1, ecc_now_ms());
	sqlite3_bind_int64(s, 2, instruction);
	if (op > 0)
		sqlite3_bind_int64(s, 3, op);
	else
		sqlite3_bind_null(s, 3);
	ecc_store_bind_text(s, 4, user->unit[0] ? user->unit : NULL);
	ecc_store_bind_text(s, 5, user->username);
	ecc_store_bind_text(s, 6, kinds[k].type);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)len);
	ecc_store_bind_text(s, 8, sha);
	ecc_store_bind_text(s, 9, path);
	if (ecc_store_run(hub->store, s) != ECC_OK) {
		ecc_store_rollback(hub->store);
		goto out;
	}
	id = sqlite3_last_insert_rowid(ecc_store_db(hub->store));
	detail = g_strdup_printf("{\"photo\":%" G_GINT64_FORMAT ",\"sha256\":\"%s\",\"bytes\":%zu,"
	                         "\"operation\":%" G_GINT64_FORMAT "}",
	                         id, sha, len, op);
	ecc_audit_about(hub->store, user->username, "instruction.photo", "instruction", instruction,
	                detail, ip);
	g_free(detail);
	if (ecc_store_commit(hub->store) != ECC_OK)
		goto out;
	g_message("user=%s instruction=%" G_GINT64_FORMAT " photo=%" G_GINT64_FORMAT
	          ": %zu bytes, sha256 %s",
	          user->username, instruction, id, len, sha);
	s = ecc_store_stmt(hub->store, "SELECT " COLS " FROM photos WHERE id = ?");
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		if (ecc_store_step(hub->store, s) == SQLITE_ROW)
			*out = row_json(s);
		sqlite3_reset(s);
	}
	rc = *out ? ECC_OK : ECC_ERR_DB;
out:
	g_free(sha);
	g_free(dir);
	g_free(name);
	g_free(path);
	return rc;
}

cJSON *ecc_photos_list(struct ecc_hub *hub, int64_t instruction)
{
	sqlite3_stmt *s = ecc_store_stmt(hub->store, "SELECT " COLS " FROM photos WHERE"
	                                             " instruction_id = ? ORDER BY id");
	cJSON *arr;
	int rc;

	if (!s)
		return NULL;
	arr = cJSON_CreateArray();
	sqlite3_bind_int64(s, 1, instruction);
	while ((rc = ecc_store_step(hub->store, s)) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, row_json(s));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

int ecc_photos_file(struct ecc_hub *hub, int64_t id, char **path, const char **content_type,
                    int64_t *instruction)
{
	sqlite3_stmt *s = ecc_store_stmt(hub->store, "SELECT path, content_type, instruction_id"
	                                             " FROM photos WHERE id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(hub->store, s);
	if (rc == SQLITE_ROW) {
		*path = g_strdup(ecc_store_column_text(s, 0));
		*content_type =
		    !strcmp(ecc_store_column_text(s, 1), "image/png") ? "image/png" : "image/jpeg";
		*instruction = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}
