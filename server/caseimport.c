/* caseimport: cases from a court system's CSV or JSON export. */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>

#define IMPORT_MAX_ROWS   100000
#define IMPORT_MAX_ERRORS 1000

struct import {
	ecc_cases *c;
	const char *actor, *ip;
	int created, updated, rejected;
	cJSON *errors;
	GHashTable *seen; /* canonical number -> GINT_TO_POINTER(line) */
	int fatal;        /* a database error: everything is rolled back */
};

static void reject(struct import *im, int row, int line, const char *number, const char *why)
{
	cJSON *e;

	im->rejected++;
	if (cJSON_GetArraySize(im->errors) >= IMPORT_MAX_ERRORS)
		return;
	e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "row", row);
	if (line > 0)
		cJSON_AddNumberToObject(e, "line", line);
	if (number && *number)
		cJSON_AddStringToObject(e, "number", number);
	cJSON_AddStringToObject(e, "error", why);
	cJSON_AddItemToArray(im->errors, e);
}

/* One case object (a JSON element, or a CSV row keyed by its header). */
static void import_one(struct import *im, const cJSON *o, int row, int line)
{
	struct ecc_case_fields f;
	char why[ECC_CASES_WHY] = "";
	int64_t id;
	bool created;
	int rc, first;

	if (im->fatal)
		return;
	if (!cJSON_IsObject(o)) {
		reject(im, row, line, NULL, "not an object");
		return;
	}
	if (ecc_case_fields_read(o, true, &f, why) != ECC_OK) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "number");
		if (!n)
			n = cJSON_GetObjectItemCaseSensitive(o, "案号");
		reject(im, row, line, cJSON_GetStringValue(n), why);
		return;
	}
	first = GPOINTER_TO_INT(g_hash_table_lookup(im->seen, f.number));
	if (first) {
		char *w = g_strdup_printf("the same case as row %d", first);
		reject(im, row, line, f.number, w);
		g_free(w);
		ecc_case_fields_clear(&f);
		return;
	}
	g_hash_table_insert(im->seen, g_strdup(f.number), GINT_TO_POINTER(row));
	/* A savepoint per row: a row that fails half-way leaves nothing. */
	ecc_store_exec(im->c->st, "SAVEPOINT import_row");
	rc = ecc_cases_upsert(im->c, &f, im->actor, im->ip, true, &id, &created, why);
	if (rc == ECC_OK) {
		ecc_store_exec(im->c->st, "RELEASE import_row");
		if (created)
			im->created++;
		else
			im->updated++;
	} else {
		ecc_store_exec(im->c->st, "ROLLBACK TO import_row");
		ecc_store_exec(im->c->st, "RELEASE import_row");
		if (rc == ECC_ERR_INVAL)
			reject(im, row, line, f.number, why);
		else
			im->fatal = rc;
	}
	ecc_case_fields_clear(&f);
}

/* ---- CSV ---------------------------------------------------------------- */

struct csvstate {
	struct import *im;
	GPtrArray *header; /* column names */
	GPtrArray *fields; /* the record being read */
	int line;          /* the line being fed */
	int rec_line;      /* the line the record started on */
	int rows;
	bool in_record;
};

static void csv_field(void *s, size_t len, void *data)
{
	struct csvstate *st = data;

	if (!st->in_record) {
		st->in_record = true;
		st->rec_line = st->line;
	}
	g_ptr_array_add(st->fields, g_strndup(s ? s : "", s ? len : 0));
}

static void csv_record(int term, void *data)
{
	struct csvstate *st = data;
	cJSON *o;

	(void)term;
	if (!st->in_record)
		st->rec_line = st->line;
	st->in_record = false;
	if (!st->header) {
		st->header = st->fields;
		for (guint i = 0; i < st->header->len; i++)
			g_strstrip(g_ptr_array_index(st->header, i));
		st->fields = g_ptr_array_new_with_free_func(g_free);
		return;
	}
	st->rows++;
	if (st->rows > IMPORT_MAX_ROWS) {
		reject(st->im, st->rows, st->rec_line, NULL, "more rows than one import takes");
	} else if (st->fields->len != st->header->len) {
		char *w = g_strdup_printf("%u fields where the header has %u", st->fields->len,
		                          st->header->len);
		reject(st->im, st->rows, st->rec_line, NULL, w);
		g_free(w);
	} else {
		o = cJSON_CreateObject();
		for (guint i = 0; i < st->header->len; i++) {
			char *v = g_strstrip(g_ptr_array_index(st->fields, i));
			if (*v)
				cJSON_AddStringToObject(o, g_ptr_array_index(st->header, i), v);
		}
		import_one(st->im, o, st->rows, st->rec_line);
		cJSON_Delete(o);
	}
	g_ptr_array_set_size(st->fields, 0);
}

static int import_csv(struct import *im, const char *text, size_t len, char *why)
{
	struct csvstate st = {.im = im, .fields = g_ptr_array_new_with_free_func(g_free)};
	struct csv_parser p;
	const char *pos = text, *end = text + len;
	int rc = ECC_OK;

	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		g_ptr_array_unref(st.fields);
		return ECC_ERR_NOMEM;
	}
	/* Fed a line at a time, so each record knows the line it starts on. */
	while (pos < end && rc == ECC_OK) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n = nl ? (size_t)(nl - pos) + 1 : (size_t)(end - pos);
		st.line++;
		if (csv_parse(&p, pos, n, csv_field, csv_record, &st) != n) {
			cases__why(why, "line %d: %s", st.line, csv_strerror(csv_error(&p)));
			rc = ECC_ERR_INVAL;
		}
		pos += n;
	}
	if (rc == ECC_OK)
		csv_fini(&p, csv_field, csv_record, &st);
	csv_free(&p);
	if (rc == ECC_OK && !st.header) {
		cases__why(why, "the CSV has no header row");
		rc = ECC_ERR_INVAL;
	}
	if (st.header)
		g_ptr_array_unref(st.header);
	g_ptr_array_unref(st.fields);
	return rc;
}

/* ---- JSON --------------------------------------------------------------- */

static int import_json(struct import *im, const char *text, size_t len, char *why)
{
	cJSON *root = NULL, *e;
	const cJSON *arr;
	int row = 0, rc = ecc_json_parse(text, len, len + 1, ECC_JSON_MAX_DEPTH, &root);

	if (rc != ECC_OK) {
		cases__why(why, "the body is not JSON");
		return ECC_ERR_INVAL;
	}
	arr = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "cases");
	if (!cJSON_IsArray(arr)) {
		cases__why(why, "JSON: an array of cases, or {\"cases\": [...]}");
		cJSON_Delete(root);
		return ECC_ERR_INVAL;
	}
	if (cJSON_GetArraySize(arr) > IMPORT_MAX_ROWS) {
		cases__why(why, "more than %d cases in one import", IMPORT_MAX_ROWS);
		cJSON_Delete(root);
		return ECC_ERR_TOOBIG;
	}
	cJSON_ArrayForEach(e, arr) import_one(im, e, ++row, 0);
	cJSON_Delete(root);
	return ECC_OK;
}

/* ---- entry -------------------------------------------------------------- */

int ecc_cases_import(ecc_cases *c, const char *body, size_t len, const char *format,
                     const char *actor, const char *ip, cJSON **out, char why[ECC_CASES_WHY])
{
	struct import im = {.c = c, .actor = actor, .ip = ip};
	char *conv = NULL;
	bool json;
	int rc;

	*out = NULL;
	/* Excel's UTF-8 mark; Chinese Excel saves CSV as GB18030 (GBK). */
	if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3)) {
		body += 3;
		len -= 3;
	}
	if (!g_utf8_validate(body, (gssize)len, NULL)) {
		gsize n = 0;
		conv = g_convert(body, (gssize)len, "UTF-8", "GB18030", NULL, &n, NULL);
		if (!conv) {
			cases__why(why, "the body is neither UTF-8 nor GB18030 text");
			return ECC_ERR_INVAL;
		}
		body = conv;
		len = n;
	}
	if (format && *format)
		json = !strcmp(format, "json");
	else {
		size_t i = 0;
		while (i < len && g_ascii_isspace(body[i]))
			i++;
		json = i < len && (body[i] == '[' || body[i] == '{');
	}
	if (format && *format && strcmp(format, "json") && strcmp(format, "csv")) {
		g_free(conv);
		cases__why(why, "format is csv or json");
		return ECC_ERR_INVAL;
	}
	im.errors = cJSON_CreateArray();
	im.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rc = ecc_store_begin(c->st, true);
	if (rc == ECC_OK)
		rc = json ? import_json(&im, body, len, why) : import_csv(&im, body, len, why);
	if (rc == ECC_OK && im.fatal)
		rc = im.fatal;
	if (rc == ECC_OK) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "format", json ? "json" : "csv");
		cJSON_AddNumberToObject(d, "created", im.created);
		cJSON_AddNumberToObject(d, "updated", im.updated);
		cJSON_AddNumberToObject(d, "rejected", im.rejected);
		rc = cases__audit(c, actor, "case.import", "cases", d, ip);
		cJSON_Delete(d);
	}
	if (rc == ECC_OK)
		rc = ecc_store_commit(c->st);
	else
		ecc_store_rollback(c->st);
	g_hash_table_destroy(im.seen);
	g_free(conv);
	if (rc != ECC_OK) {
		cJSON_Delete(im.errors);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "format", json ? "json" : "csv");
	cJSON_AddNumberToObject(*out, "created", im.created);
	cJSON_AddNumberToObject(*out, "updated", im.updated);
	cJSON_AddNumberToObject(*out, "rejected", im.rejected);
	cJSON_AddItemToObject(*out, "errors", im.errors);
	return ECC_OK;
}
