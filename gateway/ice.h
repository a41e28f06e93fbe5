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

#endif
