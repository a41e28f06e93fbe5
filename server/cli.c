/* cli: user add, unit add, gateway add, audit verify, routes, config keys,
 * evidence-key. */
#define G_LOG_DOMAIN "ecc-cli"

#include "cli.h"
#include "audit.h"
#include "auth.h"
#include "bus.h"
#include "cases.h"
#include "ecc_err.h"
#include "evidence.h"
#include "hub.h"
#include "provision.h"
#include "router.h"
#include "ecc_topic.h"
#include "units.h"

#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static int open_store(const struct ecc_config *cfg, ecc_store **st)
{
	if (ecc_store_open(cfg->database, st) != ECC_OK) {
		fprintf(stderr, "ecc-hub: cannot open the database %s\n", cfg->database);
		return 1;
	}
	return 0;
}

/* ---- user add ----------------------------------------------------------- */

static int cmd_user_add(const struct ecc_config *cfg, int argc, char **argv)
{
	const char *role_s = opt(argc, argv, "--role");
	char pw[600] = "", why[ECC_WHY_LEN] = "";
	enum ecc_role role;
	ecc_store *st;
	ecc_auth *a;
	int rc;

	if (argc < 1 || !role_s || ecc_role_parse(role_s, &role) != ECC_OK ||
	    !flag(argc, argv, "--password-stdin")) {
		fprintf(stderr,
		        "usage: ecc-hub --config FILE user add NAME --role "
		        "admin|commander|duty|officer|judge|guest [--display NAME] [--team T]"
		        " --password-stdin\n");
		return 2;
	}
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "ecc-hub: no password on standard input\n");
		return 1;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (open_store(cfg, &st))
		return 1;
	a = ecc_auth_new(st, cfg);
	rc = ecc_auth_user_add(a, argv[0], role, pw, opt(argc, argv, "--display"),
	                       opt(argc, argv, "--team"), "cli", NULL, why, NULL);
	sodium_memzero(pw, sizeof(pw));
	if (rc == ECC_OK)
		printf("user %s added as %s\n", argv[0], ecc_role_name(role));
	else
		fprintf(stderr, "ecc-hub: %s\n", why[0] ? why : ecc_strerror(rc));
	ecc_auth_free(a);
	ecc_store_close(st);
	return rc == ECC_OK ? 0 : 1;
}

/* ---- broker round trips ------------------------------------------------- */

struct roundtrip {
	GMainLoop *loop;
	ecc_bus *bus;
	ecc_provision *prov;
	int (*send)(struct roundtrip *rt);
	const char *id, *owntracks;
	char password[ECC_MQTT_PASSWORD_CHARS + 1];
	int rc;
	char why[256];
	guint poll, deadline;
};

static void answered(void *user, int rc, const char *why)
{
	struct roundtrip *rt = user;

	rt->rc = rc;
	g_strlcpy(rt->why, why ? why : "", sizeof(rt->why));
	g_main_loop_quit(rt->loop);
}

static gboolean poll_cb(gpointer data)
{
	struct roundtrip *rt = data;
	int rc;

	if (!ecc_bus_connected(rt->bus))
		return G_SOURCE_CONTINUE;
	rt->poll = 0;
	rc = rt->send(rt);
	if (rc != ECC_OK)
		answered(rt, rc, "could not send to the broker");
	return G_SOURCE_REMOVE;
}

static gboolean deadline_cb(gpointer data)
{
	struct roundtrip *rt = data;

	rt->deadline = 0;
	answered(rt, ECC_ERR_UNAVAIL, "the MQTT broker is not reachable");
	return G_SOURCE_REMOVE;
}

static int send_unit(struct roundtrip *rt)
{
	return ecc_provision_unit(rt->prov, rt->id, rt->owntracks, rt->password, answered, rt);
}

static int send_gateway(struct roundtrip *rt)
{
	return ecc_provision_gateway(rt->prov, rt->id, rt->password, answered, rt);
}

/* Connects, runs rt->send once, waits for the answer (10 s at most). */
static int roundtrip(const struct ecc_config *cfg, struct roundtrip *rt)
{
	struct ecc_hub hub = {.cfg = cfg};

	rt->loop = g_main_loop_new(NULL, FALSE);
	rt->bus = ecc_bus_new_cli(&hub);
	if (!rt->bus) {
		g_main_loop_unref(rt->loop);
		return ECC_ERR_INVAL;
	}
	hub.bus = rt->bus;
	rt->prov = ecc_provision_new(rt->bus, cfg);
	ecc_provision_password(rt->password);
	ecc_bus_start(rt->bus);
	rt->poll = g_timeout_add(20, poll_cb, rt);
	rt->deadline = g_timeout_add_seconds(10, deadline_cb, rt);
	g_main_loop_run(rt->loop);
	if (rt->poll)
		g_source_remove(rt->poll);
	if (rt->deadline)
		g_source_remove(rt->deadline);
	ecc_provision_free(rt->prov);
	ecc_bus_free(rt->bus);
	g_main_loop_unref(rt->loop);
	return rt->rc;
}

static void print_credentials(const struct ecc_config *cfg, const char *kind, const char *id,
                              const char *password, bool json)
{
	if (json)
		printf("{\"%s\":\"%s\",\"username\":\"%s\",\"password\":\"%s\","
		       "\"host\":\"%s\",\"port\":%d}\n",
		       kind, id, id, password, cfg->mqtt_host, cfg->mqtt_port);
	else
		printf("%s %s: MQTT user %s, password %s (shown once; broker %s:%d)\n", kind, id,
		       id, password, cfg->mqtt_host, cfg->mqtt_port);
}

/* ---- unit add ----------------------------------------------------------- */

static int cmd_unit_add(const struct ecc_config *cfg, int argc, char **argv)
{
	struct ecc_unit_spec s = {0};
	struct roundtrip rt = {0};
	const char *kind = opt(argc, argv, "--kind");
	char why[128] = "";
	ecc_events *ev;
	ecc_units *units;
	ecc_store *st;
	int rc;

	if (argc < 1 || !kind || ecc_unit_kind_parse(kind, &s.kind) != ECC_OK ||
	    !opt(argc, argv, "--name")) {
		fprintf(stderr, "usage: ecc-hub --config FILE unit add ID --kind "
		                "bodycam|handheld|vehicle|drone --name NAME [--team T]"
		                " [--owntracks USER/DEVICE] [--json]\n");
		return 2;
	}
	s.id = argv[0];
	s.name = opt(argc, argv, "--name");
	s.team = opt(argc, argv, "--team");
	s.owntracks = opt(argc, argv, "--owntracks");
	if (ecc_units_check_spec(&s, why) != ECC_OK) {
		fprintf(stderr, "ecc-hub: %s\n", why);
		return 1;
	}
	if (open_store(cfg, &st))
		return 1;
	ev = ecc_events_new();
	units = ecc_units_new(st, ev);
	rc = units ? ECC_OK : ECC_ERR_DB;
	if (rc == ECC_OK && ecc_units_get(units, s.id)) {
		snprintf(why, sizeof(why), "unit %s exists", s.id);
		rc = ECC_ERR_EXISTS;
	}
	if (rc == ECC_OK && cfg->mqtt_provision) {
		rt.send = send_unit;
		rt.id = s.id;
		rt.owntracks = s.owntracks;
		rc = roundtrip(cfg, &rt);
		if (rc != ECC_OK)
			g_strlcpy(why, rt.why, sizeof(why));
	}
	if (rc == ECC_OK)
		rc = ecc_units_add(units, &s, "cli", NULL, why);
	if (rc == ECC_OK && cfg->mqtt_provision)
		print_credentials(cfg, "unit", s.id, rt.password, flag(argc, argv, "--json"));
	else if (rc == ECC_OK)
		printf("unit %s added (no MQTT identity: [mqtt] provision = false)\n", s.id);
	else
		fprintf(stderr, "ecc-hub: unit %s not added: %s\n", s.id,
		        why[0] ? why : ecc_strerror(rc));
	sodium_memzero(rt.password, sizeof(rt.password));
	ecc_units_free(units);
	ecc_events_free(ev);
	ecc_store_close(st);
	return rc == ECC_OK ? 0 : 1;
}

/* ---- gateway add -------------------------------------------------------- */

static int cmd_gateway_add(const struct ecc_config *cfg, int argc, char **argv)
{
	struct roundtrip rt = {0};
	ecc_store *st;
	int rc;

	if (argc < 1 || !ecc_id_valid(argv[0])) {
		fprintf(stderr, "usage: ecc-hub --config FILE gateway add GW [--json]\n");
		return 2;
	}
	rt.send = send_gateway;
	rt.id = argv[0];
	rc = roundtrip(cfg, &rt);
	if (rc != ECC_OK) {
		fprintf(stderr, "ecc-hub: gateway %s not added: %s\n", argv[0], rt.why);
		return 1;
	}
	if (open_store(cfg, &st) == 0) {
		struct ecc_audit_entry e = {
		    .actor = "cli", .action = "gateway.add", .target = argv[0]};
		ecc_audit_append(st, &e, NULL);
		ecc_store_close(st);
	}
	print_credentials(cfg, "gateway", argv[0], rt.password, flag(argc, argv, "--json"));
	sodium_memzero(rt.password, sizeof(rt.password));
	return 0;
}

/* ---- audit verify ------------------------------------------------------- */

static int cmd_audit_verify(const struct ecc_config *cfg, int argc, char **argv)
{
	int64_t bad = 0, rows = 0;
	ecc_store *st;
	int rc;

	(void)argc;
	(void)argv;
	if (open_store(cfg, &st))
		return 1;
	rc = ecc_audit_verify(st, &bad, &rows);
	ecc_store_close(st);
	if (rc == ECC_OK) {
		printf("audit log intact: %" G_GINT64_FORMAT " rows\n", (gint64)rows);
		return 0;
	}
	if (rc == ECC_ERR_INVAL)
		printf("audit log ALTERED: row %" G_GINT64_FORMAT " does not match the chain\n",
		       (gint64)bad);
	else
		fprintf(stderr, "ecc-hub: could not read the audit log\n");
	return 1;
}

static int cmd_routes(const struct ecc_config *cfg, int argc, char **argv)
{
	(void)cfg;
	(void)argc;
	(void)argv;
	ecc_routes_print();
	return 0;
}

static int cmd_config_keys(const struct ecc_config *cfg, int argc, char **argv)
{
	(void)cfg;
	(void)argc;
	(void)argv;
	ecc_config_print_keys();
	return 0;
}

static int cmd_cases(const struct ecc_config *cfg, int argc, char **argv)
{
	return ecc_cases_cli(cfg, argc, argv);
}

/* evidence-key: the court's public key (base64; ecc-verify --key takes it)
 * and its fingerprint; the key is created as the hub would create it. */
static int cmd_evidence_key(const struct ecc_config *cfg, int argc, char **argv)
{
	uint8_t sk[ECC_EV_SK_BYTES], pk[ECC_EV_PK_BYTES];
	char *path = ecc_evidence_key_path(cfg), *b64, *fp;
	bool created = false;
	int rc = ecc_ev_key_load(path, true, sk, pk, &created);

	(void)argc;
	(void)argv;
	sodium_memzero(sk, sizeof(sk));
	if (rc != ECC_OK) {
		fprintf(stderr, "ecc-hub: the evidence key %s cannot be used: %s\n", path,
		        ecc_strerror(rc));
		g_free(path);
		return 1;
	}
	b64 = ecc_ev_pk_base64(pk);
	fp = ecc_ev_fingerprint(pk);
	printf("%s\nfingerprint %s\nkey file %s%s\n", b64, fp, path, created ? " (created)" : "");
	g_free(b64);
	g_free(fp);
	g_free(path);
	return 0;
}

static const struct command {
	const char *word1, *word2;
	int (*fn)(const struct ecc_config *cfg, int argc, char **argv);
} commands[] = {
    {"user", "add", cmd_user_add},
    {"unit", "add", cmd_unit_add},
    {"gateway", "add", cmd_gateway_add},
    {"audit", "verify", cmd_audit_verify},
    {"routes", NULL, cmd_routes},
    {"config", "keys", cmd_config_keys},
    {"cases", NULL, cmd_cases},
    {"evidence-key", NULL, cmd_evidence_key},
    {NULL, NULL, NULL},
};

static const struct command *find(int argc, char **argv)
{
	for (const struct command *c = commands; argc > 0 && c->word1; c++)
		if (!strcmp(argv[0], c->word1) &&
		    (!c->word2 || (argc > 1 && !strcmp(argv[1], c->word2))))
			return c;
	return NULL;
}

int ecc_cli_is_command(int argc, char **argv)
{
	(void)argv;
	return argc > 0;
}

int ecc_cli_run(const struct ecc_config *cfg, int argc, char **argv)
{
	const struct command *c = find(argc, argv);
	int skip;

	if (!c) {
		fprintf(stderr,
		        "ecc-hub: unknown command '%s' (user add, unit add, gateway add, cases,"
		        " audit verify, routes, config keys, evidence-key)\n",
		        argc ? argv[0] : "");
		return 2;
	}
	skip = c->word2 ? 2 : 1;
	return c->fn(cfg, argc - skip, argv + skip);
}
