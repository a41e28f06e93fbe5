/* store: SQLite open, migrations, cached statements, transactions. */
#define G_LOG_DOMAIN "ecc-store"

#include "store.h"
#include "ecc_err.h"

#include <glib.h>
#include <math.h>

struct ecc_store {
	sqlite3 *db;
	GHashTable *stmts; /* const char *sql -> sqlite3_stmt* */
	bool durable_tx;
};

/* ---- schema ------------------------------------------------------------- */

/* migrations[i] takes the schema from version i to i + 1. Append only. */
static const char *const migrations[] = {
    /* 0 -> 1: users, sessions, units, positions, alerts, audit */
    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL CHECK(role IN"
    "    ('admin','commander','duty','officer','judge','guest')),"
    "  team TEXT NOT NULL DEFAULT '',"
    "  pw_hash TEXT NOT NULL,"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  pw_changed_at INTEGER NOT NULL);"
    "CREATE TABLE sessions("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE units("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('bodycam','handheld','vehicle','drone')),"
    "  team TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  last_ts INTEGER, last_recv INTEGER, lat REAL, lon REAL, alt REAL,"
    "  speed REAL, heading REAL, acc REAL, battery INTEGER, signal INTEGER);"
    "CREATE TABLE positions("
    "  unit_id TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  recv_ts INTEGER NOT NULL,"
    "  lat REAL NOT NULL, lon REAL NOT NULL, alt REAL, speed REAL, heading REAL,"
    "  acc REAL, battery INTEGER, signal INTEGER,"
    "  source INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(unit_id, ts)) WITHOUT ROWID;"
    "CREATE TABLE alerts("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  unit_id TEXT,"
    "  kind TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','acked','cleared')),"
    "  message TEXT NOT NULL DEFAULT '',"
    "  device_ts INTEGER, lat REAL, lon REAL,"
    "  acked_by TEXT, acked_at INTEGER, escalated_at INTEGER, cleared_at INTEGER);"
    "CREATE INDEX alerts_state ON alerts(state, ts);"
    "CREATE INDEX alerts_unit ON alerts(unit_id, ts);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  result TEXT NOT NULL DEFAULT 'ok',"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /* 1 -> 2: OwnTracks mapping of units; an officer's own unit */
    "ALTER TABLE units ADD COLUMN owntracks TEXT;"
    "CREATE UNIQUE INDEX units_owntracks ON units(owntracks) WHERE owntracks IS NOT NULL;"
    "ALTER TABLE users ADD COLUMN unit_id TEXT;",

    /* 2 -> 3: field video streams and their recorded segments */
    "CREATE TABLE streams("
    "  id INTEGER PRIMARY KEY,"
    "  unit_id TEXT NOT NULL,"
    "  url TEXT NOT NULL,"
    "  transport TEXT NOT NULL DEFAULT 'tcp',"
    "  record INTEGER NOT NULL DEFAULT 1,"
    "  source TEXT NOT NULL DEFAULT 'api',"
    "  gateway TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX streams_unit ON streams(unit_id);"
    "CREATE TABLE recordings("
    "  id INTEGER PRIMARY KEY,"
    "  stream_id INTEGER,"
    "  unit_id TEXT NOT NULL,"
    "  gateway TEXT NOT NULL,"
    "  root TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  t0 INTEGER NOT NULL,"
    "  t1 INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL DEFAULT 0,"
    "  init_bytes INTEGER NOT NULL DEFAULT 0,"
    "  media_bytes INTEGER NOT NULL DEFAULT 0,"
    "  sha256 TEXT NOT NULL,"
    "  vcodec TEXT NOT NULL DEFAULT '',"
    "  acodec TEXT NOT NULL DEFAULT '',"
    "  width INTEGER NOT NULL DEFAULT 0,"
    "  height INTEGER NOT NULL DEFAULT 0,"
    "  cut_short INTEGER NOT NULL DEFAULT 0,"
    "  locked INTEGER NOT NULL DEFAULT 0,"
    "  filed_at INTEGER NOT NULL,"
    "  deleted_at INTEGER,"
    "  UNIQUE(gateway, path));"
    "CREATE INDEX recordings_unit_t0 ON recordings(unit_id, t0);"
    "CREATE INDEX recordings_live_t1 ON recordings(t1) WHERE deleted_at IS NULL;",

    /* 3 -> 4: duty (值班): the roster, sign-ins, the duty log, hand-over notes. */
    "CREATE TABLE duty_shifts("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('duty','commander')),"
    "  starts INTEGER NOT NULL,"
    "  ends INTEGER NOT NULL,"
    "  absent_alert INTEGER,"
    "  created_by TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  CHECK(ends > starts));"
    "CREATE INDEX duty_shifts_time ON duty_shifts(ends, starts);"
    "CREATE TABLE duty_signins("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL,"
    "  username TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  UNIQUE(shift_id, username));"
    "CREATE TABLE duty_log("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  username TEXT NOT NULL,"
    "  text TEXT NOT NULL);"
    "CREATE INDEX duty_log_ts ON duty_log(ts);"
    "CREATE TABLE duty_handovers("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  from_user TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  confirmed_by TEXT,"
    "  confirmed_at INTEGER);",
    /* 4 -> 5: cases (案件), their flow nodes with deadlines, team leaders;
     * alerts name the person responsible and whom they escalate to */
    "CREATE TABLE cases("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  year INTEGER NOT NULL,"
    "  filed_on TEXT NOT NULL,"
    "  applicants TEXT NOT NULL DEFAULT '[]',"
    "  respondents TEXT NOT NULL DEFAULT '[]',"
    "  amount_fen INTEGER,"
    "  judge TEXT NOT NULL DEFAULT '',"
    "  team TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','closed')),"
    "  close_kind TEXT, closed_on TEXT,"
    "  frozen_full INTEGER NOT NULL DEFAULT 0,"
    "  auction INTEGER NOT NULL DEFAULT 0,"
    "  hostile INTEGER NOT NULL DEFAULT 0,"
    "  triage_suggested TEXT, triage_reason TEXT NOT NULL DEFAULT '',"
    "  triage TEXT CHECK(triage IN ('simple','complex')), triage_by TEXT, triage_at INTEGER,"
    "  search TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX cases_team ON cases(team, status);"
    "CREATE INDEX cases_judge ON cases(judge, status);"
    "CREATE INDEX cases_filed ON cases(filed_on);"
    "CREATE INDEX cases_closed ON cases(closed_on) WHERE closed_on IS NOT NULL;"
    "CREATE TABLE case_nodes("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  anchor TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  unit TEXT NOT NULL CHECK(unit IN ('wd','d')),"
    "  due TEXT NOT NULL,"
    "  provisional INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done','void')),"
    "  team TEXT NOT NULL DEFAULT '',"
    "  judge TEXT NOT NULL DEFAULT '',"
    "  done_on TEXT, done_at INTEGER, done_by TEXT, note TEXT NOT NULL DEFAULT '',"
    "  alert_id INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX case_nodes_case ON case_nodes(case_id);"
    "CREATE INDEX case_nodes_open ON case_nodes(due, team) WHERE state = 'open';"
    "CREATE INDEX case_nodes_judge ON case_nodes(judge, due) WHERE state = 'open';"
    /* with due and provisional: a recompute reads the table only where a
     * deadline changes */
    "CREATE INDEX case_nodes_rule ON case_nodes(unit, count, anchor, due, provisional)"
    "  WHERE state = 'open';"
    /* Open nodes per team and deadline, kept by triggers: the wall's counts
     * (due today, overdue per team) read a few thousand rows, not every
     * open node. */
    "CREATE TABLE case_open_counts("
    "  team TEXT NOT NULL,"
    "  due TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY(team, due)) WITHOUT ROWID;"
    "CREATE TRIGGER case_nodes_count_i AFTER INSERT ON case_nodes WHEN new.state = 'open'"
    "  BEGIN INSERT INTO case_open_counts(team, due, n) SELECT new.team, new.due, 1 WHERE 1"
    "  ON CONFLICT(team, due) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER case_nodes_count_d AFTER DELETE ON case_nodes WHEN old.state = 'open'"
    "  BEGIN UPDATE case_open_counts SET n = n - 1 WHERE team = old.team AND due = old.due;"
    "  END;"
    /* bulk = 1 while a whole recompute runs: it rebuilds the counts once
     * instead of per moved row */
    "CREATE TABLE case_flags(bulk INTEGER NOT NULL);"
    "INSERT INTO case_flags VALUES(0);"
    "CREATE TRIGGER case_nodes_count_u AFTER UPDATE OF state, due, team ON case_nodes"
    "  WHEN (SELECT bulk FROM case_flags) = 0"
    "  BEGIN UPDATE case_open_counts SET n = n - 1 WHERE old.state = 'open' AND"
    "  team = old.team AND due = old.due;"
    "  INSERT INTO case_open_counts(team, due, n) SELECT new.team, new.due, 1"
    "  WHERE new.state = 'open' ON CONFLICT(team, due) DO UPDATE SET n = n + 1; END;"
    "CREATE INDEX case_nodes_done ON case_nodes(done_on) WHERE state = 'done';"
    "CREATE TABLE case_teams("
    "  team TEXT PRIMARY KEY,"
    "  leader TEXT NOT NULL);"
    "ALTER TABLE alerts ADD COLUMN assignee TEXT;"
    "ALTER TABLE alerts ADD COLUMN escalate_to TEXT;"
    "ALTER TABLE alerts ADD COLUMN subject TEXT;"
    "CREATE INDEX alerts_subject ON alerts(subject) WHERE subject IS NOT NULL;",

    /* Deadlines of their own: one row per (unit, count, anchor), a few
     * hundred for a province's open nodes, which point to theirs. A calendar
     * change rewrites those rows, not every moved node. An open node's
     * deadline is its case_deadlines row (the view case_nodes_due); a done
     * or void node keeps the deadline it had in case_nodes.due. */
    "CREATE TABLE case_deadlines("
    "  id INTEGER PRIMARY KEY,"
    "  unit TEXT NOT NULL, count INTEGER NOT NULL, anchor TEXT NOT NULL,"
    "  due TEXT NOT NULL, provisional INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(unit, count, anchor));"
    "CREATE INDEX case_deadlines_due ON case_deadlines(due);"
    "ALTER TABLE case_nodes ADD COLUMN deadline INTEGER REFERENCES case_deadlines(id);"
    "INSERT INTO case_deadlines(unit, count, anchor, due, provisional)"
    "  SELECT unit, count, anchor, max(due), max(provisional) FROM case_nodes"
    "  WHERE state = 'open' GROUP BY unit, count, anchor;"
    "UPDATE case_nodes SET deadline = (SELECT d.id FROM case_deadlines d WHERE"
    "  d.unit = case_nodes.unit AND d.count = case_nodes.count AND"
    "  d.anchor = case_nodes.anchor) WHERE state = 'open';"
    "DROP TRIGGER case_nodes_count_i;"
    "DROP TRIGGER case_nodes_count_d;"
    "DROP TRIGGER case_nodes_count_u;"
    "DROP INDEX case_nodes_open;"
    "DROP INDEX case_nodes_judge;"
    "DROP INDEX case_nodes_rule;"
    "DROP TABLE case_open_counts;"
    "DROP TABLE case_flags;"
    "CREATE INDEX case_nodes_open ON case_nodes(deadline, team) WHERE state = 'open';"
    /* a judge's pages and a case's first open node from the index alone
     * (casesuper.c; with state: a partial index does not cover it) */
    "CREATE INDEX case_nodes_judge ON case_nodes(judge, state, deadline, team, case_id);"
    "DROP INDEX case_nodes_case;"
    "CREATE INDEX case_nodes_case ON case_nodes(case_id, state, deadline);"
    /* open nodes per (deadline, team), kept by triggers: the wall's counts */
    "CREATE TABLE case_open_counts("
    "  deadline INTEGER NOT NULL,"
    "  team TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY(deadline, team)) WITHOUT ROWID;"
    "INSERT INTO case_open_counts SELECT deadline, team, count(*) FROM case_nodes"
    "  WHERE state = 'open' GROUP BY deadline, team;"
    "CREATE TRIGGER case_nodes_count_i AFTER INSERT ON case_nodes"
    "  WHEN new.state = 'open' AND new.deadline IS NOT NULL"
    "  BEGIN INSERT INTO case_open_counts(deadline, team, n) VALUES(new.deadline, new.team, 1)"
    "  ON CONFLICT(deadline, team) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER case_nodes_count_d AFTER DELETE ON case_nodes"
    "  WHEN old.state = 'open' AND old.deadline IS NOT NULL"
    "  BEGIN UPDATE case_open_counts SET n = n - 1 WHERE deadline = old.deadline AND"
    "  team = old.team; END;"
    "CREATE TRIGGER case_nodes_count_u AFTER UPDATE OF state, deadline, team ON case_nodes"
    "  BEGIN UPDATE case_open_counts SET n = n - 1 WHERE old.state = 'open' AND"
    "  deadline = old.deadline AND team = old.team;"
    "  INSERT INTO case_open_counts(deadline, team, n) SELECT new.deadline, new.team, 1"
    "  WHERE new.state = 'open' AND new.deadline IS NOT NULL"
    "  ON CONFLICT(deadline, team) DO UPDATE SET n = n + 1; END;"
    /* open nodes per case, kept by triggers: the supervision list's total
     * (open cases with a next node) without a pass over every node */
    "ALTER TABLE cases ADD COLUMN open_nodes INTEGER NOT NULL DEFAULT 0;"
    "UPDATE cases SET open_nodes = (SELECT count(*) FROM case_nodes n WHERE"
    "  n.case_id = cases.id AND n.state = 'open');"
    "CREATE INDEX cases_with_open_nodes ON cases(team, judge) WHERE open_nodes > 0;"
    "CREATE TRIGGER case_nodes_case_i AFTER INSERT ON case_nodes WHEN new.state = 'open'"
    "  BEGIN UPDATE cases SET open_nodes = open_nodes + 1 WHERE id = new.case_id; END;"
    "CREATE TRIGGER case_nodes_case_d AFTER DELETE ON case_nodes WHEN old.state = 'open'"
    "  BEGIN UPDATE cases SET open_nodes = open_nodes - 1 WHERE id = old.case_id; END;"
    "CREATE TRIGGER case_nodes_case_u AFTER UPDATE OF state ON case_nodes"
    "  WHEN (old.state = 'open') != (new.state = 'open')"
    "  BEGIN UPDATE cases SET open_nodes = open_nodes + (new.state = 'open') -"
    "  (old.state = 'open') WHERE id = new.case_id; END;"
    "CREATE VIEW case_nodes_due AS SELECT n.id, n.case_id, n.code, n.anchor, n.count,"
    "  n.unit, coalesce(d.due, n.due) AS due,"
    "  coalesce(d.provisional, n.provisional) AS provisional, n.state, n.team, n.judge,"
    "  n.done_on, n.done_at, n.done_by, n.note, n.alert_id, n.created_at, n.deadline"
    "  FROM case_nodes n LEFT JOIN case_deadlines d ON n.state = 'open' AND"
    "  d.id = n.deadline;"
    /* One overdue alert per case (casealerts.c) instead of one per node:
     * the per-node alerts are cleared (the next scan raises the cases');
     * case_nodes.alert_id now marks the nodes the case's alert names. */
    "ALTER TABLE cases ADD COLUMN overdue_alert INTEGER;"
    "UPDATE alerts SET state = 'cleared', cleared_at = CAST((julianday('now') -"
    "  2440587.5) * 86400000 AS INTEGER) WHERE kind = 'node_overdue' AND"
    "  state != 'cleared';"
    "UPDATE case_nodes SET alert_id = NULL WHERE alert_id IS NOT NULL;"
    /* the scan's two questions, each from its own small index: marked nodes
     * whose deadline is not past (deadlines by date, then these), and open
     * overdue nodes no alert names yet */
    "CREATE INDEX case_nodes_alerted ON case_nodes(deadline) WHERE alert_id IS NOT NULL;"
    "CREATE INDEX case_nodes_unalerted ON case_nodes(deadline)"
    "  WHERE state = 'open' AND alert_id IS NULL;",

    /* Field operations (执行行动) of a case: who, which units, where; the
     * segments recorded during one, in a hash chain (operations.h). A
     * segment of an operation is evidence: it stays locked and is never
     * marked deleted (triggers, besides the checks in the code). Alerts
     * raised for a unit on an active operation name it. */
    "CREATE TABLE operations("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  type TEXT NOT NULL CHECK(type IN ('search','seizure','eviction','detention',"
    "    'investigation','service','other')),"
    "  title TEXT NOT NULL DEFAULT '',"
    "  team TEXT NOT NULL DEFAULT '',"
    "  site TEXT NOT NULL,"
    "  planned_start INTEGER, planned_end INTEGER,"
    "  started_at INTEGER, ended_at INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'planned' CHECK(state IN"
    "    ('planned','active','ended','cancelled')),"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX operations_state ON operations(state, team);"
    "CREATE INDEX operations_case ON operations(case_id);"
    "CREATE TABLE operation_members("
    "  operation INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,"
    "  username TEXT NOT NULL,"
    "  PRIMARY KEY(operation, username)) WITHOUT ROWID;"
    "CREATE TABLE operation_units("
    "  operation INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,"
    "  unit_id TEXT NOT NULL,"
    "  PRIMARY KEY(operation, unit_id)) WITHOUT ROWID;"
    "CREATE INDEX operation_units_unit ON operation_units(unit_id, operation);"
    /* streams whose record flag an operation turned on (off again at stop) */
    "CREATE TABLE operation_streams("
    "  operation INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,"
    "  stream_id INTEGER NOT NULL,"
    "  PRIMARY KEY(operation, stream_id)) WITHOUT ROWID;"
    "CREATE TABLE operation_recordings("
    "  operation INTEGER NOT NULL REFERENCES operations(id),"
    "  recording_id INTEGER NOT NULL REFERENCES recordings(id),"
    "  seq INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  prev_link TEXT NOT NULL,"
    "  link TEXT NOT NULL,"
    "  linked_at INTEGER NOT NULL,"
    "  PRIMARY KEY(operation, seq),"
    "  UNIQUE(operation, recording_id));"
    "CREATE INDEX operation_recordings_rec ON operation_recordings(recording_id);"
    "CREATE TRIGGER operation_recordings_no_update BEFORE UPDATE ON operation_recordings"
    "  BEGIN SELECT RAISE(ABORT, 'the chain of an operation is append-only'); END;"
    "CREATE TRIGGER operation_recordings_no_delete BEFORE DELETE ON operation_recordings"
    "  BEGIN SELECT RAISE(ABORT, 'the chain of an operation is append-only'); END;"
    "CREATE TRIGGER recordings_operation_locked BEFORE UPDATE OF locked, deleted_at"
    "  ON recordings WHEN (new.locked = 0 OR new.deleted_at IS NOT NULL) AND EXISTS("
    "  SELECT 1 FROM operation_recordings WHERE recording_id = new.id)"
    "  BEGIN SELECT RAISE(ABORT, 'a segment of an operation stays locked and kept'); END;"
    "ALTER TABLE alerts ADD COLUMN operation_id INTEGER;"
    /* an operation's events on its timeline: its rows of the audit log */
    "CREATE INDEX audit_target ON audit(target, id);"
    "CREATE INDEX alerts_operation ON alerts(operation_id) WHERE operation_id IS NOT NULL;",
    /* Instructions (指令) with one delivery row per recipient, reports up
     * (上报) with one row per named leader, incidents (应急调度) with the
     * units dispatched to them (instructions.h, upreports.h, incidents.h). */
    "CREATE TABLE instructions("
    "  id INTEGER PRIMARY KEY,"
    "  target_kind TEXT NOT NULL CHECK(target_kind IN ('unit','team','user','operation')),"
    "  target TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  lat REAL, lon REAL,"
    "  urgency TEXT NOT NULL DEFAULT 'normal' CHECK(urgency IN ('normal','urgent')),"
    "  incident_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE instruction_deliveries("
    "  id INTEGER PRIMARY KEY,"
    "  instruction_id INTEGER NOT NULL REFERENCES instructions(id),"
    "  recipient_kind TEXT NOT NULL CHECK(recipient_kind IN ('unit','user')),"
    "  recipient TEXT NOT NULL,"
    "  sent_at INTEGER, last_sent_at INTEGER,"
    "  resends INTEGER NOT NULL DEFAULT 0,"
    "  delivered_at INTEGER, acked_at INTEGER, acked_by TEXT, reply TEXT,"
    "  escalated_at INTEGER, alert_id INTEGER,"
    "  UNIQUE(instruction_id, recipient_kind, recipient));"
    "CREATE INDEX instruction_deliveries_open ON instruction_deliveries(last_sent_at)"
    "  WHERE acked_at IS NULL AND escalated_at IS NULL;"
    "CREATE TABLE upreports("
    "  id INTEGER PRIMARY KEY,"
    "  text TEXT NOT NULL,"
    "  urgency TEXT NOT NULL DEFAULT 'normal' CHECK(urgency IN ('normal','urgent')),"
    "  incident_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE upreport_leaders("
    "  report_id INTEGER NOT NULL REFERENCES upreports(id),"
    "  leader TEXT NOT NULL,"
    "  told_at INTEGER NOT NULL,"
    "  acked_at INTEGER, reply TEXT, escalated_at INTEGER, alert_id INTEGER,"
    "  PRIMARY KEY(report_id, leader));"
    "CREATE INDEX upreport_leaders_open ON upreport_leaders(told_at)"
    "  WHERE acked_at IS NULL AND escalated_at IS NULL;"
    "CREATE TABLE incidents("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL CHECK(source IN ('tip','call110','party','support','other')),"
    "  summary TEXT NOT NULL DEFAULT '',"
    "  lat REAL NOT NULL, lon REAL NOT NULL,"
    "  radius_m REAL NOT NULL,"
    "  case_id INTEGER,"
    "  urgency TEXT NOT NULL DEFAULT 'normal' CHECK(urgency IN ('normal','urgent')),"
    "  deadline INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'new' CHECK(state IN"
    "    ('new','dispatched','acknowledged','arrived','closed')),"
    "  outcome TEXT,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  dispatched_at INTEGER, acknowledged_at INTEGER, arrived_at INTEGER,"
    "  closed_at INTEGER, closed_by TEXT,"
    "  overdue_at INTEGER, alert_id INTEGER);"
    "CREATE INDEX incidents_state ON incidents(state, created_at);"
    "CREATE TABLE incident_units("
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  unit_id TEXT NOT NULL,"
    "  instruction_id INTEGER,"
    "  dispatched_at INTEGER NOT NULL,"
    "  dispatched_by TEXT NOT NULL,"
    "  acked_at INTEGER, arrived_at INTEGER,"
    "  PRIMARY KEY(incident_id, unit_id));",
    /* photos a handheld page sent with an instruction's reply: evidence */
    "CREATE TABLE photos("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  instruction_id INTEGER NOT NULL REFERENCES instructions(id),"
    "  operation_id INTEGER REFERENCES operations(id),"
    "  unit_id TEXT, username TEXT NOT NULL,"
    "  content_type TEXT NOT NULL, bytes INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, path TEXT NOT NULL);"
    "CREATE INDEX photos_instruction ON photos(instruction_id);"
    "CREATE INDEX photos_operation ON photos(operation_id);",
    /* Consultation rooms (会商室, rooms.h) and who is invited or in them; a
     * guest's one-time link and the session it became, both only hashed. */
    "CREATE TABLE rooms("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('consult','hearing','talk','coordination')),"
    "  case_id INTEGER REFERENCES cases(id),"
    "  scheduled_at INTEGER NOT NULL,"
    "  host TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'scheduled' CHECK(state IN ('scheduled','open','closed')),"
    "  locked INTEGER NOT NULL DEFAULT 0,"
    "  recording INTEGER NOT NULL DEFAULT 0,"
    "  created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  opened_at INTEGER, closed_at INTEGER, closed_by TEXT);"
    "CREATE INDEX rooms_scheduled ON rooms(scheduled_at);"
    "CREATE TABLE room_participants("
    "  id INTEGER PRIMARY KEY,"
    "  room_id INTEGER NOT NULL REFERENCES rooms(id),"
    "  username TEXT,"
    "  guest_name TEXT, guest_note TEXT,"
    "  state TEXT NOT NULL"
    "    CHECK(state IN ('invited','waiting','in','left','removed')),"
    "  muted INTEGER NOT NULL DEFAULT 0,"
    "  invited_by TEXT, invited_at INTEGER,"
    "  joined_at INTEGER, left_at INTEGER,"
    "  link_hash TEXT UNIQUE, link_expires_at INTEGER, link_used_at INTEGER,"
    "  session_hash TEXT UNIQUE, session_expires_at INTEGER,"
    "  UNIQUE(room_id, username));"
    "CREATE INDEX room_participants_room ON room_participants(room_id);",
    /* 10 -> 11: a consultation room's recordings (issue 9): the hearing's mix
     * (participant NULL) and each participant's own tracks, filed under the
     * room (unit_id "room<id>", stream_id NULL: room streams live in memory) */
    "ALTER TABLE recordings ADD COLUMN room_id INTEGER REFERENCES rooms(id);"
    "ALTER TABLE recordings ADD COLUMN participant_id INTEGER;"
    "CREATE INDEX recordings_room ON recordings(room_id, t0) WHERE room_id IS NOT NULL;",
    /* 11 -> 12: field video in a room (rooms.h, roomfeeds.c): a unit's
     * stream the host brought in. */
    "CREATE TABLE room_feeds("
    "  room_id INTEGER NOT NULL REFERENCES rooms(id),"
    "  stream_id INTEGER NOT NULL,"
    "  unit_id TEXT NOT NULL,"
    "  added_by TEXT NOT NULL, added_at INTEGER NOT NULL,"
    "  PRIMARY KEY(room_id, stream_id));",
};

#define LATEST ((int)G_N_ELEMENTS(migrations))

int ecc_store_latest_version(void)
{
	return LATEST;
}

/* ---- statements --------------------------------------------------------- */

static void log_err(ecc_store *st, const char *what)
{
	g_warning("%s: %s (%d)", what, sqlite3_errmsg(st->db), sqlite3_extended_errcode(st->db));
}

sqlite3_stmt *ecc_store_stmt(ecc_store *st, const char *sql)
{
	sqlite3_stmt *s = g_hash_table_lookup(st->stmts, sql);

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		log_err(st, sql);
		return NULL;
	}
	g_hash_table_insert(st->stmts, (gpointer)sql, s);
	return s;
}

int ecc_store_step(ecc_store *st, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT)
		log_err(st, sqlite3_sql(stmt));
	return (rc & 0xff) == SQLITE_CONSTRAINT ? SQLITE_CONSTRAINT : rc;
}

int ecc_store_run(ecc_store *st, sqlite3_stmt *stmt)
{
	int rc;

	if (!stmt)
		return ECC_ERR_DB;
	rc = ecc_store_step(st, stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return ECC_OK;
	return rc == SQLITE_CONSTRAINT ? ECC_ERR_EXISTS : ECC_ERR_DB;
}

int ecc_store_exec(ecc_store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		g_warning("%.80s: %s", sql, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return ECC_ERR_DB;
	}
	return ECC_OK;
}

int ecc_store_begin(ecc_store *st, bool durable)
{
	if (durable && ecc_store_exec(st, "PRAGMA synchronous=FULL") != ECC_OK)
		return ECC_ERR_DB;
	st->durable_tx = durable;
	if (ecc_store_exec(st, "BEGIN IMMEDIATE") != ECC_OK) {
		if (durable)
			ecc_store_exec(st, "PRAGMA synchronous=NORMAL");
		st->durable_tx = false;
		return ECC_ERR_DB;
	}
	return ECC_OK;
}

static void end_tx(ecc_store *st)
{
	if (st->durable_tx)
		ecc_store_exec(st, "PRAGMA synchronous=NORMAL");
	st->durable_tx = false;
}

int ecc_store_commit(ecc_store *st)
{
	int rc = ecc_store_exec(st, "COMMIT");

	if (rc != ECC_OK)
		ecc_store_exec(st, "ROLLBACK");
	end_tx(st);
	return rc;
}

void ecc_store_rollback(ecc_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		ecc_store_exec(st, "ROLLBACK");
	end_tx(st);
}

/* ---- open and migrate --------------------------------------------------- */

int ecc_store_version(ecc_store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int migrate(ecc_store *st, int target)
{
	int v = ecc_store_version(st);

	if (v < 0)
		return ECC_ERR_DB;
	if (v > LATEST) {
		g_warning("the database has schema version %d; this build knows up to %d", v,
		          LATEST);
		return ECC_ERR_DB;
	}
	for (; v < target; v++) {
		char *bump = g_strdup_printf("PRAGMA user_version=%d", v + 1);
		int rc = ecc_store_begin(st, true);
		if (rc == ECC_OK)
			rc = ecc_store_exec(st, migrations[v]);
		if (rc == ECC_OK)
			rc = ecc_store_exec(st, bump);
		g_free(bump);
		if (rc != ECC_OK) {
			ecc_store_rollback(st);
			g_warning("migration %d -> %d failed", v, v + 1);
			return ECC_ERR_DB;
		}
		if (ecc_store_commit(st) != ECC_OK)
			return ECC_ERR_DB;
		g_message("database migrated to schema version %d", v + 1);
	}
	return ECC_OK;
}

static void finalize_stmt(gpointer s)
{
	sqlite3_finalize(s);
}

int ecc_store_open_at(const char *path, int version, ecc_store **out)
{
	ecc_store *st;

	*out = NULL;
	if (version < 0 || version > LATEST)
		return ECC_ERR_INVAL;
	st = g_new0(ecc_store, 1);
	st->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, finalize_stmt);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		g_warning("cannot open %s: %s", path,
		          st->db ? sqlite3_errmsg(st->db) : "no memory");
		ecc_store_close(st);
		return ECC_ERR_IO;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (ecc_store_exec(st, "PRAGMA journal_mode=WAL") != ECC_OK ||
	    ecc_store_exec(st, "PRAGMA synchronous=NORMAL") != ECC_OK ||
	    /* 16 MiB of page cache: the leaf pages of every unit's recent
	     * positions stay in memory between batches. */
	    ecc_store_exec(st, "PRAGMA cache_size=-16384") != ECC_OK ||

	    ecc_store_exec(st, "PRAGMA foreign_keys=ON") != ECC_OK ||
	    migrate(st, version) != ECC_OK) {
		ecc_store_close(st);
		return ECC_ERR_DB;
	}
	*out = st;
	return ECC_OK;
}

int ecc_store_open(const char *path, ecc_store **out)
{
	return ecc_store_open_at(path, LATEST, out);
}

sqlite3 *ecc_store_db(ecc_store *st)
{
	return st->db;
}

void ecc_store_close(ecc_store *st)
{
	if (!st)
		return;
	g_hash_table_destroy(st->stmts);
	if (st->db)
		sqlite3_close(st->db);
	g_free(st);
}

/* ---- binding helpers ---------------------------------------------------- */

void ecc_store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

void ecc_store_bind_real_or_null(sqlite3_stmt *s, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

void ecc_store_bind_int_or_null(sqlite3_stmt *s, int i, int v)
{
	if (v >= 0)
		sqlite3_bind_int(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

double ecc_store_column_real_or_nan(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

int ecc_store_column_int_or(sqlite3_stmt *s, int i, int absent)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? absent : sqlite3_column_int(s, i);
}

void ecc_store_json_int(cJSON *o, const char *key, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)sqlite3_column_int64(s, i));
}

const char *ecc_store_column_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}
