/*
 * gwconfig: the gateway's settings (ecc-gateway --config FILE, a GLib key
 * file). Every key and its default is in README.md.
 *
 * Thread: main. Ownership: the caller owns the struct; ecc_gwconfig_clear
 * frees its strings. Errors: ECC_ERR_IO, ECC_ERR_INVAL with why (256 bytes).
 */
#ifndef ECC_GWCONFIG_H
#define ECC_GWCONFIG_H

struct ecc_gwconfig {
	char *id;             /* [gateway] id */
	int capacity;         /* streams this gateway takes */
	char *recordings;     /* folder of recorded segments */
	char *snapshots;      /* folder of the latest JPEG per stream */
	int segment_seconds;  /* length of a recorded segment */
	int snapshot_seconds; /* a snapshot this often */
	int disk_low_mb;      /* below this much free space: retention deletes, alert */
	int rtsp_latency_ms;  /* rtspsrc jitter buffer */
	char *mqtt_host;
	int mqtt_port;
	char *mqtt_username; /* default: the id */
	char *mqtt_password;
	/* [webrtc]: the addresses live video is offered on (addresses = a;b,
	 * e.g. the court LAN's; 127.0.0.1 in tests; none: every interface),
	 * and a STUN and a TURN server (stun://host:port,
	 * turn://user:password@host:port) for viewers behind NAT */
	char **webrtc_addresses;
	char *stun, *turn;
	/* [webrtc] keyframe_requests: a joining viewer asks the source for a
	 * key frame (RTCP FIR/PLI over RTSP). Off by default: ecc-devsim's RTSP
	 * cameras stopped sending after such requests (2026-11-23), and a
	 * source that stops is worse than a first picture up to a GOP late. */
	int keyframe_requests;
};

void ecc_gwconfig_init(struct ecc_gwconfig *c);
int ecc_gwconfig_load(struct ecc_gwconfig *c, const char *path, char *why);
void ecc_gwconfig_clear(struct ecc_gwconfig *c);

#endif
