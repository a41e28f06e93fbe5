/* instructions: store, send over MQTT and the WebSocket, acknowledge,
 * re-send and escalate the center's instructions. */
#define G_LOG_DOMAIN "ecc-instructions"

#include "instructions.h"
#include "alert.h"
#include "audit.h"
#include "bus.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "ecc_topic.h"

#include <glib.h>
#include <math.h>
#include <string.h>

struct ecc_instructions {
	struct ecc_hub *hub;
	ecc_store *st;
	guint tick_id;
	ecc_instructions_acked_fn acked_fn;
	void *acked_user;
};

#define WHY_MAX 128

static void why_set(char *why, const char *msg)
{
	if (why)
		g_strlcpy(why, msg, WHY_MAX);
}

/* The units of an operation that is planned or under way, to address an
 * instruction to all of them (g_free'd strings); NULL: no such operation. */
static GPtrArray *resolve_operation_units(struct ecc_hub *hub, const char *operation)
{
	char *end = NULL;
	gint64 id = g_ascii_strtoll(operation, &end, 10);
	sqlite3_stmt *s;
	GPtrArray *units;
	bool found;

	if (!end || *end || id <= 0)
		return NULL;
	s = ecc_store_stmt(hub->store, "SELECT 1 FROM operations WHERE id = ? AND state IN"
	                               " ('planned', 'active')");
	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	found = ecc_store_step(hub->store, s) == SQLITE_ROW;
	sqlite3_reset(s);
	if (!found)
		return NULL;
	units = g_ptr_array_new_with_free_func(g_free);
	s = ecc_store_stmt(hub->store, "SELECT unit_id FROM operation_units WHERE operation = ?"
	                               " ORDER BY unit_id");
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		while (ecc_store_step(hub->store, s) == SQLITE_ROW)
			g_ptr_array_add(units, g_strdup(ecc_store_column_text(s, 0)));
		sqlite3_reset(s);
	}
	return units;
}

/* Is user a member of operation (its id as text)? */
static bool operation_member(struct ecc_hub *hub, const char *operation, const char *user)
{
	sqlite3_stmt *s = ecc_store_stmt(hub->store, "SELECT 1 FROM operation_members WHERE"
	                                             " operation = ? AND username = ?");
	bool yes;

	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, g_ascii_strtoll(operation, NULL, 10));
	ecc_store_bind_text(s, 2, user);
	yes = ecc_store_step(hub->store, s) == SQLITE_ROW;
	sqlite3_reset(s);
	return yes;
}

/* ---- JSON of rows ------------------------------------------------------- */

static void add_opt_int(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(s, i));
}

static void add_opt_text(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, ecc_store_column_text(s, i));
}

static cJSON *deliveries_json(ecc_instructions *in, int64_t id, const char **state)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(in->st, "SELECT recipient_kind, recipient, sent_at, last_sent_at,"
	                           " resends, delivered_at, acked_at, acked_by, reply,"
	                           " escalated_at, alert_id FROM instruction_deliveries"
	                           " WHERE instruction_id = ? ORDER BY id");
	cJSON *arr = cJSON_CreateArray();
	int n = 0, delivered = 0, acked = 0, escalated = 0;

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(in->st, s) == SQLITE_ROW) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "recipient_kind", ecc_store_column_text(s, 0));
		cJSON_AddStringToObject(d, "recipient", ecc_store_column_text(s, 1));
		add_opt_int(d, "sent_at", s, 2);
		add_opt_int(d, "last_sent_at", s, 3);
		cJSON_AddNumberToObject(d, "resends", sqlite3_column_int(s, 4));
		add_opt_int(d, "delivered_at", s, 5);
		add_opt_int(d, "acked_at", s, 6);
		add_opt_text(d, "acked_by", s, 7);
		add_opt_text(d, "reply", s, 8);
		add_opt_int(d, "escalated_at", s, 9);
		add_opt_int(d, "alert", s, 10);
		n++;
		delivered += sqlite3_column_type(s, 5) != SQLITE_NULL;
		acked += sqlite3_column_type(s, 6) != SQLITE_NULL;
		escalated += sqlite3_column_type(s, 9) != SQLITE_NULL &&
		             sqlite3_column_type(s, 6) == SQLITE_NULL;
		cJSON_AddItemToArray(arr, d);
	}
	sqlite3_reset(s);
	/* the instruction's state: the least advanced of its deliveries */
	*state = escalated                 ? "escalated"
	         : n > 0 && acked == n     ? "acked"
	         : n > 0 && delivered >= n ? "delivered"
	                                   : "sent";
	return arr;
}

#define INSTR_COLS                                                                                 \
	"id, target_kind, target, text, lat, lon, urgency, incident_id, created_by, created_at"

static cJSON *row_json(ecc_instructions *in, sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject(), *p;
	int64_t id = sqlite3_column_int64(s, 0);
	const char *state = "sent";

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "target_kind", ecc_store_column_text(s, 1));
	cJSON_AddStringToObject(o, "target", ecc_store_column_text(s, 2));
	cJSON_AddStringToObject(o, "text", ecc_store_column_text(s, 3));
	if (sqlite3_column_type(s, 4) == SQLITE_NULL) {
		cJSON_AddNullToObject(o, "point");
	} else {
		p = cJSON_AddObjectToObject(o, "point");
		cJSON_AddNumberToObject(p, "lat", sqlite3_column_double(s, 4));
		cJSON_AddNumberToObject(p, "lon", sqlite3_column_double(s, 5));
	}
	cJSON_AddStringToObject(o, "urgency", ecc_store_column_text(s, 6));
	add_opt_int(o, "incident", s, 7);
	cJSON_AddStringToObject(o, "created_by", ecc_store_column_text(s, 8));
	cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(s, 9));
	cJSON_AddItemToObject(o, "deliveries", deliveries_json(in, id, &state));
	cJSON_AddStringToObject(o, "state", state);
	return o;
}

cJSON *ecc_instructions_get(ecc_instructions *in, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(in->st, "SELECT " INSTR_COLS " FROM instructions WHERE id = ?");
	cJSON *o = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(in->st, s) == SQLITE_ROW)
		o = row_json(in, s);
	sqlite3_reset(s);
	return o;
}

bool ecc_instructions_addressed(ecc_instructions *in, const cJSON *instr, const struct ecc_user *u)
{
	const char *kind = NULL, *target = NULL;
	const struct ecc_unit *unit;

	if (ecc_json_get_string(instr, "target_kind", &kind) != ECC_OK ||
	    ecc_json_get_string(instr, "target", &target) != ECC_OK)
		return false;
	if (!strcmp(kind, "user"))
		return !strcmp(target, u->username);
	if (!strcmp(kind, "team"))
		return u->team[0] && !strcmp(target, u->team);
	if (!strcmp(kind, "unit")) {
		if (u->unit[0] && !strcmp(u->unit, target))
			return true;
		unit = ecc_units_get(in->hub->units, target);
		return unit && u->team[0] && !strcmp(unit->team, u->team);
	}
	/* an operation: its members, and the officers of its units */
	return operation_member(in->hub, target, u->username);
}

static bool center(const struct ecc_user *u)
{
	return ECC_ROLE_BIT(u->role) & ECC_ROLES_CENTER;
}

cJSON *ecc_instructions_list(ecc_instructions *in, const struct ecc_user *user, int64_t before,
                             int limit)
{
	sqlite3_stmt *s = ecc_store_stmt(in->st, "SELECT " INSTR_COLS " FROM instructions"
	                                         " WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC");
	cJSON *arr = cJSON_CreateArray();
	int n = 0;

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, before);
	while (n < limit && ecc_store_step(in->st, s) == SQLITE_ROW) {
		cJSON *o = row_json(in, s);
		if (center(user) || ecc_instructions_addressed(in, o, user)) {
			cJSON_AddItemToArray(arr, o);
			n++;
		} else {
			cJSON_Delete(o);
		}
	}
	sqlite3_reset(s);
	return arr;
}

/* ---- sending ------------------------------------------------------------ */

static void audit(ecc_instructions *in, const char *actor, const char *action, int64_t id,
                  const char *detail, const char *ip)
{
	ecc_audit_about(in->st, actor, action, "instruction", id, detail, ip);
}

/* Tells the WebSocket (the `dispatch` channel) the instruction's state. */
static void announce(ecc_instructions *in, int64_t id)
{
	ecc_events_emit_item(in->hub->events, ECC_EV_DISPATCH, "instruction",
	                     ecc_instructions_get(in, id));
}

/* Publishes instruction id to unit over MQTT (QoS 1). */
static int publish(ecc_instructions *in, int64_t id, const char *unit, int resend)
{
	cJSON *i = ecc_instructions_get(in, id), *cmd;
	char idtext[24], *topic, *text;
	int rc;

	if (!i)
		return ECC_ERR_NOTFOUND;
	if (!in->hub->bus) {
		cJSON_Delete(i);
		return ECC_ERR_UNAVAIL;
	}
	cmd = cJSON_CreateObject();
	g_snprintf(idtext, sizeof(idtext), "%" G_GINT64_FORMAT, id);
	cJSON_AddStringToObject(cmd, "op", "instruction");
	cJSON_AddStringToObject(cmd, "id", idtext);
	cJSON_AddItemToObject(cmd, "text", cJSON_DetachItemFromObject(i, "text"));
	cJSON_AddItemToObject(cmd, "point", cJSON_DetachItemFromObject(i, "point"));
	cJSON_AddItemToObject(cmd, "urgency", cJSON_DetachItemFromObject(i, "urgency"));
	cJSON_AddNumberToObject(cmd, "resend", resend);
	cJSON_AddNumberToObject(cmd, "ts", (double)ecc_now_ms());
	text = ecc_json_print(cmd);
	topic = ecc_topic_unit(unit, "cmd");
	rc = text ? ecc_mqtt_publish(ecc_bus_mqtt(in->hub->bus), topic, text, strlen(text), 1,
	                             false, NULL)
	          : ECC_ERR_NOMEM;
	g_message("unit=%s instruction=%" G_GINT64_FORMAT ": %s%s", unit, id,
	          resend ? "re-sent" : "sent", rc == ECC_OK ? "" : " (broker away: queued)");
	g_free(topic);
	cJSON_free(text);
	cJSON_Delete(cmd);
	cJSON_Delete(i);
	return rc;
}

static int add_delivery(ecc_instructions *in, int64_t id, const char *kind, const char *who,
                        int64_t now)
{
	sqlite3_stmt *s = ecc_store_stmt(in->st, "INSERT OR IGNORE INTO instruction_deliveries("
	                                         "instruction_id, recipient_kind, recipient,"
	                                         " sent_at, last_sent_at) VALUES(?,?,?,?,?)");

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	ecc_store_bind_text(s, 2, kind);
	ecc_store_bind_text(s, 3, who);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now);
	return ecc_store_run(in->st, s);
}

/* The recipients of a spec: units (MQTT) and users (pages only), as
 * "unit\tID" / "user\tNAME" strings; NULL with why when there are none. */
static GPtrArray *recipients(ecc_instructions *in, const struct ecc_instruction_spec *sp, char *why)
{
	GPtrArray *r = g_ptr_array_new_with_free_func(g_free);
	struct ecc_user user;

	if (!strcmp(sp->target_kind, "unit")) {
		if (ecc_units_get(in->hub->units, sp->target))
			g_ptr_array_add(r, g_strconcat("unit\t", sp->target, NULL));
		else
			why_set(why, "no such unit");
	} else if (!strcmp(sp->target_kind, "user")) {
		if (ecc_auth_user_get(in->hub->auth, sp->target, &user) == ECC_OK)
			g_ptr_array_add(r, g_strconcat("user\t", sp->target, NULL));
		else
			why_set(why, "no such user");
	} else if (!strcmp(sp->target_kind, "team")) {
		const GPtrArray *all = ecc_units_all(in->hub->units);
		sqlite3_stmt *s;
		for (guint i = 0; i < all->len; i++) {
			const struct ecc_unit *u = g_ptr_array_index(all, i);
			if (!strcmp(u->team, sp->target))
				g_ptr_array_add(r, g_strconcat("unit\t", u->id, NULL));
		}
		/* officers of the team without a unit of their own: their pages */
		s = ecc_store_stmt(in->st, "SELECT username FROM users WHERE team = ? AND"
		                           " role = 'officer' AND disabled = 0 AND"
		                           " coalesce(unit_id, '') = ''");
		if (s) {
			ecc_store_bind_text(s, 1, sp->target);
			while (ecc_store_step(in->st, s) == SQLITE_ROW)
				g_ptr_array_add(
				    r, g_strconcat("user\t", ecc_store_column_text(s, 0), NULL));
			sqlite3_reset(s);
		}
		if (!r->len)
			why_set(why, "no unit or officer in this team");
	} else {
		GPtrArray *units = resolve_operation_units(in->hub, sp->target);
		for (guint i = 0; units && i < units->len; i++)
			g_ptr_array_add(r,
			                g_strconcat("unit\t", g_ptr_array_index(units, i), NULL));
		if (!units)
			why_set(why, "no such operation");
		else if (!r->len)
			why_set(why, "no unit on this operation");
		if (units)
			g_ptr_array_unref(units);
	}
	if (!r->len) {
		g_ptr_array_unref(r);
		return NULL;
	}
	return r;
}

int ecc_instructions_create(ecc_instructions *in, const struct ecc_instruction_spec *sp,
                            const char *actor, const char *ip, int64_t *id_out, char *why)
{
	sqlite3_stmt *s;
	GPtrArray *to;
	int64_t id, now = ecc_now_ms();
	const char *urgency = sp->urgency ? sp->urgency : "normal";
	char *detail;
	int rc = ECC_OK;

	if (!sp->target_kind ||
	    (strcmp(sp->target_kind, "unit") && strcmp(sp->target_kind, "team") &&
	     strcmp(sp->target_kind, "user") && strcmp(sp->target_kind, "operation"))) {
		why_set(why, "target kind is unit, team, user or operation");
		return ECC_ERR_INVAL;
	}
	if (!sp->target || !*sp->target || strlen(sp->target) > 128) {
		why_set(why, "target must name a unit, team, user or operation");
		return ECC_ERR_INVAL;
	}
	if (!sp->text || !*sp->text || strlen(sp->text) > ECC_INSTRUCTION_TEXT_MAX ||
	    !g_utf8_validate(sp->text, -1, NULL)) {
		why_set(why, "text is required (at most 2000 bytes of UTF-8)");
		return ECC_ERR_INVAL;
	}
	if (strcmp(urgency, "normal") && strcmp(urgency, "urgent")) {
		why_set(why, "urgency is normal or urgent");
		return ECC_ERR_INVAL;
	}
	if (!isnan(sp->lat) &&
	    !(sp->lat >= -90 && sp->lat <= 90 && sp->lon >= -180 && sp->lon <= 180)) {
		why_set(why, "point must be {lat: -90..90, lon: -180..180}");
		return ECC_ERR_INVAL;
	}
	to = recipients(in, sp, why);
	if (!to)
		return ECC_ERR_NOTFOUND;
	if (ecc_store_begin(in->st, true) != ECC_OK) {
		g_ptr_array_unref(to);
		return ECC_ERR_DB;
	}
	s = ecc_store_stmt(in->st, "INSERT INTO instructions(target_kind, target, text, lat, lon,"
	                           " urgency, incident_id, created_by, created_at)"
	                           " VALUES(?,?,?,?,?,?,?,?,?)");
	if (!s) {
		rc = ECC_ERR_DB;
		goto fail;
	}
	ecc_store_bind_text(s, 1, sp->target_kind);
	ecc_store_bind_text(s, 2, sp->target);
	ecc_store_bind_text(s, 3, sp->text);
	ecc_store_bind_real_or_null(s, 4, sp->lat);
	ecc_store_bind_real_or_null(s, 5, isnan(sp->lat) ? NAN : sp->lon);
	ecc_store_bind_text(s, 6, urgency);
	if (sp->incident_id > 0)
		sqlite3_bind_int64(s, 7, sp->incident_id);
	else
		sqlite3_bind_null(s, 7);
	ecc_store_bind_text(s, 8, actor);
	sqlite3_bind_int64(s, 9, now);
	if ((rc = ecc_store_run(in->st, s)) != ECC_OK)
		goto fail;
	id = sqlite3_last_insert_rowid(ecc_store_db(in->st));
	for (guint i = 0; i < to->len && rc == ECC_OK; i++) {
		char **kv = g_strsplit(g_ptr_array_index(to, i), "\t", 2);
		rc = add_delivery(in, id, kv[0], kv[1], now);
		g_strfreev(kv);
	}
	detail =
	    g_strdup_printf("{\"target_kind\":\"%s\",\"recipients\":%u}", sp->target_kind, to->len);
	if (rc == ECC_OK)
		audit(in, actor, "instruction.create", id, detail, ip);
	g_free(detail);
	if (rc != ECC_OK)
		goto fail;
	if ((rc = ecc_store_commit(in->st)) != ECC_OK) {
		g_ptr_array_unref(to);
		return rc;
	}
	for (guint i = 0; i < to->len; i++) {
		const char *r = g_ptr_array_index(to, i);
		if (g_str_has_prefix(r, "unit\t"))
			publish(in, id, r + 5, 0);
	}
	g_ptr_array_unref(to);
	if (id_out)
		*id_out = id;
	announce(in, id);
	return ECC_OK;
fail:
	ecc_store_rollback(in->st);
	g_ptr_array_unref(to);
	return rc;
}

/* ---- acknowledgments ---------------------------------------------------- */

void ecc_instructions_on_acked(ecc_instructions *in, ecc_instructions_acked_fn fn, void *user)
{
	in->acked_fn = fn;
	in->acked_user = user;
}

static void clear_alert(ecc_instructions *in, int64_t id, const char *kind, const char *who)
{
	char *subject = g_strdup_printf("instruction:%" G_GINT64_FORMAT "/%s:%s", id, kind, who);

	ecc_alerts_clear_subject(in->hub->alerts, subject);
	g_free(subject);
}

static void tell_incident(ecc_instructions *in, int64_t id, const char *unit, int64_t ts)
{
	sqlite3_stmt *s;
	int64_t incident = 0;

	if (!in->acked_fn)
		return;
	s = ecc_store_stmt(in->st, "SELECT incident_id FROM instructions WHERE id = ?");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, id);
	if (ecc_store_step(in->st, s) == SQLITE_ROW)
		incident = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (incident > 0)
		in->acked_fn(in->acked_user, incident, unit, ts);
}

void ecc_instructions_on_unit_ack(ecc_instructions *in, const char *unit, const cJSON *ack)
{
	const char *idtext = NULL, *reply = NULL;
	bool acked = false, ok = true;
	char *end = NULL, actor[80];
	int64_t id, now = ecc_now_ms();
	sqlite3_stmt *s;
	int changed;

	if (ecc_json_get_string(ack, "id", &idtext) != ECC_OK ||
	    (id = g_ascii_strtoll(idtext, &end, 10)) <= 0 || *end) {
		g_warning("unit=%s: an instruction ack without a valid \"id\"", unit);
		return;
	}
	ecc_json_get_bool(ack, "acked", &acked);
	ecc_json_get_bool(ack, "ok", &ok);
	ecc_json_get_string(ack, "reply", &reply);
	s = ecc_store_stmt(in->st, "UPDATE instruction_deliveries SET"
	                           " delivered_at = coalesce(delivered_at, ?1),"
	                           " acked_at = CASE WHEN ?2 AND acked_at IS NULL THEN ?1"
	                           "   ELSE acked_at END,"
	                           " acked_by = CASE WHEN ?2 AND acked_at IS NULL THEN ?3"
	                           "   ELSE acked_by END,"
	                           " reply = CASE WHEN ?2 AND acked_at IS NULL THEN ?4"
	                           "   ELSE reply END"
	                           " WHERE instruction_id = ?5 AND recipient_kind = 'unit' AND"
	                           " recipient = ?6 AND (delivered_at IS NULL OR"
	                           " (?2 AND acked_at IS NULL))");
	if (!s)
		return;
	g_snprintf(actor, sizeof(actor), "unit:%s", unit);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, acked && ok);
	ecc_store_bind_text(s, 3, actor);
	ecc_store_bind_text(s, 4, reply);
	sqlite3_bind_int64(s, 5, id);
	ecc_store_bind_text(s, 6, unit);
	if (ecc_store_run(in->st, s) != ECC_OK)
		return;
	changed = sqlite3_changes(ecc_store_db(in->st));
	if (!changed) {
		g_debug("unit=%s instruction=%" G_GINT64_FORMAT ": ack changes nothing", unit, id);
		return;
	}
	g_message("unit=%s instruction=%" G_GINT64_FORMAT ": %s%s", unit, id,
	          acked && ok ? "acknowledged" : "delivered", ok ? "" : " (the unit said not ok)");
	audit(in, actor, acked && ok ? "instruction.ack" : "instruction.delivered", id,
	      ok ? NULL : "{\"ok\":false}", NULL);
	if (acked && ok) {
		clear_alert(in, id, "unit", unit);
		tell_incident(in, id, unit, now);
	}
	announce(in, id);
}

int ecc_instructions_ack_page(ecc_instructions *in, int64_t id, const struct ecc_user *user,
                              const char *reply, const char *ip)
{
	cJSON *i = ecc_instructions_get(in, id);
	int64_t now = ecc_now_ms();
	sqlite3_stmt *s;
	int changed = 0;
	bool own_unit = false;

	if (!i)
		return ECC_ERR_NOTFOUND;
	if (!ecc_instructions_addressed(in, i, user)) {
		cJSON_Delete(i);
		return ECC_ERR_FORBIDDEN;
	}
	cJSON_Delete(i);
	if (ecc_store_begin(in->st, true) != ECC_OK)
		return ECC_ERR_DB;
	/* the user's own delivery, and the one of the user's own unit */
	s = ecc_store_stmt(in->st, "UPDATE instruction_deliveries SET"
	                           " delivered_at = coalesce(delivered_at, ?1), acked_at = ?1,"
	                           " acked_by = ?2, reply = ?3 WHERE instruction_id = ?4 AND"
	                           " acked_at IS NULL AND ((recipient_kind = 'user' AND"
	                           " recipient = ?2) OR (recipient_kind = 'unit' AND"
	                           " recipient = ?5))");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	ecc_store_bind_text(s, 2, user->username);
	ecc_store_bind_text(s, 3, reply);
	sqlite3_bind_int64(s, 4, id);
	ecc_store_bind_text(s, 5, user->unit);
	if (ecc_store_run(in->st, s) != ECC_OK)
		goto fail;
	changed = sqlite3_changes(ecc_store_db(in->st));
	if (!changed) {
		/* addressed through the team: a row of its own, unless it has one */
		s = ecc_store_stmt(in->st,
		                   "INSERT OR IGNORE INTO instruction_deliveries("
		                   "instruction_id, recipient_kind, recipient, delivered_at,"
		                   " acked_at, acked_by, reply) VALUES(?1,'user',?2,?3,?3,"
		                   "?2,?4)");
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, id);
		ecc_store_bind_text(s, 2, user->username);
		sqlite3_bind_int64(s, 3, now);
		ecc_store_bind_text(s, 4, reply);
		if (ecc_store_run(in->st, s) != ECC_OK)
			goto fail;
		changed = sqlite3_changes(ecc_store_db(in->st));
	} else {
		own_unit = user->unit[0] != '\0';
	}
	if (!changed) {
		ecc_store_rollback(in->st);
		return ECC_ERR_EXISTS;
	}
	audit(in, user->username, "instruction.ack", id, NULL, ip);
	if (ecc_store_commit(in->st) != ECC_OK)
		return ECC_ERR_DB;
	clear_alert(in, id, "user", user->username);
	if (own_unit) {
		clear_alert(in, id, "unit", user->unit);
		tell_incident(in, id, user->unit, now);
	}
	announce(in, id);
	return ECC_OK;
fail:
	ecc_store_rollback(in->st);
	return ECC_ERR_DB;
}

/* ---- re-sending and escalation ------------------------------------------ */

struct due {
	int64_t row, id;
	char *kind, *who;
	int resends;
};

static void escalate(ecc_instructions *in, const struct due *d, int64_t now)
{
	cJSON *i = ecc_instructions_get(in, d->id);
	const char *text = "";
	char *msg, *subject;
	int64_t alert = 0;
	struct ecc_alert_spec sp;
	sqlite3_stmt *s;

	if (i)
		ecc_json_get_string(i, "text", &text);
	msg = g_strdup_printf("指令未确认 (%s %s, 重发 %d 次): %s", d->kind, d->who, d->resends,
	                      text);
	subject = g_strdup_printf("instruction:%" G_GINT64_FORMAT "/%s:%s", d->id, d->kind, d->who);
	sp = (struct ecc_alert_spec){.kind = "instruction_unacked",
	                             .severity = ECC_SEV_HIGH,
	                             .unit = !strcmp(d->kind, "unit") ? d->who : NULL,
	                             .message = msg,
	                             .lat = NAN,
	                             .lon = NAN,
	                             .subject = subject};
	ecc_alerts_raise(in->hub->alerts, &sp, &alert);
	s = ecc_store_stmt(in->st, "UPDATE instruction_deliveries SET escalated_at = ?,"
	                           " alert_id = ? WHERE id = ?");
	if (s) {
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, alert);
		sqlite3_bind_int64(s, 3, d->row);
		ecc_store_run(in->st, s);
	}
	g_message("%s=%s instruction=%" G_GINT64_FORMAT ": not acknowledged after %d re-sends,"
	          " alert %" G_GINT64_FORMAT,
	          d->kind, d->who, d->id, d->resends, alert);
	audit(in, "system", "instruction.escalate", d->id, subject, NULL);
	g_free(msg);
	g_free(subject);
	cJSON_Delete(i);
}

static void resend(ecc_instructions *in, const struct due *d, int64_t now)
{
	sqlite3_stmt *s = ecc_store_stmt(in->st, "UPDATE instruction_deliveries SET"
	                                         " resends = resends + 1, last_sent_at = ?"
	                                         " WHERE id = ?");
	char *detail;

	if (!s)
		return;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, d->row);
	if (ecc_store_run(in->st, s) != ECC_OK)
		return;
	if (!strcmp(d->kind, "unit"))
		publish(in, d->id, d->who, d->resends + 1);
	detail = g_strdup_printf("{\"%s\":\"%s\",\"resend\":%d}", d->kind, d->who, d->resends + 1);
	audit(in, "system", "instruction.resend", d->id, detail, NULL);
	g_free(detail);
}

void ecc_instructions_tick(ecc_instructions *in)
{
	const struct ecc_config *cfg = in->hub->cfg;
	int64_t now = ecc_now_ms();
	sqlite3_stmt *s = ecc_store_stmt(in->st, "SELECT id, instruction_id, recipient_kind,"
	                                         " recipient, resends FROM instruction_deliveries"
	                                         " WHERE acked_at IS NULL AND escalated_at IS NULL"
	                                         " AND last_sent_at <= ? ORDER BY id LIMIT 200");
	GArray *due = g_array_new(FALSE, FALSE, sizeof(struct due));
	GHashTable *touched = g_hash_table_new(g_int64_hash, g_int64_equal);

	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, now - (int64_t)cfg->instr_resend_after * 1000);
	while (ecc_store_step(in->st, s) == SQLITE_ROW) {
		struct due d = {.row = sqlite3_column_int64(s, 0),
		                .id = sqlite3_column_int64(s, 1),
		                .kind = g_strdup(ecc_store_column_text(s, 2)),
		                .who = g_strdup(ecc_store_column_text(s, 3)),
		                .resends = sqlite3_column_int(s, 4)};
		g_array_append_val(due, d);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < due->len; i++) {
		struct due *d = &g_array_index(due, struct due, i);
		if (d->resends >= cfg->instr_resend_max)
			escalate(in, d, now);
		else
			resend(in, d, now);
		g_hash_table_add(touched, &d->id);
	}
	{
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init(&it, touched);
		while (g_hash_table_iter_next(&it, &key, NULL))
			announce(in, *(int64_t *)key);
	}
out:
	for (guint i = 0; i < due->len; i++) {
		g_free(g_array_index(due, struct due, i).kind);
		g_free(g_array_index(due, struct due, i).who);
	}
	g_hash_table_unref(touched);
	g_array_free(due, TRUE);
}

static gboolean tick_cb(gpointer data)
{
	ecc_instructions_tick(data);
	return G_SOURCE_CONTINUE;
}

ecc_instructions *ecc_instructions_new(struct ecc_hub *hub)
{
	ecc_instructions *in = g_new0(ecc_instructions, 1);

	in->hub = hub;
	in->st = hub->store;
	in->tick_id = g_timeout_add_seconds(1, tick_cb, in);
	return in;
}

void ecc_instructions_free(ecc_instructions *in)
{
	if (!in)
		return;
	if (in->tick_id)
		g_source_remove(in->tick_id);
	g_free(in);
}
