/* routes: the hub's REST API, one line per route (docs/api.md mirrors it). */
#include "api.h"

#define ALL       ECC_ROLES_ALL
#define CENTER    ECC_ROLES_CENTER
#define ADMIN     ECC_ROLE_BIT(ECC_ROLE_ADMIN)
#define OFFICER   ECC_ROLE_BIT(ECC_ROLE_OFFICER)
#define DUTY      ECC_ROLE_BIT(ECC_ROLE_DUTY)
#define COMMANDER ECC_ROLE_BIT(ECC_ROLE_COMMANDER)
#define JUDGE     ECC_ROLE_BIT(ECC_ROLE_JUDGE)

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

    /* Cases (案件) and their flow nodes; scope: a judge the own cases, an
     * officer the own team's, the center all (cases.h). */
    {"GET", "/api/v1/cases/supervision", CENTER | OFFICER | JUDGE, 0, api_cases_supervision,
     "node supervision: each open case's next node, or nodes by state (team, judge, state)"},
    {"GET", "/api/v1/cases/board", CENTER | OFFICER | JUDGE, 0, api_cases_board,
     "nodes due today and overdue, per team (the wall)"},
    {"GET", "/api/v1/cases/weekly", CENTER | OFFICER | JUDGE, 0, api_cases_weekly,
     "per team, the cases with a node due within 5 working days"},
    {"GET", "/api/v1/cases/node-kinds", CENTER | OFFICER | JUDGE, 0, api_cases_node_kinds,
     "the flow node kinds, their deadlines and the events that start them"},
    {"GET", "/api/v1/cases/calendar", CENTER | OFFICER | JUDGE, 0, api_cases_calendar,
     "the holiday calendars loaded (years, holidays, adjusted working days)"},
    {"POST", "/api/v1/cases/calendar/reload", ADMIN, 0, api_cases_calendar_reload,
     "reload [cases] calendars and recompute every open deadline (audited)"},
    {"GET", "/api/v1/cases/teams", CENTER | OFFICER | JUDGE, 0, api_cases_teams,
     "teams with open cases and their leaders (escalation targets)"},
    {"PUT", "/api/v1/cases/teams/{name}", ADMIN | COMMANDER, JSON, api_cases_team_set,
     "set a team's leader (audited)"},
    {"POST", "/api/v1/cases/import", CENTER, 0, api_cases_import,
     "import cases from CSV or JSON; bad rows reported with line and reason (audited)"},
    {"GET", "/api/v1/cases/reports/{name}", CENTER | OFFICER | JUDGE, 0, api_cases_report,
     "daily or weekly figures (JSON, or CSV with format=csv)"},
    {"GET", "/api/v1/cases", CENTER | OFFICER | JUDGE, 0, api_cases_list,
     "cases in the user's scope; q finds a number in either bracket form or a party"},
    {"POST", "/api/v1/cases", CENTER, JSON, api_cases_add, "add a case (audited)"},
    {"GET", "/api/v1/cases/{id}", CENTER | OFFICER | JUDGE, 0, api_cases_get,
     "one case with its nodes and the conditions before closing as 终本"},
    {"PATCH", "/api/v1/cases/{id}", CENTER, JSON, api_cases_update,
     "change a case's fields (audited)"},
    {"POST", "/api/v1/cases/{id}/triage", CENTER | OFFICER | JUDGE, JSON, api_cases_triage,
     "confirm the triage (繁简分流): simple or complex (audited)"},
    {"POST", "/api/v1/cases/{id}/events", CENTER | OFFICER | JUDGE, JSON, api_cases_event,
     "record an event that starts nodes or meets a closing condition (audited)"},
    {"POST", "/api/v1/cases/{id}/nodes/{node}/done", CENTER | OFFICER | JUDGE, JSON,
     api_cases_node_done, "record a node done, by whom and on which day (audited)"},
    {"POST", "/api/v1/cases/{id}/close", CENTER | OFFICER | JUDGE, JSON, api_cases_close,
     "close a case; 终本 only when its conditions are met (audited)"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
