/*
 * evidence: the hub's evidence packages (BagIt bags, signed by the court's
 * key, delivered as one tar stream) and the court's signing key.
 *
 * Why: a court hands recordings to another court, a lawyer or an appeal as
 * a package anyone can check offline (ecc-verify, or any BagIt validator).
 * A caller (a unit's footage of a time range today; an operation's export
 * once operations exist) describes the package: the segments in t0 order
 * with their recorded SHA-256, the small data files (positions, events,
 * audit excerpt, an instruction log), bag-info lines. This module writes it
 * from a worker thread (an export can be many GB: the loop and the wall stay
 * live) into the HTTP answer in pieces, hashes every segment while it copies
 * it, computes the chain (common/evidence.h), the manifests and the
 * signature, and audits the end of the export with what it found. A segment
 * whose file no longer matches its recorded SHA-256 is exported anyway and
 * named in bag-info.txt (ECC-Altered-Before-Export) and in the audit: the
 * chain then fails in ecc-verify, as it must.
 *
 * Key: [evidence] signing_key, a file in the hub's data folder (the
 * database's) unless absolute; created on first start, mode 0600.
 *
 * Thread: the API runs on the main loop; workers talk to it only through
 * the stream's queue and g_main_context_invoke. ecc_evidence_free cancels
 * and joins running exports. Errors: ECC_ERR_IO, ECC_ERR_INVAL.
 */
#ifndef ECC_EVIDENCE_HUB_H
#define ECC_EVIDENCE_HUB_H

#include "ecc_evidence.h"
#include "http.h"
#include "hub.h"

typedef struct ecc_evidence ecc_evidence;

/* NULL (and a warning) when the key cannot be read or created. */
ecc_evidence *ecc_evidence_new(struct ecc_hub *hub);
void ecc_evidence_free(ecc_evidence *ev);

/* The key file's path for cfg (caller g_free()s). */
char *ecc_evidence_key_path(const struct ecc_config *cfg);

struct ecc_ev_segment {
	int64_t id;              /* recordings.id */
	char *file;              /* where it is on disk */
	char *name;              /* its name in the bag, under data/segments/ */
	char sha256[ECC_EV_HEX]; /* as recorded when the gateway filed it */
	char *unit;
	int64_t t0, t1;
	uint64_t bytes; /* as recorded */
};

/* What one package holds; the caller fills it and hands it over. */
struct ecc_ev_package {
	char *bag;           /* the bag's folder name (and the tar's) */
	GPtrArray *segments; /* struct ecc_ev_segment *, in t0 order */
	GPtrArray *files;    /* data files: name under data/, then GBytes *, alternating */
	GPtrArray *info;     /* bag-info.txt lines "Label: value" (no newline) */
	char *actor, *ip;    /* who exported, for the audit */
	char *target;        /* the audit's target, e.g. "unit:U1" */
};

struct ecc_ev_package *ecc_ev_package_new(const char *bag);
void ecc_ev_package_free(struct ecc_ev_package *p);
/* Adds a segment (strings copied). */
void ecc_ev_package_segment(struct ecc_ev_package *p, int64_t id, const char *file,
                            const char *name, const char *sha256, const char *unit, int64_t t0,
                            int64_t t1, uint64_t bytes);
/* Adds data/NAME with these bytes (taken). */
void ecc_ev_package_file(struct ecc_ev_package *p, const char *name, char *text, size_t len);
void ecc_ev_package_info(struct ecc_ev_package *p, const char *label, const char *value);

/*
 * Answers req with the package as a tar stream (application/x-tar,
 * attachment NAME.tar) and takes pkg. The export's start is the caller's
 * to audit; its end ("evidence.exported": bytes, chain head, signature
 * fingerprint, altered or missing segments) is audited here.
 */
void ecc_evidence_export(ecc_evidence *ev, struct ecc_req *req, struct ecc_ev_package *pkg);

#endif
