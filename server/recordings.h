/*
 * recordings: the recorded segments, filed under their unit and stream,
 * listed on a timeline, served to authorized users, and kept for as long as
 * the rules ask.
 *
 * Why: recordings are evidence (DESIGN.md; DOMAIN.md: keep at least 6
 * months, never alter, record every retrieval). Each segment a gateway
 * closes is filed here from its report (path, bytes, SHA-256, codecs, wall
 * clock start and end, cut short or not) with a durable write. The timeline
 * lists segments and the gaps between them; a playlist (HLS with fMP4 byte
 * ranges and program date-times) lets the browser play and seek across
 * segments without re-encoding. Retention deletes, oldest first, segments
 * older than [recordings] retention_days and, while a gateway reports its
 * disk low, its oldest segments; a locked segment is never deleted; each
 * deletion is audited with the file's hash.
 *
 * Thread: the main loop. Ownership: ecc_recordings_new borrows the hub.
 * A segment linked to an operation (operations.h) stays locked: unlocking
 * it is refused (ECC_ERR_FORBIDDEN), and a trigger keeps it undeleted.
 * Errors: ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN, ECC_ERR_DB.
 */
#ifndef ECC_RECORDINGS_H
#define ECC_RECORDINGS_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

ecc_recordings *ecc_recordings_new(struct ecc_hub *hub);
void ecc_recordings_free(ecc_recordings *r);

/* Reports from gateways: {"type":"segment",...} and {"type":"deleted",...}. */
void ecc_recordings_on_segment(ecc_recordings *r, const char *gw, const cJSON *seg);
void ecc_recordings_on_deleted(ecc_recordings *r, const char *gw, const cJSON *evt);

/*
 * The unit's segments overlapping from..to, oldest first, with the gaps
 * between them: {"segments":[...],"gaps":[{"from","to"}],"total","offset"}.
 * NULL on a DB error.
 */
cJSON *ecc_recordings_list(ecc_recordings *r, const char *unit, int64_t from, int64_t to, int limit,
                           int offset);

/* One segment's JSON, and where its file is (caller frees *path), or
 * NULL / ECC_ERR_NOTFOUND. */
cJSON *ecc_recordings_get(ecc_recordings *r, int64_t id);

/* A consultation room's recordings, oldest first (at most 5000): the
 * hearing's mix ("participant" absent) and each participant's own tracks
 * ("participant": its id). */
cJSON *ecc_recordings_room(ecc_recordings *r, int64_t room);
/* A recording's file (*path, the caller's), its unit, and (room, may be
 * NULL) the consultation room it was recorded in, 0 for a unit's. ECC_OK,
 * ECC_ERR_NOTFOUND (none, or deleted) or ECC_ERR_DB. */
int ecc_recordings_file(ecc_recordings *r, int64_t id, char **path, char unit[65], int64_t *room);

/* An HLS playlist (fMP4 byte ranges) of the unit's segments in from..to;
 * caller g_free()s. seg_url is the URL prefix of a segment's file, e.g.
 * "/api/v1/recordings/" (the id and "/file" are appended). */
char *ecc_recordings_playlist(ecc_recordings *r, const char *unit, int64_t from, int64_t to,
                              const char *seg_url);

/* Locks or unlocks a segment (evidence of a case). Audited. */
int ecc_recordings_lock(ecc_recordings *r, int64_t id, bool locked, const char *actor,
                        const char *ip);

/* Asks the segment's gateway to delete it (audited, also when refused):
 * ECC_OK (ordered; the gateway's confirmation marks it deleted),
 * ECC_ERR_FORBIDDEN (locked: evidence), ECC_ERR_UNAVAIL (its gateway is
 * offline), ECC_ERR_NOTFOUND, ECC_ERR_DB. */
int ecc_recordings_delete(ecc_recordings *r, int64_t id, const char *actor, const char *ip);

/* Runs the retention pass now (also every [recordings] retention_check). */
void ecc_recordings_retain(ecc_recordings *r);

#endif
