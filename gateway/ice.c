/* ice: a webrtcbin's NiceAgent on the configured addresses only. */
#define G_LOG_DOMAIN "ecc-gw-ice"

#include "ice.h"

#include <nice/agent.h>

bool ecc_ice_allowed(const struct ecc_gwconfig *cfg, const char *cand)
{
	char **tok;
	bool ok = false;

	if (!cfg->webrtc_addresses || !cfg->webrtc_addresses[0])
		return true;
	tok = g_strsplit(cand, " ", 7);
	if (g_strv_length(tok) >= 6)
		ok = g_strv_contains((const char *const *)cfg->webrtc_addresses, tok[4]);
	g_strfreev(tok);
	return ok;
}

void ecc_ice_setup(GstElement *wrtc, const struct ecc_gwconfig *cfg, const char *who)
{
	GObject *ice = NULL;
	NiceAgent *agent = NULL;

	g_object_get(wrtc, "ice-agent", &ice, NULL);
	if (ice && g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent"))
		g_object_get(ice, "agent", &agent, NULL);
	if (agent) {
		g_object_set(agent, "upnp", FALSE, NULL);
		for (char **a = cfg->webrtc_addresses; a && *a; a++) {
			NiceAddress addr;
			nice_address_init(&addr);
			if (nice_address_set_from_string(&addr, *a))
				nice_agent_add_local_address(agent, &addr);
			else
				g_warning("%s: [webrtc] addresses: %s is not an address", who, *a);
		}
		g_object_unref(agent);
	}
	if (ice)
		g_object_unref(ice);
	if (cfg->stun && cfg->stun[0])
		g_object_set(wrtc, "stun-server", cfg->stun, NULL);
	if (cfg->turn && cfg->turn[0])
		g_object_set(wrtc, "turn-server", cfg->turn, NULL);
}

void ecc_wrtc_set_description(GstElement *wrtc, const char *signal, gpointer desc)
{
	GstPromise *p = gst_promise_new();

	g_signal_emit_by_name(wrtc, signal, desc, p);
	gst_promise_unref(p);
}
