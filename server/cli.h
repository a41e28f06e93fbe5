/*
 * cli: the administrative commands of ecc-hub
 *   ecc-hub --config FILE user add NAME --role ROLE [--display N] [--team T] --password-stdin
 *   ecc-hub --config FILE unit add ID --kind KIND --name NAME [--team T]
 *                                  [--owntracks USER/DEVICE] [--json]
 *   ecc-hub --config FILE gateway add GW [--json]
 *   ecc-hub --config FILE audit verify
 *   ecc-hub routes            (the REST route table and WebSocket channels, JSON)
 *   ecc-hub config keys       (every configuration key and its default)
 *   ecc-hub --config FILE evidence-key  (the court's public signing key, fingerprint)
 *
 * Why: first setup and recovery work without a browser; the same modules
 * as the daemon do the work (auth, units, provision, audit), so the rules and
 * the audit trail are the same. unit add and gateway add talk to the broker
 * with their own MQTT client id, never the daemon's session.
 * Thread: runs its own short GMainLoop where the broker is involved.
 * Returns a process exit code: 0 done, 1 refused or failed, 2 usage.
 */
#ifndef ECC_CLI_H
#define ECC_CLI_H

#include "config.h"

/* True when argv names a command (then ecc_cli_run handles it). */
int ecc_cli_is_command(int argc, char **argv);

int ecc_cli_run(const struct ecc_config *cfg, int argc, char **argv);

#endif
