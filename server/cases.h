/*
 * cases: enforcement cases (案件), their flow nodes (流程节点) with legal
 * deadlines in working days, and the supervision of those nodes.
 *
 * Why: the command center supervises the process nodes of every case
 * (DOMAIN.md: notices in 3 working days, online inquiry in 1, the "854"
 * schedule, the conditions before closing as 终本); overdue nodes must be on
 * the wall and raise an alert naming the person responsible, which climbs
 * to the team leader when nobody acknowledges it. A case is keyed by its
 * canonical number (casenum.h), so every spelling of it is one case and a
 * re-import updates it.
 *
 * Deadlines are computed from the holiday calendar ([cases] calendars,
 * calendar.h). Each open node keeps its anchor date (filing, or the event
 * it follows), a count and a unit (working days or days), so a calendar
 * change recomputes every open deadline without touching the cases: at
 * start, on SIGHUP, on `POST /api/v1/cases/calendar/reload`, and when the
 * folder's files change (checked every [cases] scan_seconds). Done nodes
 * keep the deadline they were judged against.
 *
 * Scope: a judge sees the cases whose judge they are (403 on others); an
 * officer the cases of the own team; admin, commander and duty see all.
 * Every change is audited.
 *
 * Thread: the main loop. Ownership: ecc_cases_new returns an object freed
 * with ecc_cases_free; cJSON returned is the caller's.
 * Errors: ECC_ERR_INVAL (why says what), ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN
 * (outside the user's scope), ECC_ERR_EXISTS (a conflict: already done,
 * conditions not met; why says which), ECC_ERR_DB.
 */
#ifndef ECC_CASES_H
#define ECC_CASES_H

#include "auth.h"
#include "calendar.h"
#include "casenum.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define ECC_CASES_WHY 256

struct ecc_hub;
typedef struct ecc_cases ecc_cases;

/* Loads the calendar (why on failure: a malformed file stops the hub),
 * recomputes open deadlines, and starts the overdue scan. */
ecc_cases *ecc_cases_new(struct ecc_hub *hub, char why[ECC_CASES_WHY]);
void ecc_cases_free(ecc_cases *c);

const ecc_calendar *ecc_cases_calendar(const ecc_cases *c);

/* Reloads [cases] calendars; on success the new calendar replaces the old
 * and every open deadline is recomputed (*changed: nodes whose deadline or
 * provisional flag changed; may be NULL). On failure the old one stays. */
int ecc_cases_reload_calendar(ecc_cases *c, const char *actor, int *changed,
                              char why[ECC_CASES_WHY]);

/* Recomputes every open node's deadline from the current calendar. */
int ecc_cases_recompute(ecc_cases *c, int *changed);

/* Raises alerts for open nodes past their deadline and clears those no
 * longer overdue (runs every [cases] scan_seconds). */
void ecc_cases_scan(ecc_cases *c);

/* ---- one case ----------------------------------------------------------- */

/* Fields of a case as given (REST body or an import row). */
struct ecc_case_fields {
	char number[ECC_CASE_NUMBER_MAX]; /* canonical; "" when absent */
	int year;
	char filed_on[ECC_DATE_LEN]; /* "" when absent */
	cJSON *applicants;           /* array of strings, owned; NULL when absent */
	cJSON *respondents;
	int64_t amount_fen; /* -1 when absent */
	char *judge;        /* owned; NULL when absent */
	char *team;
	int frozen_full, auction, hostile; /* -1 when absent */
};

/* Reads o (JSON: "number", "filed_on", "applicants", "respondents",
 * "amount" in yuan, "judge", "team", "frozen_full", "auction", "hostile";
 * the Chinese column names of an export are accepted too). need_all: a new
 * case (number and filing date required). */
int ecc_case_fields_read(const cJSON *o, bool need_all, struct ecc_case_fields *f,
                         char why[ECC_CASES_WHY]);
void ecc_case_fields_clear(struct ecc_case_fields *f);

/* Creates the case or updates the one with the same number; a new case gets
 * its filing nodes. in_tx: the caller holds a transaction (an import) and
 * audits; else this call is its own durable, audited transaction. */
int ecc_cases_upsert(ecc_cases *c, const struct ecc_case_fields *f, const char *actor,
                     const char *ip, bool in_tx, int64_t *id, bool *created,
                     char why[ECC_CASES_WHY]);

/* Updates case id with the fields given (scope checked). */
int ecc_cases_update(ecc_cases *c, const struct ecc_user *u, int64_t id,
                     const struct ecc_case_fields *f, const char *ip, char why[ECC_CASES_WHY]);

/* May u see a case of this judge and team? */
bool ecc_case_visible(const struct ecc_user *u, const char *judge, const char *team);
/* Whether u may see case id, by the rule above: ECC_OK, ECC_ERR_NOTFOUND,
 * ECC_ERR_FORBIDDEN, ECC_ERR_DB. For what hangs off a case (rooms). */
int ecc_cases_access(ecc_cases *c, const struct ecc_user *u, int64_t id);
/* Whether an alert is a case's overdue alert that u may see and acknowledge:
 * u is its assignee or whom it escalates to, or the case is visible to u
 * (its judge, an officer of its team; the center sees every alert). */
bool ecc_cases_alert_for(ecc_cases *c, const struct ecc_user *u, const cJSON *alert);

/* The case with its nodes; NOTFOUND or FORBIDDEN. */
int ecc_cases_get(ecc_cases *c, const struct ecc_user *u, int64_t id, cJSON **out);

/* The id of the case numbered number (any spelling); NOTFOUND, INVAL. */
int ecc_cases_find(ecc_cases *c, const char *number, int64_t *id);

struct ecc_case_query {
	const char *q; /* a number in either form, part of one, or a party's name */
	const char *team, *judge;
	const char *status; /* "open", "closed" or NULL */
	int limit, offset;
};
/* {"cases":[..],"total","offset"} within u's scope. */
cJSON *ecc_cases_list(ecc_cases *c, const struct ecc_user *u, const struct ecc_case_query *q);

/* A person confirms the triage (繁简分流): "simple" or "complex". */
int ecc_cases_triage(ecc_cases *c, const struct ecc_user *u, int64_t id, const char *triage,
                     const char *ip, char why[ECC_CASES_WHY]);

/* Closes a case: kind "completed" (执行完毕), "terminated" (终结本次执行程序,
 * 终本: refused with EXISTS and the missing conditions unless they hold),
 * "other". Open nodes become void and their alerts clear. */
int ecc_cases_close(ecc_cases *c, const struct ecc_user *u, int64_t id, const char *kind,
                    const char *on, const char *ip, char why[ECC_CASES_WHY]);

/* The conditions before closing as 终本, each with "met". */
cJSON *ecc_cases_closing_check(ecc_cases *c, int64_t id);

/* ---- nodes -------------------------------------------------------------- */

/* The node kinds, their deadlines and the events that start them. */
cJSON *ecc_cases_node_kinds(void);

/* Records node done on date on (NULL: today) by u, with a note. */
int ecc_cases_node_done(ecc_cases *c, const struct ecc_user *u, int64_t case_id, int64_t node_id,
                        const char *on, const char *note, const char *ip, char why[ECC_CASES_WHY]);

/* An event of the case on date on (NULL: today): it starts the nodes that
 * follow it (a consumption-restriction decision -> its entry within 1
 * working day; money arrived -> payout in 7 days; ...) or records a
 * closing condition (interview, online inquiry). */
int ecc_cases_event(ecc_cases *c, const struct ecc_user *u, int64_t case_id, const char *kind,
                    const char *on, const char *ip, char why[ECC_CASES_WHY]);

/* ---- supervision (流程节点管理) ------------------------------------------ */

struct ecc_supervision_query {
	const char *team, *judge;
	const char *state; /* "due_today", "due_3" (within 3 working days),
	                    * "overdue", or NULL for every open case */
	int limit, offset;
	int64_t after; /* 0, or the last node of the previous page: the page
	                * after it (constant time however deep; offset walks) */
};
/* Every open case's next node and its deadline, within u's scope, a page in
 * the order (deadline, node); "next" names the cursor of the next page. */
cJSON *ecc_cases_supervision(ecc_cases *c, const struct ecc_user *u,
                             const struct ecc_supervision_query *q);

/* Per team: nodes due today and overdue (counts and the nodes), for the wall. */
cJSON *ecc_cases_board(ecc_cases *c, const struct ecc_user *u);

/* Per team: open cases with a node due within the next 5 working days or
 * overdue (the weekly list of cases about to miss a node). */
cJSON *ecc_cases_weekly(ecc_cases *c, const struct ecc_user *u, const char *team);

/* Team leaders (the escalation target of a team's overdue nodes). */
cJSON *ecc_cases_teams(ecc_cases *c);
int ecc_cases_team_set(ecc_cases *c, const char *team, const char *leader, const char *actor,
                       const char *ip, char why[ECC_CASES_WHY]);

/* ---- import and reports ------------------------------------------------- */

/* Imports CSV (a header row; English or Chinese column names) or JSON (an
 * array of case objects, or {"cases":[..]}): each bad row is reported with
 * its line (CSV: the line number in the file; JSON: the element's index,
 * from 1) and reason, the good ones are created or updated by number.
 * {"created","updated","rejected","errors":[{"line","number"?,"error"}]} */
int ecc_cases_import(ecc_cases *c, const char *body, size_t len, const char *format,
                     const char *actor, const char *ip, cJSON **out, char why[ECC_CASES_WHY]);

/* Figures per day or per week (period "day" or "week") from..to (dates),
 * within u's scope. */
cJSON *ecc_cases_report(ecc_cases *c, const struct ecc_user *u, const char *period,
                        const char *from, const char *to, char why[ECC_CASES_WHY]);
/* The same as CSV text (g_free). */
char *ecc_cases_report_csv(const cJSON *report);

/* ---- command line and benchmark ----------------------------------------- */

/* `ecc-hub cases recompute|timings ...` (bench/cases). */
int ecc_cases_cli(const struct ecc_config *cfg, int argc, char **argv);

#endif
