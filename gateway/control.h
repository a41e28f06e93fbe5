/*
 * control: the gateway's side of the bus: orders from the hub on
 * ecc/gw/{gw}/cmd, reports on ecc/gw/{gw}/evt, presence on
 * ecc/gw/{gw}/status (retained, with a last will).
 *
 * Orders (JSON, QoS 1):
 *   {"op":"sync","streams":[{"stream","unit","url","transport"?,"record"}]}
 *       the full set this gateway must run: missing ones start, others stop
 *       (the hub sends it on every (re)connect of either side and on change)
 *   {"op":"start", <one stream as above>}   {"op":"stop","stream":ID}
 *   {"op":"delete","path":REL,"sha256":HEX}  retention: remove a segment
 * Reports: {"type":"health","streams":[...]} every second; {"type":"state",
 * "stream","state","error"} on a change; {"type":"segment",...} per closed
 * segment (segment.h); {"type":"deleted","path","sha256","ok"}.
 * A segment's marker file is removed once the broker acknowledged its report.
 *
 * Thread: main loop. Ownership: ecc_control_new / ecc_control_free (stops
 * every stream, closing open segments, and publishes "offline").
 */
#ifndef ECC_CONTROL_H
#define ECC_CONTROL_H

#include "ecc_mqtt.h"
#include "gwconfig.h"

typedef struct ecc_control ecc_control;

ecc_control *ecc_control_new(const struct ecc_gwconfig *cfg);
int ecc_control_start(ecc_control *c);
void ecc_control_free(ecc_control *c);

#endif
