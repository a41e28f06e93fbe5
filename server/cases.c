/* cases: the case file: fields, create/update by number, scope, triage, close. */
#define G_LOG_DOMAIN "ecc-cases"

#include "audit.h"
#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "hub.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cases__why(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, ECC_CASES_WHY, fmt, ap);
	va_end(ap);
}

/* ---- fields ------------------------------------------------------------- */

/* Each field with the names a court's export may give it. */
static const char *const k_number[] = {"number", "案号", NULL};
static const char *const k_filed[] = {"filed_on", "立案日期", "立案时间", NULL};
static const char *const k_appl[] = {"applicants", "申请执行人", NULL};
static const char *const k_resp[] = {"respondents", "被执行人", NULL};
static const char *const k_amount[] = {"amount", "执行标的", "标的额", "执行标的额", NULL};
static const char *const k_judge[] = {"judge", "承办法官", "承办人", NULL};
static const char *const k_team[] = {"team", "执行团队", "团队", NULL};
static const char *const k_frozen[] = {"frozen_full", "全额冻结", NULL};
static const char *const k_auction[] = {"auction", "需拍卖", "拍卖", NULL};
static const char *const k_hostile[] = {"hostile", "对抗", "当事人对抗", NULL};

static const cJSON *member(const cJSON *o, const char *const *names, const char **which)
{
	for (; *names; names++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *names);
		if (v && !cJSON_IsNull(v)) {
			*which = *names;
			return v;
		}
	}
	return NULL;
}

int cases__date(const char *in, char out[ECC_DATE_LEN])
{
	unsigned y = 0, m = 0, d = 0;
	char buf[32], tail = 0;
	uint32_t day;

	if (!in || strlen(in) > 20)
		return ECC_ERR_INVAL;
	/* 年/月 -> '-', 日 dropped */
	{
		GString *s = g_string_new(NULL);
		for (const char *p = in; *p;) {
			if (g_str_has_prefix(p, "年") || g_str_has_prefix(p, "月")) {
				g_string_append_c(s, '-');
				p += 3;
			} else if (g_str_has_prefix(p, "日")) {
				p += 3;
			} else if (*p == '/' || *p == '.') {
				g_string_append_c(s, '-');
				p++;
			} else if (*p == ' ') {
				p++;
			} else {
				g_string_append_c(s, *p++);
			}
		}
		g_strlcpy(buf, s->str, sizeof(buf));
		g_string_free(s, TRUE);
	}
	if (sscanf(buf, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return ECC_ERR_INVAL;
	g_snprintf(out, ECC_DATE_LEN, "%04u-%02u-%02u", y, m, d);
	return ecc_date_parse(out, &day);
}

/* Runs of white space (line breaks of a spreadsheet cell) become one space. */
static char *squeeze(const char *in)
{
	GString *s = g_string_new(NULL);
	bool space = false;

	for (const char *p = in; *p; p++) {
		if (g_ascii_isspace(*p)) {
			space = s->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(s, ' ');
		space = false;
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

/* A list of names: a JSON array of strings, or one string separated by 、
 * ， , ； ; or |. NULL when it is neither. */
static cJSON *names_read(const cJSON *v)
{
	cJSON *arr = cJSON_CreateArray();

	if (cJSON_IsArray(v)) {
		const cJSON *e;
		cJSON_ArrayForEach(e, v)
		{
			char *s = cJSON_IsString(e) ? squeeze(e->valuestring) : NULL;
			if (!s || !*s || strlen(s) > 200) {
				g_free(s);
				cJSON_Delete(arr);
				return NULL;
			}
			cJSON_AddItemToArray(arr, cJSON_CreateString(s));
			g_free(s);
		}
	} else if (cJSON_IsString(v)) {
		GString *t = g_string_new(v->valuestring);
		gchar **parts;
		g_string_replace(t, "、", ";", 0);
		g_string_replace(t, "，", ";", 0);
		g_string_replace(t, "；", ";", 0);
		g_string_replace(t, ",", ";", 0);
		g_string_replace(t, "|", ";", 0);
		parts = g_strsplit(t->str, ";", 64);
		for (gchar **p = parts; *p; p++) {
			char *n = squeeze(*p);
			if (*n && strlen(n) <= 200)
				cJSON_AddItemToArray(arr, cJSON_CreateString(n));
			g_free(n);
		}
		g_strfreev(parts);
		g_string_free(t, TRUE);
	} else {
		cJSON_Delete(arr);
		return NULL;
	}
	if (cJSON_GetArraySize(arr) > 50) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

/* Yuan, as a number or text ("1,234.50", "1234.5元"), into fen. */
static int amount_read(const cJSON *v, int64_t *fen)
{
	double y;

	if (cJSON_IsNumber(v)) {
		y = v->valuedouble;
	} else if (cJSON_IsString(v)) {
		GString *t = g_string_new(v->valuestring);
		char *end = NULL;
		g_string_replace(t, ",", "", 0);
		g_string_replace(t, "，", "", 0);
		g_string_replace(t, "元", "", 0);
		g_strstrip(t->str);
		y = g_ascii_strtod(t->str, &end);
		if (!*t->str || *end) {
			g_string_free(t, TRUE);
			return ECC_ERR_INVAL;
		}
		g_string_free(t, TRUE);
	} else {
		return ECC_ERR_INVAL;
	}
	if (!isfinite(y) || y < 0 || y > 1e12)
		return ECC_ERR_INVAL;
	*fen = (int64_t)llround(y * 100);
	return ECC_OK;
}

static int flag_read(const cJSON *v, int *out)
{
	static const char *const yes[] = {"1", "true", "yes", "y", "是", "有", NULL};
	static const char *const no[] = {"0", "false", "no", "n", "否", "无", "", NULL};

	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return ECC_OK;
	}
	if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1)) {
		*out = v->valuedouble == 1;
		return ECC_OK;
	}
	if (!cJSON_IsString(v))
		return ECC_ERR_INVAL;
	for (int i = 0; yes[i]; i++)
		if (!g_ascii_strcasecmp(v->valuestring, yes[i])) {
			*out = 1;
			return ECC_OK;
		}
	for (int i = 0; no[i]; i++)
		if (!g_ascii_strcasecmp(v->valuestring, no[i])) {
			*out = 0;
			return ECC_OK;
		}
	return ECC_ERR_INVAL;
}

static int text_read(const cJSON *v, char **out)
{
	char *s;

	if (!cJSON_IsString(v))
		return ECC_ERR_INVAL;
	s = g_strstrip(g_strdup(v->valuestring));
	if (strlen(s) > ECC_NAME_MAX || !g_utf8_validate(s, -1, NULL)) {
		g_free(s);
		return ECC_ERR_INVAL;
	}
	*out = s;
	return ECC_OK;
}

void ecc_case_fields_clear(struct ecc_case_fields *f)
{
	cJSON_Delete(f->applicants);
	cJSON_Delete(f->respondents);
	g_free(f->judge);
	g_free(f->team);
	memset(f, 0, sizeof(*f));
}

int ecc_case_fields_read(const cJSON *o, bool need_all, struct ecc_case_fields *f,
                         char why[ECC_CASES_WHY])
{
	const cJSON *v;
	const char *k = "";

	memset(f, 0, sizeof(*f));
	f->amount_fen = -1;
	f->frozen_full = f->auction = f->hostile = -1;
	if ((v = member(o, k_number, &k))) {
		if (!cJSON_IsString(v) ||
		    ecc_casenum_normalize(v->valuestring, f->number, &f->year) != ECC_OK) {
			cases__why(why,
			           "%s: \"%.60s\" is not a case number like （2025）黑0781执123号",
			           k, cJSON_IsString(v) ? v->valuestring : "");
			goto bad;
		}
	} else if (need_all) {
		cases__why(why, "the case number (number, 案号) is missing");
		goto bad;
	}
	if ((v = member(o, k_filed, &k))) {
		if (!cJSON_IsString(v) || cases__date(v->valuestring, f->filed_on) != ECC_OK) {
			cases__why(why, "%s: not a date (YYYY-MM-DD)", k);
			goto bad;
		}
	} else if (need_all) {
		cases__why(why, "the filing date (filed_on, 立案日期) is missing");
		goto bad;
	}
	if ((v = member(o, k_appl, &k)) && !(f->applicants = names_read(v))) {
		cases__why(why, "%s: a list of names", k);
		goto bad;
	}
	if ((v = member(o, k_resp, &k)) && !(f->respondents = names_read(v))) {
		cases__why(why, "%s: a list of names", k);
		goto bad;
	}
	if ((v = member(o, k_amount, &k)) && !(cJSON_IsString(v) && !*v->valuestring) &&
	    amount_read(v, &f->amount_fen) != ECC_OK) {
		cases__why(why, "%s: not an amount in yuan", k);
		goto bad;
	}
	if ((v = member(o, k_judge, &k)) && text_read(v, &f->judge) != ECC_OK) {
		cases__why(why, "%s: a name of up to %d bytes", k, ECC_NAME_MAX);
		goto bad;
	}
	if ((v = member(o, k_team, &k)) && text_read(v, &f->team) != ECC_OK) {
		cases__why(why, "%s: a name of up to %d bytes", k, ECC_NAME_MAX);
		goto bad;
	}
	if (((v = member(o, k_frozen, &k)) && flag_read(v, &f->frozen_full) != ECC_OK) ||
	    ((v = member(o, k_auction, &k)) && flag_read(v, &f->auction) != ECC_OK) ||
	    ((v = member(o, k_hostile, &k)) && flag_read(v, &f->hostile) != ECC_OK)) {
		cases__why(why, "%s: yes or no (是/否, true/false)", k);
		goto bad;
	}
	if (f->year && f->filed_on[0] && f->year > ecc_date_year(ecc_date_today()) + 1) {
		cases__why(why, "the case number's year %d is in the future", f->year);
		goto bad;
	}
	return ECC_OK;
bad:
	ecc_case_fields_clear(f);
	return ECC_ERR_INVAL;
}

/* ---- scope and audit ---------------------------------------------------- */

bool ecc_case_visible(const struct ecc_user *u, const char *judge, const char *team)
{
	switch (u->role) {
	case ECC_ROLE_ADMIN:
	case ECC_ROLE_COMMANDER:
	case ECC_ROLE_DUTY:
		return true;
	case ECC_ROLE_JUDGE:
		return judge && !strcmp(judge, u->username);
	case ECC_ROLE_OFFICER:
		return u->team[0] && team && !strcmp(team, u->team);
	default:
		return false;
	}
}

void cases__scope(const struct ecc_user *u, const char **judge, const char **team)
{
	*judge = NULL;
	*team = NULL;
	switch (u->role) {
	case ECC_ROLE_ADMIN:
	case ECC_ROLE_COMMANDER:
	case ECC_ROLE_DUTY:
		break;
	case ECC_ROLE_JUDGE:
		*judge = u->username;
		break;
	case ECC_ROLE_OFFICER:
		*team = u->team[0] ? u->team : "\x01 no team";
		break;
	default:
		*judge = "\x01 nobody";
		break;
	}
}

int cases__audit(ecc_cases *c, const char *actor, const char *action, const char *target,
                 const cJSON *detail, const char *ip)
{
	char *d = detail ? ecc_json_print(detail) : NULL;
	struct ecc_audit_entry e = {
	    .actor = actor, .action = action, .target = target, .detail = d, .ip = ip};
	int rc = ecc_audit_append(c->st, &e, NULL);

	cJSON_free(d);
	return rc;
}

int cases__head(ecc_cases *c, int64_t id, char judge[ECC_NAME_MAX + 1], char team[ECC_NAME_MAX + 1],
                char status[16], char number[ECC_CASE_NUMBER_MAX])
{
	sqlite3_stmt *s =
	    ecc_store_stmt(c->st, "SELECT judge, team, status, number FROM cases WHERE id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(c->st, s);
	if (rc == SQLITE_ROW) {
		g_strlcpy(judge, ecc_store_column_text(s, 0), ECC_NAME_MAX + 1);
		g_strlcpy(team, ecc_store_column_text(s, 1), ECC_NAME_MAX + 1);
		g_strlcpy(status, ecc_store_column_text(s, 2), 16);
		g_strlcpy(number, ecc_store_column_text(s, 3), ECC_CASE_NUMBER_MAX);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

/* A case in u's scope: NOTFOUND or FORBIDDEN otherwise. */
static int scoped(ecc_cases *c, const struct ecc_user *u, int64_t id, char judge[ECC_NAME_MAX + 1],
                  char team[ECC_NAME_MAX + 1], char status[16], char number[ECC_CASE_NUMBER_MAX])
{
	int rc = cases__head(c, id, judge, team, status, number);

	if (rc == ECC_OK && !ecc_case_visible(u, judge, team))
		rc = ECC_ERR_FORBIDDEN;
	return rc;
}

int ecc_cases_access(ecc_cases *c, const struct ecc_user *u, int64_t id)
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16];
	char number[ECC_CASE_NUMBER_MAX];

	return scoped(c, u, id, judge, team, status, number);
}

/* ---- JSON of a case ----------------------------------------------------- */

#define CASE_COLS                                                                                  \
	"c.id, c.number, c.year, c.filed_on, c.applicants, c.respondents, c.amount_fen, c.judge,"  \
	" c.team, c.status, c.close_kind, c.closed_on, c.frozen_full, c.auction, c.hostile,"       \
	" c.triage_suggested, c.triage_reason, c.triage, c.triage_by, c.triage_at, c.created_at,"  \
	" c.updated_at, (SELECT display_name FROM users WHERE username = c.judge)"

static void add_text_or_null(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, ecc_store_column_text(s, i));
}

static cJSON *case_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject(), *v;

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddStringToObject(o, "number", ecc_store_column_text(s, 1));
	cJSON_AddNumberToObject(o, "year", sqlite3_column_int(s, 2));
	cJSON_AddStringToObject(o, "filed_on", ecc_store_column_text(s, 3));
	v = cJSON_Parse(ecc_store_column_text(s, 4));
	cJSON_AddItemToObject(o, "applicants", v ? v : cJSON_CreateArray());
	v = cJSON_Parse(ecc_store_column_text(s, 5));
	cJSON_AddItemToObject(o, "respondents", v ? v : cJSON_CreateArray());
	if (sqlite3_column_type(s, 6) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "amount");
	else
		cJSON_AddNumberToObject(o, "amount", (double)sqlite3_column_int64(s, 6) / 100.0);
	cJSON_AddStringToObject(o, "judge", ecc_store_column_text(s, 7));
	add_text_or_null(o, "judge_name", s, 22);
	cJSON_AddStringToObject(o, "team", ecc_store_column_text(s, 8));
	cJSON_AddStringToObject(o, "status", ecc_store_column_text(s, 9));
	add_text_or_null(o, "close_kind", s, 10);
	add_text_or_null(o, "closed_on", s, 11);
	cJSON_AddBoolToObject(o, "frozen_full", sqlite3_column_int(s, 12));
	cJSON_AddBoolToObject(o, "auction", sqlite3_column_int(s, 13));
	cJSON_AddBoolToObject(o, "hostile", sqlite3_column_int(s, 14));
	add_text_or_null(o, "triage_suggested", s, 15);
	cJSON_AddStringToObject(o, "triage_reason", ecc_store_column_text(s, 16));
	add_text_or_null(o, "triage", s, 17);
	add_text_or_null(o, "triage_by", s, 18);
	if (sqlite3_column_type(s, 19) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "triage_at");
	else
		cJSON_AddNumberToObject(o, "triage_at", (double)sqlite3_column_int64(s, 19));
	cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(s, 20));
	cJSON_AddNumberToObject(o, "updated_at", (double)sqlite3_column_int64(s, 21));
	return o;
}

int ecc_cases_get(ecc_cases *c, const struct ecc_user *u, int64_t id, cJSON **out)
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16];
	char number[ECC_CASE_NUMBER_MAX];
	sqlite3_stmt *s;
	int rc = scoped(c, u, id, judge, team, status, number);

	*out = NULL;
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(c->st, "SELECT " CASE_COLS " FROM cases c WHERE c.id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(c->st, s) == SQLITE_ROW)
		*out = case_json(s);
	sqlite3_reset(s);
	if (!*out)
		return ECC_ERR_NOTFOUND;
	cJSON_AddItemToObject(*out, "nodes", cases__nodes_json(c, id));
	cJSON_AddItemToObject(*out, "closing", ecc_cases_closing_check(c, id));
	return ECC_OK;
}

int ecc_cases_find(ecc_cases *c, const char *number, int64_t *id)
{
	char canon[ECC_CASE_NUMBER_MAX];
	sqlite3_stmt *s;
	int rc;

	if (ecc_casenum_normalize(number, canon, NULL) != ECC_OK)
		return ECC_ERR_INVAL;
	s = ecc_store_stmt(c->st, "SELECT id FROM cases WHERE number = ?");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, canon);
	rc = ecc_store_step(c->st, s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

#define CASE_WHERE                                                                                 \
	" WHERE (?1 IS NULL OR c.judge = ?1) AND (?2 IS NULL OR c.team = ?2) AND (?3 IS NULL OR"   \
	" c.team = ?3) AND (?4 IS NULL OR c.judge = ?4) AND (?5 IS NULL OR c.status = ?5) AND"     \
	" (?6 IS NULL OR c.number = ?6) AND (?7 IS NULL OR c.search LIKE ?7 ESCAPE '\\')"

/* "%q%" with LIKE's wildcards escaped by '\'. */
static char *like_pattern(const char *q)
{
	GString *s = g_string_new("%");

	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '%');
	return g_string_free(s, FALSE);
}

cJSON *ecc_cases_list(ecc_cases *c, const struct ecc_user *u, const struct ecc_case_query *q)
{
	const char *sj, *stm;
	char canon[ECC_CASE_NUMBER_MAX];
	char *like = NULL, *text = NULL;
	const char *exact = NULL;
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "cases");
	sqlite3_stmt *s;
	int64_t total = 0;

	cases__scope(u, &sj, &stm);
	if (q->q && *q->q) {
		if (ecc_casenum_normalize(q->q, canon, NULL) == ECC_OK) {
			exact = canon;
		} else {
			text = ecc_casenum_search_text(q->q);
			like = like_pattern(text);
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		s = pass == 0 ? ecc_store_stmt(c->st, "SELECT count(*) FROM cases c" CASE_WHERE)
		              : ecc_store_stmt(c->st, "SELECT " CASE_COLS " FROM cases c" CASE_WHERE
		                                      " ORDER BY c.filed_on DESC, c.id DESC"
		                                      " LIMIT ?8 OFFSET ?9");
		if (!s)
			break;
		ecc_store_bind_text(s, 1, sj);
		ecc_store_bind_text(s, 2, stm);
		ecc_store_bind_text(s, 3, q->team && *q->team ? q->team : NULL);
		ecc_store_bind_text(s, 4, q->judge && *q->judge ? q->judge : NULL);
		ecc_store_bind_text(s, 5, q->status && *q->status ? q->status : NULL);
		ecc_store_bind_text(s, 6, exact);
		ecc_store_bind_text(s, 7, like);
		if (pass == 0) {
			if (ecc_store_step(c->st, s) == SQLITE_ROW)
				total = sqlite3_column_int64(s, 0);
		} else {
			sqlite3_bind_int(s, 8, q->limit);
			sqlite3_bind_int(s, 9, q->offset);
			while (ecc_store_step(c->st, s) == SQLITE_ROW)
				cJSON_AddItemToArray(arr, case_json(s));
		}
		sqlite3_reset(s);
	}
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddNumberToObject(o, "offset", q->offset);
	g_free(like);
	g_free(text);
	return o;
}

/* ---- create and update -------------------------------------------------- */

/* The values of a case after a change. */
struct merged {
	char filed_on[ECC_DATE_LEN];
	char *applicants, *respondents; /* JSON text */
	int64_t amount_fen;             /* -1: unknown */
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1];
	int frozen_full, auction, hostile;
};

static void merged_clear(struct merged *m)
{
	g_free(m->applicants);
	g_free(m->respondents);
}

/* A judge given by display name (as exports do) becomes the user's name. */
static void resolve_judge(ecc_cases *c, const char *given, char out[ECC_NAME_MAX + 1])
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT username FROM users WHERE username = ?1"
	                                        " OR (display_name = ?1 AND role = 'judge')"
	                                        " ORDER BY username = ?1 DESC LIMIT 1");

	g_strlcpy(out, given, ECC_NAME_MAX + 1);
	if (!s)
		return;
	ecc_store_bind_text(s, 1, given);
	if (ecc_store_step(c->st, s) == SQLITE_ROW)
		g_strlcpy(out, ecc_store_column_text(s, 0), ECC_NAME_MAX + 1);
	sqlite3_reset(s);
}

static char *search_text(const char *number, const char *appl, const char *resp)
{
	char *raw = g_strdup_printf("%s %s %s", number, appl, resp);
	char *t = ecc_casenum_search_text(raw);

	g_free(raw);
	return t;
}

static void merge(ecc_cases *c, const struct ecc_case_fields *f, struct merged *m)
{
	if (f->filed_on[0])
		g_strlcpy(m->filed_on, f->filed_on, sizeof(m->filed_on));
	if (f->applicants) {
		g_free(m->applicants);
		m->applicants = cJSON_PrintUnformatted(f->applicants);
	}
	if (f->respondents) {
		g_free(m->respondents);
		m->respondents = cJSON_PrintUnformatted(f->respondents);
	}
	if (f->amount_fen >= 0)
		m->amount_fen = f->amount_fen;
	if (f->judge)
		resolve_judge(c, f->judge, m->judge);
	if (f->team)
		g_strlcpy(m->team, f->team, sizeof(m->team));
	if (f->frozen_full >= 0)
		m->frozen_full = f->frozen_full;
	if (f->auction >= 0)
		m->auction = f->auction;
	if (f->hostile >= 0)
		m->hostile = f->hostile;
}

/* Reads case number's current values; ECC_OK, NOTFOUND. */
static int load_merged(ecc_cases *c, const char *number, int64_t *id, struct merged *m)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT id, filed_on, applicants, respondents,"
	                                        " amount_fen, judge, team, frozen_full, auction,"
	                                        " hostile FROM cases WHERE number = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, number);
	rc = ecc_store_step(c->st, s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		g_strlcpy(m->filed_on, ecc_store_column_text(s, 1), sizeof(m->filed_on));
		m->applicants = g_strdup(ecc_store_column_text(s, 2));
		m->respondents = g_strdup(ecc_store_column_text(s, 3));
		m->amount_fen =
		    sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 4);
		g_strlcpy(m->judge, ecc_store_column_text(s, 5), sizeof(m->judge));
		g_strlcpy(m->team, ecc_store_column_text(s, 6), sizeof(m->team));
		m->frozen_full = sqlite3_column_int(s, 7);
		m->auction = sqlite3_column_int(s, 8);
		m->hostile = sqlite3_column_int(s, 9);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

static int write_case(ecc_cases *c, const char *number, int year, int64_t id,
                      const struct merged *m, int64_t *new_id)
{
	struct ecc_triage_facts facts = {.amount_fen = m->amount_fen,
	                                 .frozen_full = m->frozen_full,
	                                 .auction = m->auction,
	                                 .hostile = m->hostile};
	char reason[ECC_CASES_WHY];
	const char *sug = ecc_triage_suggest(&facts, reason, sizeof(reason));
	char *search = search_text(number, m->applicants, m->respondents);
	sqlite3_stmt *s;
	int rc;

	if (id)
		s = ecc_store_stmt(c->st,
		                   "UPDATE cases SET filed_on = ?2, applicants = ?3,"
		                   " respondents = ?4, amount_fen = ?5, judge = ?6, team = ?7,"
		                   " frozen_full = ?8, auction = ?9, hostile = ?10,"
		                   " triage_suggested = ?11, triage_reason = ?12, search = ?13,"
		                   " updated_at = ?14 WHERE id = ?1");
	else
		s = ecc_store_stmt(c->st,
		                   "INSERT INTO cases(number, filed_on, applicants,"
		                   " respondents, amount_fen, judge, team, frozen_full, auction,"
		                   " hostile, triage_suggested, triage_reason, search,"
		                   " updated_at, created_at, year)"
		                   " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?14,"
		                   "?15)");
	if (!s) {
		g_free(search);
		return ECC_ERR_DB;
	}
	if (id)
		sqlite3_bind_int64(s, 1, id);
	else
		ecc_store_bind_text(s, 1, number);
	ecc_store_bind_text(s, 2, m->filed_on);
	ecc_store_bind_text(s, 3, m->applicants ? m->applicants : "[]");
	ecc_store_bind_text(s, 4, m->respondents ? m->respondents : "[]");
	if (m->amount_fen >= 0)
		sqlite3_bind_int64(s, 5, m->amount_fen);
	else
		sqlite3_bind_null(s, 5);
	ecc_store_bind_text(s, 6, m->judge);
	ecc_store_bind_text(s, 7, m->team);
	sqlite3_bind_int(s, 8, m->frozen_full > 0);
	sqlite3_bind_int(s, 9, m->auction > 0);
	sqlite3_bind_int(s, 10, m->hostile > 0);
	ecc_store_bind_text(s, 11, sug);
	ecc_store_bind_text(s, 12, reason);
	ecc_store_bind_text(s, 13, search);
	sqlite3_bind_int64(s, 14, ecc_now_ms());
	if (!id)
		sqlite3_bind_int(s, 15, year);
	rc = ecc_store_run(c->st, s);
	g_free(search);
	if (rc == ECC_OK)
		*new_id = id ? id : sqlite3_last_insert_rowid(ecc_store_db(c->st));
	return rc;
}

int ecc_cases_upsert(ecc_cases *c, const struct ecc_case_fields *f, const char *actor,
                     const char *ip, bool in_tx, int64_t *id_out, bool *created,
                     char why[ECC_CASES_WHY])
{
	struct merged m = {.amount_fen = -1};
	char old_filed[ECC_DATE_LEN] = "", old_judge[ECC_NAME_MAX + 1] = "",
	     old_team[ECC_NAME_MAX + 1] = "";
	int64_t id = 0, new_id = 0;
	int rc;

	if (!f->number[0]) {
		cases__why(why, "the case number is missing");
		return ECC_ERR_INVAL;
	}
	if (!in_tx && ecc_store_begin(c->st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = load_merged(c, f->number, &id, &m);
	if (rc == ECC_ERR_NOTFOUND) {
		id = 0;
		rc = ECC_OK;
		if (!f->filed_on[0]) {
			cases__why(why, "a new case needs its filing date");
			rc = ECC_ERR_INVAL;
		}
	} else {
		g_strlcpy(old_filed, m.filed_on, sizeof(old_filed));
		g_strlcpy(old_judge, m.judge, sizeof(old_judge));
		g_strlcpy(old_team, m.team, sizeof(old_team));
	}
	if (rc == ECC_OK) {
		merge(c, f, &m);
		rc = write_case(c, f->number, f->year, id, &m, &new_id);
	}
	if (rc == ECC_OK && !id)
		rc = cases__nodes_create_filing(c, new_id, m.filed_on, m.judge, m.team);
	else if (rc == ECC_OK && (strcmp(old_filed, m.filed_on) || strcmp(old_judge, m.judge) ||
	                          strcmp(old_team, m.team)))
		rc = cases__nodes_follow_case(c, id, old_filed, m.filed_on, m.judge, m.team);
	if (rc == ECC_OK && !in_tx) {
		cJSON *d = cJSON_CreateObject();
		char target[32];
		cJSON_AddStringToObject(d, "number", f->number);
		cJSON_AddStringToObject(d, "filed_on", m.filed_on);
		cJSON_AddStringToObject(d, "judge", m.judge);
		cJSON_AddStringToObject(d, "team", m.team);
		g_snprintf(target, sizeof(target), "case:%" G_GINT64_FORMAT, new_id);
		rc = cases__audit(c, actor, id ? "case.update" : "case.add", target, d, ip);
		cJSON_Delete(d);
	}
	merged_clear(&m);
	if (!in_tx) {
		if (rc != ECC_OK)
			ecc_store_rollback(c->st);
		else if ((rc = ecc_store_commit(c->st)) != ECC_OK)
			return rc;
	}
	if (rc == ECC_OK) {
		*id_out = new_id;
		*created = id == 0;
	}
	return rc;
}

int ecc_cases_update(ecc_cases *c, const struct ecc_user *u, int64_t id,
                     const struct ecc_case_fields *f, const char *ip, char why[ECC_CASES_WHY])
{
	char judge[ECC_NAME_MAX + 1], team[ECC_NAME_MAX + 1], status[16];
	struct ecc_case_fields g = *f;
	int64_t got;
	bool created;
	int rc = scoped(c, u, id, judge, team, status, g.number);

	if (rc != ECC_OK)
		return rc;
	if (f->number[0] && strcmp(f->number, g.number)) {
		cases__why(why, "a case's number does not change (import it as a new case)");
		return ECC_ERR_INVAL;
	}
	return ecc_cases_upsert(c, &g, u->username, ip, false, &got, &created, why);
}
