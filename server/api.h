/*
 * api: REST handlers (module-internal to the hub; routes.c lists them).
 * Each file api_<noun>.c holds the handlers of one noun. Helpers shared by
 * handlers are api__* and live in api_common.c.
 */
#ifndef ECC_API_H
#define ECC_API_H

#include "http.h"
#include "router.h"
#include "units.h"

#include <stdint.h>

/* api_session.c */
void api_login(struct ecc_req *req);
void api_logout(struct ecc_req *req);
void api_me(struct ecc_req *req);
void api_me_password(struct ecc_req *req);
void api_health(struct ecc_req *req);

/* api_units.c */
void api_units_list(struct ecc_req *req);
void api_units_get(struct ecc_req *req);
void api_units_add(struct ecc_req *req);
void api_units_delete(struct ecc_req *req);
void api_units_track(struct ecc_req *req);

/* api_alerts.c */
void api_alerts_list(struct ecc_req *req);
void api_alerts_ack(struct ecc_req *req);

/* api_admin.c */
void api_users_list(struct ecc_req *req);
void api_users_add(struct ecc_req *req);
void api_users_password(struct ecc_req *req);
void api_audit_list(struct ecc_req *req);
void api_audit_verify(struct ecc_req *req);
void api_stats(struct ecc_req *req);

/* api_media.c */
void api_streams_list(struct ecc_req *req);
void api_streams_get(struct ecc_req *req);
void api_streams_add(struct ecc_req *req);
void api_streams_delete(struct ecc_req *req);
void api_streams_snapshot(struct ecc_req *req);
void api_streams_restream(struct ecc_req *req);
void api_gateways_list(struct ecc_req *req);
void api_units_recordings(struct ecc_req *req);
void api_units_playback(struct ecc_req *req);
void api_recordings_get(struct ecc_req *req);
void api_recordings_file(struct ecc_req *req);
void api_recordings_lock(struct ecc_req *req);
void api_recordings_unlock(struct ecc_req *req);
void api_recordings_delete(struct ecc_req *req);

/* api_map.c */

void api_map(struct ecc_req *req);
void api_map_overlay(struct ecc_req *req);

/* api_duty.c */
void api_duty_roster(struct ecc_req *req);
void api_duty_roster_add(struct ecc_req *req);
void api_duty_roster_import(struct ecc_req *req);
void api_duty_roster_delete(struct ecc_req *req);
void api_duty_now(struct ecc_req *req);
void api_duty_signin(struct ecc_req *req);
void api_duty_log(struct ecc_req *req);
void api_duty_log_add(struct ecc_req *req);
void api_duty_handovers(struct ecc_req *req);
void api_duty_handover_add(struct ecc_req *req);
void api_duty_handover_confirm(struct ecc_req *req);

/* api_useradmin.c */
void api_users_lock(struct ecc_req *req);
void api_users_unlock(struct ecc_req *req);
void api_users_role(struct ecc_req *req);
void api_users_unit(struct ecc_req *req);
void api_instructions_photo(struct ecc_req *req);
void api_instructions_photos(struct ecc_req *req);
void api_photos_file(struct ecc_req *req);

/* api_metrics.c */
void api_metrics(struct ecc_req *req);
/* api_cases.c */
void api_cases_list(struct ecc_req *req);
void api_cases_add(struct ecc_req *req);
void api_cases_get(struct ecc_req *req);
void api_cases_update(struct ecc_req *req);
void api_cases_triage(struct ecc_req *req);
void api_cases_close(struct ecc_req *req);
void api_cases_event(struct ecc_req *req);
void api_cases_node_done(struct ecc_req *req);
void api_cases_node_kinds(struct ecc_req *req);
void api_cases_import(struct ecc_req *req);
void api_cases_supervision(struct ecc_req *req);
void api_cases_board(struct ecc_req *req);
void api_cases_weekly(struct ecc_req *req);
void api_cases_teams(struct ecc_req *req);
void api_cases_team_set(struct ecc_req *req);
void api_cases_calendar(struct ecc_req *req);
void api_cases_calendar_reload(struct ecc_req *req);
void api_cases_report(struct ecc_req *req);

/* api_operations.c */
void api_operations_list(struct ecc_req *req);
void api_operations_add(struct ecc_req *req);
void api_operations_get(struct ecc_req *req);
void api_operations_update(struct ecc_req *req);
void api_operations_start(struct ecc_req *req);
void api_operations_stop(struct ecc_req *req);
void api_operations_cancel(struct ecc_req *req);
void api_operations_chain(struct ecc_req *req);
void api_operations_timeline(struct ecc_req *req);
/* api_dispatch.c: instructions, reports up, incidents */
void api_instructions_list(struct ecc_req *req);
void api_instructions_add(struct ecc_req *req);
void api_instructions_get(struct ecc_req *req);
void api_instructions_ack(struct ecc_req *req);
void api_reports_list(struct ecc_req *req);
void api_reports_add(struct ecc_req *req);
void api_reports_get(struct ecc_req *req);
void api_reports_ack(struct ecc_req *req);
void api_incidents_list(struct ecc_req *req);
void api_incidents_add(struct ecc_req *req);
void api_incidents_get(struct ecc_req *req);
void api_incidents_candidates(struct ecc_req *req);
void api_incidents_dispatch(struct ecc_req *req);
void api_incidents_close(struct ecc_req *req);
/* May user see this message of the WebSocket's dispatch channel? */
bool api__dispatch_visible(struct ecc_hub *hub, const struct ecc_user *u, const cJSON *msg);
/* api_evidence.c */
void api_units_evidence(struct ecc_req *req);
void api_operations_export(struct ecc_req *req);

/* api_rooms.c: consultation rooms (会商室) */
void api_rooms_list(struct ecc_req *req);
void api_rooms_add(struct ecc_req *req);
void api_rooms_get(struct ecc_req *req);
void api_rooms_update(struct ecc_req *req);
void api_rooms_close(struct ecc_req *req);
void api_rooms_invite(struct ecc_req *req);
void api_rooms_guest_add(struct ecc_req *req);
void api_rooms_guest_enter(struct ecc_req *req);
void api_rooms_join(struct ecc_req *req);
void api_rooms_leave(struct ecc_req *req);
void api_rooms_admit(struct ecc_req *req);
void api_rooms_mute(struct ecc_req *req);
void api_rooms_remove(struct ecc_req *req);
void api_rooms_lock(struct ecc_req *req);
void api_rooms_recording(struct ecc_req *req);
void api_rooms_recordings(struct ecc_req *req);
void api_cases_hearings(struct ecc_req *req);
void api_rooms_feed_add(struct ecc_req *req);
void api_rooms_feed_remove(struct ecc_req *req);

/* api_common.c */
/* May this user see this unit? Center roles: every unit; an officer: the
 * units of the own team and the own unit. */
bool api__unit_visible(const struct ecc_user *u, const struct ecc_unit *unit);
/* The unit named id if this request's user may see it; else answers 404
 * (no such unit) or 403 (outside the user's team) and returns NULL. */
struct ecc_unit *api__unit_param(struct ecc_req *req, const char *id);
/* Reads an integer query parameter; ECC_OK (absent: def), ECC_ERR_INVAL. */
int api__query_int64(struct ecc_req *req, const char *name, int64_t def, int64_t lo, int64_t hi,
                     int64_t *out);
/* Path parameter i parsed as a positive integer id; false when not one. */
bool api__param_id(struct ecc_req *req, int i, int64_t *out);
/* {"ok":true} */
void api__ok(struct ecc_req *req);
/* The session token as the HttpOnly, SameSite=Strict cookie the pages use
 * (Secure over TLS), for max_age s; "" and 0 clear it. */
void api__set_session_cookie(struct ecc_req *req, const char *token, int max_age);

#endif
