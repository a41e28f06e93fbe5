/*
 * ice: a webrtcbin's ICE set up the way every WebRTC branch of the gateway
 * needs it (live viewers, published phone cameras).
 *
 * Why: libnice gathers no loopback candidate unless told, and asks routers
 * for port mappings (SSDP multicast) unless told not to (DESIGN.md, Tests);
 * candidates go out only on the configured addresses ([webrtc] addresses;
 * none: any). Thread: ecc_ice_setup on the main loop, before negotiation;
 * ecc_ice_allowed from any thread.
 */
#ifndef ECC_ICE_H
#define ECC_ICE_H

#include "gwconfig.h"

#include <gst/gst.h>
#include <stdbool.h>

/* Adds the configured addresses to wrtc's NiceAgent, turns UPnP off, and
 * gives it the STUN and TURN servers. who names it in warnings. */
void ecc_ice_setup(GstElement *wrtc, const struct ecc_gwconfig *cfg, const char *who);

/* "candidate:F C PROTO PRIO ADDRESS PORT typ ..." -> is ADDRESS allowed? */
bool ecc_ice_allowed(const struct ecc_gwconfig *cfg, const char *cand);

/* Emits "set-local-description" or "set-remote-description" (signal) with a
 * promise of its own: with none, webrtcbin 1.22 leaks the reply it builds
 * when the description is set after the element began to close (seen by
 * LeakSanitizer in 45-webrtc-join). */
void ecc_wrtc_set_description(GstElement *wrtc, const char *signal, gpointer desc);

#endif
