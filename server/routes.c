/* routes: the hub's REST API, one line per route (docs/api.md mirrors it). */
#include "api.h"

#define ALL       ECC_ROLES_ALL
#define CENTER    ECC_ROLES_CENTER
#define ADMIN     ECC_ROLE_BIT(ECC_ROLE_ADMIN)
#define OFFICER   ECC_ROLE_BIT(ECC_ROLE_OFFICER)
#define DUTY      ECC_ROLE_BIT(ECC_ROLE_DUTY)
#define COMMANDER ECC_ROLE_BIT(ECC_ROLE_COMMANDER)

#define PUBLIC ECC_ROUTE_PUBLIC
#define JSON   ECC_ROUTE_JSON

const struct ecc_route ecc_routes[] = {
    {"GET", "/api/v1/health", 0, PUBLIC, api_health, "liveness and broker state"},
    {"POST", "/api/v1/login", 0, PUBLIC | JSON, api_login,
     "log in with username and password; returns a token and sets the session cookie"},
    {"POST", "/api/v1/logout", ALL, 0, api_logout, "end this session"},
    {"GET", "/api/v1/me", ALL, 0, api_me, "the logged-in user and the court's name"},
    {"POST", "/api/v1/me/password", ALL, JSON, api_me_password, "change the own password"},

    {"GET", "/api/v1/map", ALL, 0, api_map, "map settings: centre, zoom, tile URL, overlay"},
    {"GET", "/api/v1/map/overlay", ALL, 0, api_map_overlay,
     "the configured GeoJSON overlay (roads, districts)"},

    {"GET", "/api/v1/units", CENTER | OFFICER, 0, api_units_list,
     "units with their last position and state"},
    {"POST", "/api/v1/units", ADMIN, JSON, api_units_add,
     "add a unit and create its MQTT identity (credentials shown once)"},
    {"GET", "/api/v1/units/{id}", CENTER | OFFICER, 0, api_units_get, "one unit"},
    {"DELETE", "/api/v1/units/{id}", ADMIN, 0, api_units_delete,
     "remove a unit and its MQTT identity (positions stay)"},
    {"GET", "/api/v1/units/{id}/track", CENTER | OFFICER, 0, api_units_track,
     "a unit's track from..to as a simplified GeoJSON LineString"},

    {"GET", "/api/v1/streams", CENTER | OFFICER, 0, api_streams_list,
     "video streams with their gateway, state and health"},
    {"POST", "/api/v1/streams", ADMIN | DUTY, JSON, api_streams_add,
     "add a unit's stream (rtsp, rtmp or srt URL); a gateway takes it"},
    {"GET", "/api/v1/streams/{id}", CENTER | OFFICER, 0, api_streams_get, "one stream"},
    {"DELETE", "/api/v1/streams/{id}", ADMIN | DUTY, 0, api_streams_delete,
     "stop and remove a stream (its recordings stay)"},
    {"GET", "/api/v1/streams/{id}/snapshot.jpg", CENTER | OFFICER, 0, api_streams_snapshot,
     "the stream's latest thumbnail (JPEG)"},
    {"POST", "/api/v1/streams/{id}/restream", ADMIN | COMMANDER, JSON, api_streams_restream,
     "push the stream live to an RTMP or SRT destination (audited)"},
    {"DELETE", "/api/v1/streams/{id}/restream", ADMIN | COMMANDER, 0, api_streams_restream,
     "stop pushing the stream (audited)"},
    {"GET", "/api/v1/gateways", CENTER, 0, api_gateways_list,
     "media gateways: online, capacity, load, disk"},
    {"GET", "/api/v1/units/{id}/recordings", CENTER | OFFICER, 0, api_units_recordings,
     "a unit's recorded segments and gaps from..to"},
    {"GET", "/api/v1/units/{id}/playback.m3u8", CENTER | OFFICER, 0, api_units_playback,
     "HLS playlist of a unit's recordings from..to (audited)"},
    {"GET", "/api/v1/recordings/{id}", CENTER | OFFICER, 0, api_recordings_get,
     "one recorded segment"},
    {"GET", "/api/v1/recordings/{id}/file", CENTER | OFFICER, 0, api_recordings_file,
     "the segment's MP4 file, with Range (audited)"},
    {"POST", "/api/v1/recordings/{id}/lock", ADMIN | COMMANDER, 0, api_recordings_lock,
     "lock a segment as evidence: retention never deletes it"},
    {"DELETE", "/api/v1/recordings/{id}/lock", ADMIN | COMMANDER, 0, api_recordings_unlock,
     "unlock a segment"},

    {"GET", "/api/v1/alerts", CENTER | OFFICER, 0, api_alerts_list,
     "alerts, newest first (state, unit, before, limit)"},
    {"POST", "/api/v1/alerts/{id}/ack", CENTER, 0, api_alerts_ack, "acknowledge an alert"},

    {"GET", "/api/v1/users", ADMIN, 0, api_users_list, "users and their roles"},
    {"POST", "/api/v1/users", ADMIN, JSON, api_users_add, "add a user"},
    {"POST", "/api/v1/users/{name}/unlock", ADMIN, 0, api_users_unlock,
     "clear a lockout after failed logins"},
    {"POST", "/api/v1/users/{name}/password", ADMIN, JSON, api_users_password,
     "set a user's password (ends the user's sessions)"},
    {"GET", "/api/v1/audit", ADMIN, 0, api_audit_list, "the audit log, newest first"},
    {"GET", "/api/v1/audit/verify", ADMIN, 0, api_audit_verify,
     "walk the hash chain; names the first altered row"},
    {"GET", "/api/v1/stats", CENTER, 0, api_stats, "telemetry and connection counters"},

    /* ---- wallboard: monitoring, duty ---- */
    {"GET", "/metrics", 0, PUBLIC, api_metrics,
     "Prometheus text: positions, WebSocket clients, alerts, streams, recordings, disk"},
    {"GET", "/api/v1/duty/roster", CENTER, 0, api_duty_roster,
     "the duty roster: shifts overlapping from..to"},
    {"POST", "/api/v1/duty/roster", ADMIN | COMMANDER, JSON, api_duty_roster_add,
     "add a shift (audited)"},
    {"POST", "/api/v1/duty/roster/import", ADMIN | COMMANDER, JSON, api_duty_roster_import,
     "add many shifts (a CSV import), all or none (audited)"},
    {"DELETE", "/api/v1/duty/roster/{id}", ADMIN | COMMANDER, 0, api_duty_roster_delete,
     "remove a shift (audited)"},
    {"GET", "/api/v1/duty/now", CENTER, 0, api_duty_now,
     "who is on duty now, who signed in, the hand-over waiting for this shift"},
    {"POST", "/api/v1/duty/signin", CENTER, 0, api_duty_signin,
     "sign in to the own shift now (audited)"},
    {"GET", "/api/v1/duty/log", CENTER, 0, api_duty_log, "duty log entries from..to, newest first"},
    {"POST", "/api/v1/duty/log", CENTER, JSON, api_duty_log_add, "write a duty log entry"},
    {"GET", "/api/v1/duty/handovers", CENTER, 0, api_duty_handovers,
     "hand-over notes, newest first (pending=1: not yet confirmed)"},
    {"POST", "/api/v1/duty/handovers", CENTER, JSON, api_duty_handover_add,
     "leave a hand-over note for the next shift"},
    {"POST", "/api/v1/duty/handovers/{id}/confirm", CENTER, 0, api_duty_handover_confirm,
     "the next shift confirms a hand-over note (audited)"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
