/* provision: mosquitto dynamic-security commands and their answers. */
#define G_LOG_DOMAIN "ecc-provision"

#include "provision.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_topic.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>

#define CONTROL_TOPIC "$CONTROL/dynamic-security/v1"
#define TIMEOUT_S     5

struct request {
	ecc_provision *p;
	unsigned id;
	ecc_provision_done done;
	void *user;
	/* optional: sees each response item (e.g. getClient's data) */
	void (*on_item)(ecc_provision *p, const cJSON *item);
	guint timer;
};

struct ecc_provision {
	ecc_bus *bus;
	const struct ecc_config *cfg;
	GHashTable *pending; /* id -> struct request* */
	unsigned next_id;
};

void ecc_provision_password(char out[ECC_MQTT_PASSWORD_CHARS + 1])
{
	unsigned char raw[24];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, ECC_MQTT_PASSWORD_CHARS + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* ---- building commands -------------------------------------------------- */

static cJSON *cmd(cJSON *cmds, const char *command)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "command", command);
	cJSON_AddItemToArray(cmds, c);
	return c;
}

static void add_acl(cJSON *cmds, const char *role, const char *type, const char *topic)
{
	cJSON *c = cmd(cmds, "addRoleACL");

	cJSON_AddStringToObject(c, "rolename", role);
	cJSON_AddStringToObject(c, "acltype", type);
	cJSON_AddStringToObject(c, "topic", topic);
	cJSON_AddBoolToObject(c, "allow", true);
	cJSON_AddNumberToObject(c, "priority", 0);
}

static void add_named(cJSON *cmds, const char *command, const char *key, const char *value)
{
	cJSON_AddStringToObject(cmd(cmds, command), key, value);
}

/* Errors that only say "it is already as you want it". */
static bool benign(const char *command, const char *error)
{
	/* mosquitto 2.0.11 answers a duplicate addClientRole (ours, resent
	 * after the kick that the first one caused) with "Internal error". */
	return strstr(error, "already exists") ||
	       (!strcmp(command, "addClientRole") && !strcmp(error, "Internal error")) ||
	       (!strcmp(command, "deleteClient") && strstr(error, "not found")) ||
	       (!strcmp(command, "deleteRole") && strstr(error, "not found")) ||
	       (!strcmp(command, "removeClientRole") && strstr(error, "not found"));
}

/* ---- requests and answers ----------------------------------------------- */

static void finish(struct request *r, int rc, const char *why)
{
	ecc_provision *p = r->p;

	if (r->timer)
		g_source_remove(r->timer);
	r->timer = 0;
	g_hash_table_steal(p->pending, GUINT_TO_POINTER(r->id));
	if (r->done)
		r->done(r->user, rc, why);
	g_free(r);
}

static gboolean timeout_cb(gpointer data)
{
	struct request *r = data;

	r->timer = 0;
	g_warning("request %u: the broker did not answer in %d s", r->id, TIMEOUT_S);
	finish(r, ECC_ERR_UNAVAIL, "the MQTT broker did not answer");
	return G_SOURCE_REMOVE;
}

/* Sends cmds (consumed); correlation data "<id>" on every command. */
static int send_cmds_full(ecc_provision *p, cJSON *cmds, ecc_provision_done done, void *user,
                          void (*on_item)(ecc_provision *p, const cJSON *item))
{
	cJSON *root = cJSON_CreateObject(), *c;
	struct request *r;
	char corr[16], *text;
	int rc;

	/* While the broker is away (a reconnect after our own role change, a
	 * broker restart) the QoS 1 publish waits in libmosquitto and goes out on
	 * reconnect; the request still times out after TIMEOUT_S. */
	r = g_new0(struct request, 1);

	r->p = p;
	r->id = ++p->next_id;
	r->done = done;
	r->user = user;
	r->on_item = on_item;
	g_snprintf(corr, sizeof(corr), "%u", r->id);
	cJSON_ArrayForEach(c, cmds)
	{
		cJSON_AddStringToObject(c, "correlationData", corr);
	}
	cJSON_AddItemToObject(root, "commands", cmds);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	rc = ecc_mqtt_publish(ecc_bus_mqtt(p->bus), CONTROL_TOPIC, text, strlen(text), 1, false,
	                      NULL);
	cJSON_free(text);
	if (rc != ECC_OK) {
		g_free(r);
		return rc;
	}
	g_hash_table_insert(p->pending, GUINT_TO_POINTER(r->id), r);
	r->timer = g_timeout_add_seconds(TIMEOUT_S, timeout_cb, r);
	return ECC_OK;
}

static int send_cmds(ecc_provision *p, cJSON *cmds, ecc_provision_done done, void *user)
{
	return send_cmds_full(p, cmds, done, user, NULL);
}

static void on_control(void *user, const char *topic, const void *payload, size_t len)
{
	ecc_provision *p = user;
	cJSON *root = NULL, *resp, *item;
	struct request *r = NULL;
	const char *why = NULL;
	char *why_copy = NULL;

	if (strcmp(topic, CONTROL_TOPIC "/response") != 0)
		return;
	if (ecc_json_parse(payload, len, 1024 * 1024, 8, &root) != ECC_OK) {
		g_warning("unreadable dynamic-security response");
		return;
	}
	resp = cJSON_GetObjectItemCaseSensitive(root, "responses");
	cJSON_ArrayForEach(item, resp)
	{
		const char *command = "", *error = NULL, *corr = NULL;
		ecc_json_get_string(item, "command", &command);
		ecc_json_get_string(item, "correlationData", &corr);
		ecc_json_get_string(item, "error", &error);
		if (!r && corr)
			r = g_hash_table_lookup(
			    p->pending, GUINT_TO_POINTER((guint)g_ascii_strtoull(corr, NULL, 10)));
		if (r && r->on_item && !error)
			r->on_item(p, item);
		if (error && !benign(command, error) && !why) {
			why_copy = g_strdup_printf("%s: %s", command, error);
			why = why_copy;
		}
	}
	if (r) {
		if (why)
			g_warning("request %u: %s", r->id, why);
		finish(r, why ? ECC_ERR_PROTO : ECC_OK, why);
	} else if (why) {
		g_warning("broker setup: %s", why);
	}
	g_free(why_copy);
	cJSON_Delete(root);
}

/* ---- what the hub asks for ---------------------------------------------- */

/* The hub's own role and the default ACL access. addClientRole makes the
 * broker drop the hub's connection (dynamic security kicks a client whose
 * roles change), so it is sent only when getClient shows the role missing. */
static void send_hub_role(ecc_provision *p, bool add_to_client)
{
	cJSON *cmds = cJSON_CreateArray(), *c, *acls;
	static const char *const allow[][2] = {
	    {"publishClientSend", "ecc/#"},          {"subscribePattern", "ecc/#"},
	    {"subscribePattern", "owntracks/#"},     {"publishClientReceive", "ecc/#"},
	    {"publishClientReceive", "owntracks/#"},
	};
	static const char *const defaults[][2] = {
	    {"publishClientSend", "false"},
	    {"publishClientReceive", "true"},
	    {"subscribe", "false"},
	    {"unsubscribe", "true"},
	};

	add_named(cmds, "createRole", "rolename", "ecc-hub");
	for (size_t i = 0; i < G_N_ELEMENTS(allow); i++)
		add_acl(cmds, "ecc-hub", allow[i][0], allow[i][1]);
	c = cmd(cmds, "setDefaultACLAccess");
	acls = cJSON_AddArrayToObject(c, "acls");
	for (size_t i = 0; i < G_N_ELEMENTS(defaults); i++) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "acltype", defaults[i][0]);
		cJSON_AddBoolToObject(a, "allow", !strcmp(defaults[i][1], "true"));
		cJSON_AddItemToArray(acls, a);
	}
	if (add_to_client) {
		g_message("giving %s the ecc-hub role (the broker reconnects us)",
		          p->cfg->mqtt_username);
		c = cmd(cmds, "addClientRole");
		cJSON_AddStringToObject(c, "username", p->cfg->mqtt_username);
		cJSON_AddStringToObject(c, "rolename", "ecc-hub");
	}
	if (send_cmds(p, cmds, NULL, NULL) != ECC_OK)
		g_warning("could not send the broker setup");
}

static void got_hub_client(ecc_provision *p, const cJSON *item)
{
	const cJSON *client = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(item, "data"), "client");
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(client, "roles"), *r;
	bool has = false;

	if (!client)
		return;
	cJSON_ArrayForEach(r, roles)
	{
		const char *name = NULL;
		if (ecc_json_get_string(r, "rolename", &name) == ECC_OK && !strcmp(name, "ecc-hub"))
			has = true;
	}
	send_hub_role(p, !has);
}

static void setup_hub_role(void *user)
{
	ecc_provision *p = user;
	cJSON *cmds;

	if (!p->cfg->mqtt_provision)
		return;
	cmds = cJSON_CreateArray();
	add_named(cmds, "getClient", "username", p->cfg->mqtt_username);
	if (send_cmds_full(p, cmds, NULL, NULL, got_hub_client) != ECC_OK)
		g_warning("could not ask the broker about %s", p->cfg->mqtt_username);
}

static int identity(ecc_provision *p, const char *prefix, const char *id, const char *password,
                    const char *const (*acls)[3], size_t n_acls, const char *extra_topic,
                    ecc_provision_done done, void *user)
{
	cJSON *cmds, *c, *roles, *role;
	char *rolename;
	int rc;

	if (!ecc_id_valid(id) || !password)
		return ECC_ERR_INVAL;
	rolename = g_strdup_printf("%s%s", prefix, id);
	cmds = cJSON_CreateArray();
	add_named(cmds, "deleteClient", "username", id);
	add_named(cmds, "deleteRole", "rolename", rolename);
	add_named(cmds, "createRole", "rolename", rolename);
	for (size_t i = 0; i < n_acls; i++) {
		char *topic = g_strconcat(acls[i][1], id, acls[i][2], NULL);
		add_acl(cmds, rolename, acls[i][0], topic);
		g_free(topic);
	}
	if (extra_topic) {
		char *topic = g_strdup_printf("owntracks/%s", extra_topic);
		add_acl(cmds, rolename, "publishClientSend", topic);
		g_free(topic);
	}
	c = cmd(cmds, "createClient");
	cJSON_AddStringToObject(c, "username", id);
	cJSON_AddStringToObject(c, "password", password);
	roles = cJSON_AddArrayToObject(c, "roles");
	role = cJSON_CreateObject();
	cJSON_AddStringToObject(role, "rolename", rolename);
	cJSON_AddItemToArray(roles, role);
	g_free(rolename);
	rc = send_cmds(p, cmds, done, user);
	return rc;
}

int ecc_provision_unit(ecc_provision *p, const char *unit, const char *owntracks,
                       const char *password, ecc_provision_done done, void *user)
{
	/* {acl type, topic before the id, topic after the id} */
	static const char *const acls[][3] = {
	    {"publishClientSend", "ecc/unit/", "/#"},
	    {"subscribeLiteral", "ecc/unit/", "/cmd"},
	    {"publishClientReceive", "ecc/unit/", "/cmd"},
	};

	return identity(p, "ecc-unit-", unit, password, acls, G_N_ELEMENTS(acls), owntracks, done,
	                user);
}

int ecc_provision_gateway(ecc_provision *p, const char *gw, const char *password,
                          ecc_provision_done done, void *user)
{
	static const char *const acls[][3] = {
	    {"publishClientSend", "ecc/gw/", "/#"},
	    {"subscribeLiteral", "ecc/gw/", "/cmd"},
	    {"publishClientReceive", "ecc/gw/", "/cmd"},
	};

	return identity(p, "ecc-gw-", gw, password, acls, G_N_ELEMENTS(acls), NULL, done, user);
}

int ecc_provision_unit_remove(ecc_provision *p, const char *unit, ecc_provision_done done,
                              void *user)
{
	cJSON *cmds;
	char *rolename;

	if (!ecc_id_valid(unit))
		return ECC_ERR_INVAL;
	rolename = g_strdup_printf("ecc-unit-%s", unit);
	cmds = cJSON_CreateArray();
	add_named(cmds, "deleteClient", "username", unit);
	add_named(cmds, "deleteRole", "rolename", rolename);
	g_free(rolename);
	return send_cmds(p, cmds, done, user);
}

/* ---- lifecycle ---------------------------------------------------------- */

ecc_provision *ecc_provision_new(ecc_bus *bus, const struct ecc_config *cfg)
{
	ecc_provision *p = g_new0(ecc_provision, 1);

	p->bus = bus;
	p->cfg = cfg;
	p->pending = g_hash_table_new(g_direct_hash, g_direct_equal);
	ecc_bus_on_control(bus, on_control, p);
	ecc_bus_on_connect(bus, setup_hub_role, p);
	return p;
}

void ecc_provision_free(ecc_provision *p)
{
	GList *reqs;

	if (!p)
		return;
	ecc_bus_on_control(p->bus, NULL, NULL);
	ecc_bus_on_connect(p->bus, NULL, NULL);
	reqs = g_hash_table_get_values(p->pending);
	for (GList *l = reqs; l; l = l->next)
		finish(l->data, ECC_ERR_UNAVAIL, "the hub is stopping");
	g_list_free(reqs);
	g_hash_table_destroy(p->pending);
	g_free(p);
}
