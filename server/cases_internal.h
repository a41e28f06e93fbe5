/*
 * cases_internal: what cases.c, casenodes.c, caseimport.c, casereports.c and
 * casecli.c share (module-internal to the hub).
 */
#ifndef ECC_CASES_INTERNAL_H
#define ECC_CASES_INTERNAL_H

#include "alert.h"
#include "auth.h"
#include "calendar.h"
#include "cases.h"
#include "config.h"
#include "store.h"

#include <glib.h>

struct ecc_cases {
	ecc_store *st;
	const struct ecc_config *cfg;
	ecc_alerts *alerts; /* NULL on the command line: no alerts raised */
	ecc_calendar *cal;
	char *cal_sig; /* names, sizes and times of the calendar folder's files */
	guint scan_id, hup_id;
};

/* Nodes due today (?5) and overdue per team, for the center (?1, ?3, ?4
 * NULL) or one team (?2), from the kept counts of open nodes per deadline
 * and team: bench/cases times this very statement. */
#define ECC_CASES_BOARD_SQL                                                                        \
	"SELECT k.team, sum(k.n * (d.due = ?5)), sum(k.n * (d.due < ?5)) FROM case_deadlines d"    \
	" JOIN case_open_counts k ON k.deadline = d.id WHERE d.due <= ?5 AND k.n > 0 AND (?2 IS"   \
	" NULL OR k.team = ?2) AND ?1 IS NULL AND ?3 IS NULL AND ?4 IS NULL GROUP BY k.team"       \
	" ORDER BY k.team"

/* A cases object over st without timers (the command line, benchmarks). */
ecc_cases *cases__open(ecc_store *st, const struct ecc_config *cfg, ecc_alerts *alerts,
                       char why[ECC_CASES_WHY]);

/* The calendar folder's signature (changes when a file is added, removed or
 * rewritten); the caller g_frees it. */
char *cases__calendar_signature(const char *dir);

/* Scope of a user as two SQL parameters: judge (a judge's own cases) and
 * team (an officer's team); NULL means no restriction. */
void cases__scope(const struct ecc_user *u, const char **judge, const char **team);

/* Creates the nodes due from filing for a new case. */
int cases__nodes_create_filing(ecc_cases *c, int64_t case_id, const char *filed_on,
                               const char *judge, const char *team);
/* The filing date, judge or team of a case changed: its open nodes follow. */
int cases__nodes_follow_case(ecc_cases *c, int64_t case_id, const char *old_filed_on,
                             const char *filed_on, const char *judge, const char *team);
/* The nodes of a case, by deadline. */
cJSON *cases__nodes_json(ecc_cases *c, int64_t case_id);
/* Voids the open nodes of a closed case and clears their alerts. */
int cases__nodes_void(ecc_cases *c, int64_t case_id);
/* The deadline of (anchor, count, unit) in the current calendar. */
uint32_t cases__due(const ecc_calendar *cal, uint32_t anchor, int count, const char *unit,
                    bool *provisional);
/* Human name of a node code (Chinese), or the code. */
const char *cases__node_name(const char *code);

/* The overdue alert of a case (casealerts.c): raised, renamed (its overdue
 * nodes) or cleared to match the case's overdue open nodes now. Outside a
 * transaction. */
void cases__alerts_refresh(ecc_cases *c, int64_t case_id);
/* Clears a case's overdue alert (its nodes are void); in a transaction. */
int cases__alerts_clear_case(ecc_cases *c, int64_t case_id);

/* Reads the case's judge, team, status into the buffers; NOTFOUND. */
int cases__head(ecc_cases *c, int64_t id, char judge[ECC_NAME_MAX + 1], char team[ECC_NAME_MAX + 1],
                char status[16], char number[ECC_CASE_NUMBER_MAX]);

/* Appends an audit row (in the caller's transaction when one is open). */
int cases__audit(ecc_cases *c, const char *actor, const char *action, const char *target,
                 const cJSON *detail, const char *ip);

/* A date string: "YYYY-MM-DD", "YYYY/M/D", "YYYY.M.D" or "YYYY年M月D日" ->
 * canonical; ECC_OK or ECC_ERR_INVAL. */
int cases__date(const char *in, char out[ECC_DATE_LEN]);

/* Writes a reason into why (ECC_CASES_WHY bytes; NULL: none wanted). */
void cases__why(char *why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
