// A field operation (执行行动) end to end with real processes: a case is
// imported, an operation with two simulated camera units is created and
// started; both streams record into it (one had recording off and gets it
// on, then off again at stop); every segment overlapping the operation,
// also the last one filed after stop, is linked, locked and chained, and
// the chain recomputed here with node:crypto holds. The gateway's disk is
// low from the start, so retention deletes every unlocked segment it can:
// the operation's segments survive it, and a delete or unlock request too.
// A unit that leaves the site raises one geofence alert naming the unit,
// the operation and the distance; coming back clears it. An instruction to
// the operation reaches both units and each acknowledges it. Stopped, the
// operation exports as a signed package that ecc-verify checks. An officer of
// another team gets 403; bad input gets a clear 4xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  stack, addUser, request, waitFor, freePort, cleanup, mosquittoPub, Proc, BIN, SLOW_UNWIND, wsConnect,
} from '../lib/harness.mjs';
import { startGateway, waitStream } from '../lib/media.mjs';

const CENTER = [47.138, 129.286];
const CASE = '（2026）黑0781执401号';
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// A camera unit on its own ecc-devsim that sends (almost) no positions of
// its own: the test places it with MQTT.
async function cameraUnit(hub, token, dir, id) {
  const r = await request(hub, 'POST', '/api/v1/units', { token, body: { id, name: `执法仪${id}`, kind: 'bodycam', team: '执行一组' } });
  assert.equal(r.status, 201, r.text);
  const file = path.join(dir, `units-${id}.json`);
  fs.writeFileSync(file, JSON.stringify([{ id, kind: 'bodycam', name: id, username: r.json.mqtt.username,
    password: r.json.mqtt.password, camera: { width: 320, height: 180, bitrate: 300 } }]));
  const sim = new Proc(`ecc-devsim ${id}`, BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--rate', '0.01', '--center', CENTER.join(','), '--rtsp-port', String(await freePort())],
  { env: SLOW_UNWIND });
  const stream = await waitFor(async () => (await request(hub, 'GET', '/api/v1/streams', { token }))
    .json.streams.find((s) => s.unit === id), { timeout: 15000, what: `the stream of ${id}` })
    .catch((e) => { sim.kill9(); throw e; });
  return { sim, stream, creds: { username: r.json.mqtt.username, password: r.json.mqtt.password } };
}

test('an operation records its units into a locked hash chain and watches its site', async (t) => {
  const { hub, broker, dir, token } = await stack(t, 'ops-flow', { recordings: { retention_check: 1 } });
  // A disk that is always low: retention deletes every unlocked segment.
  const gw = await startGateway(hub, dir, { segmentSeconds: 2, extra: 'disk_low_mb = 10000000' });
  cleanup(t, () => gw.proc.stopClean());
  const officer1 = await addUser(hub, token, 'officer1', 'officer', { team: '执行一组' });
  const officer2 = await addUser(hub, token, 'officer2', 'officer', { team: '执行二组' });
  const judge1 = await addUser(hub, token, 'judge1', 'judge');
  const judge2 = await addUser(hub, token, 'judge2', 'judge');
  const api = (method, p, body, tok = token) => request(hub, method, `/api/v1${p}`, { token: tok, body });

  const imp = await request(hub, 'POST', '/api/v1/cases/import', { token, headers: { 'content-type': 'text/csv' },
    raw: `案号,立案日期,申请执行人,被执行人,执行标的,承办法官,执行团队\n${CASE},2026-11-02,某银行,张三,120000,judge1,执行一组\n` });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.created, 1, imp.text);
  const caseId = (await api('GET', '/cases')).json.cases.find((c) => c.number === CASE).id;

  const a = await cameraUnit(hub, token, dir, 'op-a');
  cleanup(t, () => a.sim.stopClean());
  const b = await cameraUnit(hub, token, dir, 'op-b');
  cleanup(t, () => b.sim.stopClean());
  // op-a's stream does not record until the operation asks it to.
  assert.equal((await api('DELETE', `/streams/${a.stream.id}`)).status, 200);
  let r = await api('POST', '/streams', { unit: 'op-a', url: a.stream.url, record: false });
  assert.equal(r.status, 201, r.text);
  a.stream = r.json.stream;
  assert.equal(a.stream.record, false);
  await waitStream(hub, token, a.stream.id, 'live', 30000);
  await waitStream(hub, token, b.stream.id, 'live', 30000);
  const recs = async (unit) => (await api('GET', `/units/${unit}/recordings?from=0&to=${Date.now() + 600000}`)).json.segments;
  // op-b records already; retention deletes those segments (nothing locks them).
  const before = await waitFor(async () => (await recs('op-b'))[0], { timeout: 20000, what: 'a segment of op-b' });

  const good = {
    case_id: caseId, type: 'seizure', title: '查封车辆',
    site: { type: 'circle', lat: CENTER[0], lon: CENTER[1], radius_m: 20000 },
    units: ['op-a', 'op-b'], members: ['officer1'],
    planned_start: Date.now(), planned_end: Date.now() + 3600000,
  };

  await t.test('bad input is refused with a clear 4xx', async () => {
    const bad = [
      [{ ...good, case_id: 999999 }, /no such case/],
      [{ ...good, case_id: undefined, case: '（2026）黑0781执999号' }, /no such case/],
      [{ ...good, case_id: undefined }, /case_id.*required/],
      [{ ...good, type: 'raid' }, /type must be/],
      [{ ...good, units: ['op-a', 'nobody'] }, /no such unit: nobody/],
      [{ ...good, units: ['op-a', 'op-a'] }, /twice/],
      [{ ...good, units: [] }, /units must be/],
      [{ ...good, units: undefined }, /units is required/],
      [{ ...good, members: ['ghost'] }, /no such user: ghost/],
      [{ ...good, site: undefined }, /site is required/],
      [{ ...good, site: { type: 'circle', lat: 47, lon: 129, radius_m: 0 } }, /radius_m/],
      [{ ...good, site: { type: 'circle', lat: 95, lon: 129, radius_m: 10 } }, /lat/],
      [{ ...good, site: { type: 'polygon', points: [[47, 129], [47.1, 129]] } }, /3 to 500/],
      [{ ...good, site: { type: 'polygon', points: [[47, 129], [47.1, 129], [47.1, 'x']] } }, /point 3/],
      [{ ...good, site: { type: 'square' } }, /circle or polygon/],
      [{ ...good, planned_end: good.planned_start - 1 }, /planned_end must come after/],
      [{ ...good, planned_start: 'tomorrow' }, /planned_start must be/],
    ];
    for (const [body, why] of bad) {
      const x = await api('POST', '/operations', body);
      assert.equal(x.status, 400, `${JSON.stringify(body)}: ${x.text}`);
      assert.match(x.json.error.message, why);
    }
    assert.equal((await request(hub, 'POST', '/api/v1/operations', { token, raw: '{"type":', headers: { 'content-type': 'application/json' } })).status, 400);
    assert.equal((await api('POST', '/operations', good, officer1)).status, 403, 'an officer does not create');
    assert.equal((await api('GET', '/operations/abc')).status, 400);
    assert.equal((await api('GET', '/operations/424242')).status, 404);
    assert.equal((await api('GET', '/operations?state=running')).status, 400);
  });

  // Walls watch the dispatch channel: each change is announced to those
  // who may see the operation (the center, the own team), to nobody else.
  const wsCenter = await wsConnect(hub, token, { subscribe: ['dispatch'] });
  const wsTeam = await wsConnect(hub, officer1, { subscribe: ['dispatch'] });
  const wsOther = await wsConnect(hub, officer2, { subscribe: ['dispatch'] });
  cleanup(t, () => { wsCenter.close(); wsTeam.close(); wsOther.close(); });
  const announced = (ws, id, pred) => ws.next((m) => m.type === 'operation' && m.operation.id === id && pred(m.operation),
    5000, `operation ${id} announced`);

  r = await api('POST', '/operations', good);
  assert.equal(r.status, 201, r.text);
  let op = r.json.operation;
  for (const ws of [wsCenter, wsTeam]) await announced(ws, op.id, (o) => o.state === 'planned' && o.case_number === CASE);
  assert.equal(op.state, 'planned');
  assert.equal(op.case_number, CASE);
  assert.equal(op.team, '执行一组', 'the case\'s team by default');
  assert.deepEqual(op.units, ['op-a', 'op-b']);
  assert.deepEqual(op.members, ['officer1']);
  assert.deepEqual(op.site, good.site);
  r = await api('PATCH', `/operations/${op.id}`, { title: '查封车辆及财产' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.operation.title, '查封车辆及财产');
  await announced(wsCenter, op.id, (o) => o.title === '查封车辆及财产');

  await t.test('roles: the own team and the own cases see it, another team gets 403', async () => {
    assert.equal((await api('GET', `/operations/${op.id}`, undefined, officer1)).status, 200);
    assert.equal((await api('GET', `/operations/${op.id}`, undefined, judge1)).status, 200);
    for (const tok of [officer2, judge2]) {
      const x = await api('GET', `/operations/${op.id}`, undefined, tok);
      assert.equal(x.status, 403, x.text);
      assert.equal((await api('GET', `/operations/${op.id}/chain`, undefined, tok)).status, 403);
      assert.equal((await api('GET', `/operations?case=${caseId}`, undefined, tok)).json.operations.length, 0);
    }
    assert.equal((await api('GET', `/operations?team=${encodeURIComponent('执行一组')}`, undefined, officer1)).json.total, 1);
    assert.equal((await api('POST', `/operations/${op.id}/start`, undefined, officer1)).status, 403);
    assert.equal((await api('GET', `/operations/${op.id}/timeline`)).status, 409, 'not started: no timeline');
  });

  const health = async (id) => (await api('GET', `/streams/${id}`)).json.stream.health || {};
  const reconnectsBefore = (await health(a.stream.id)).reconnects;
  r = await api('POST', `/operations/${op.id}/start`);
  assert.equal(r.status, 200, r.text);
  op = r.json.operation;
  assert.equal(op.state, 'active');
  for (const ws of [wsCenter, wsTeam]) {
    const m = await announced(ws, op.id, (o) => o.state === 'active');
    assert.deepEqual(m.operation.units, ['op-a', 'op-b']);
    assert.equal(m.operation.started_at, op.started_at);
  }
  assert.equal(wsOther.messages.filter((m) => m.type === 'operation').length, 0, 'another team hears nothing of it');
  assert.ok(op.started_at >= good.planned_start);
  assert.equal((await api('POST', `/operations/${op.id}/start`)).status, 409);
  assert.equal((await api('PATCH', `/operations/${op.id}`, { title: 'x' })).status, 409);
  assert.equal((await api('POST', `/operations/${op.id}/cancel`)).status, 409);
  assert.equal((await api('GET', '/operations?state=active')).json.operations[0].id, op.id);
  assert.equal((await api('GET', `/streams/${a.stream.id}`)).json.stream.record, true, 'op-a records now');

  await t.test('recording starts on the running stream: no restart, from its last key frame', async () => {
    const first = await waitFor(async () => (await recs('op-a'))[0], { timeout: 20000, what: 'a segment of op-a' });
    // the gateway's cached GOP goes first: the evidence starts before the
    // order arrived (a 1 s GOP here), not at the next key frame after a
    // restart and reconnect
    t.diagnostic(`op-a's first segment starts ${first.t0 - op.started_at} ms from the operation's start`);
    assert.ok(first.t0 <= op.started_at + 100, `first segment ${first.t0 - op.started_at} ms after the start`);
    const h = await health(a.stream.id);
    assert.equal(h.reconnects, reconnectsBefore, 'the ingest went on: no reconnect');
  });

  await t.test('both streams record into the operation: linked, locked, kept by retention', async () => {
    const chain = await waitFor(async () => {
      const c = (await api('GET', `/operations/${op.id}/chain`)).json;
      const n = (u) => c.links.filter((l) => l.unit === u).length;
      return n('op-a') >= 2 && n('op-b') >= 2 && c;
    }, { timeout: 40000, what: 'two linked segments per unit' });
    for (const l of chain.links) {
      const rec = (await api('GET', `/recordings/${l.recording}`)).json.recording;
      assert.equal(rec.locked, true, `segment ${l.recording} locked`);
      assert.ok(rec.t1 >= op.started_at, 'overlaps the operation');
      assert.equal(sha256(fs.readFileSync(path.join(gw.recordings, l.path))), l.sha256, 'the chain names the file\'s hash');
    }
    // retention runs: the unlocked segment from before is gone
    await waitFor(async () => (await api('GET', `/recordings/${before.id}`)).status === 404,
      { timeout: 20000, what: 'retention deleting an unlocked segment' });
    await new Promise((res) => setTimeout(res, 2500)); // two more passes
    const first = chain.links[0];
    for (const l of chain.links) {
      const x = await api('GET', `/recordings/${l.recording}`);
      assert.equal(x.status, 200, `segment ${l.recording} survives retention`);
      assert.ok(fs.existsSync(path.join(gw.recordings, l.path)));
    }
    // nobody unlocks or deletes it, not even admin
    let x = await api('DELETE', `/recordings/${first.recording}/lock`);
    assert.equal(x.status, 403, x.text);
    assert.match(x.json.error.message, /evidence of an operation/);
    x = await api('DELETE', `/recordings/${first.recording}`);
    assert.equal(x.status, 403, x.text);
    await new Promise((res) => setTimeout(res, 1500));
    const kept = (await api('GET', `/recordings/${first.recording}`)).json.recording;
    assert.equal(kept.locked, true);
    assert.equal(kept.deleted, false);
    assert.equal(sha256(fs.readFileSync(path.join(gw.recordings, first.path))), first.sha256);
    const audit = (await api('GET', '/audit?limit=1000')).json.entries;
    assert.ok(audit.some((e) => e.action === 'recording.delete_request' && e.result === 'denied'
      && e.target === `recording:${first.recording}`), 'the refused deletion is audited');
    t.diagnostic(`${chain.count} segments linked while active; head ${chain.head.slice(0, 16)}…`);
  });

  await t.test('a unit leaving the site raises one geofence alert; back inside clears it', async () => {
    const place = (lat, lon) => mosquittoPub(broker, { ...a.creds, topic: 'ecc/unit/op-a/telemetry',
      message: JSON.stringify({ ts: Date.now(), lat, lon }) });
    const geofence = async () => (await api('GET', '/alerts?unit=op-a')).json.alerts.filter((x) => x.kind === 'geofence');
    await place(CENTER[0] + 0.001, CENTER[1]);
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await geofence()).length, 0, 'inside: no alert');
    await place(CENTER[0] + 0.27, CENTER[1]); // about 30 km north: 10 km outside
    const al = await waitFor(async () => (await geofence())[0], { what: 'a geofence alert' });
    assert.equal(al.severity, 'high');
    assert.equal(al.state, 'open');
    assert.equal(al.operation, op.id, 'the alert names the operation');
    assert.match(al.message, new RegExp(`执法仪op-a.*#${op.id}.*${CASE.replace(/[()（）]/g, '.')}`));
    const metres = Number(al.message.match(/(\d+) 米/)[1]);
    assert.ok(metres > 9900 && metres < 10200, `distance outside ${metres} m`);
    await place(CENTER[0] + 0.28, CENTER[1]); // still outside: no second alert
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await geofence()).length, 1, 'one alert while outside');
    await place(CENTER[0], CENTER[1] + 0.01);
    await waitFor(async () => (await geofence())[0].state === 'cleared', { what: 'the alert cleared' });
    await place(CENTER[0] - 0.3, CENTER[1]); // out again: armed again
    await waitFor(async () => (await geofence()).filter((x) => x.state === 'open').length === 1, { what: 'a second alert' });
    await place(CENTER[0], CENTER[1]);
    await waitFor(async () => (await geofence()).every((x) => x.state === 'cleared'), { what: 'cleared again' });
    t.diagnostic(`geofence: "${al.message}"`);
  });

  const sos = async () => {
    const ts = Date.now();
    await mosquittoPub(broker, { ...b.creds, topic: 'ecc/unit/op-b/event', message: JSON.stringify({ ts, kind: 'sos' }) });
    return waitFor(async () => (await api('GET', '/alerts?unit=op-b')).json.alerts.find((x) => x.kind === 'sos' && x.device_ts === ts),
      { what: 'the SOS alert' });
  };
  await t.test('any alert raised for an assigned unit while active names the operation', async () => {
    assert.equal((await sos()).operation, op.id);
  });

  await t.test('an instruction to the operation reaches both units; each simulated unit acknowledges it', async () => {
    const sent = await api('POST', '/instructions', { target_kind: 'operation', target: String(op.id),
      text: '到达现场后原地待命', point: { lat: CENTER[0], lon: CENTER[1] } });
    assert.equal(sent.status, 201, sent.text);
    const done = await waitFor(async () => {
      const i = (await api('GET', `/instructions/${sent.json.instruction.id}`)).json.instruction;
      return i.deliveries.length === 2 && i.deliveries.every((d) => d.delivered_at && d.acked_at) && i;
    }, { timeout: 20000, what: 'both units delivered and acknowledged' });
    assert.deepEqual(done.deliveries.map((d) => d.recipient).sort(), ['op-a', 'op-b']);
    assert.ok(done.deliveries.every((d) => d.acked_by === `unit:${d.recipient}`));
    assert.equal(done.state, 'acked');
    t.diagnostic(`instruction acknowledged ${Math.max(...done.deliveries.map((d) => d.acked_at - d.sent_at))} ms after sending`);
  });

  r = await api('POST', `/operations/${op.id}/stop`);
  assert.equal(r.status, 200, r.text);
  op = r.json.operation;
  assert.equal(op.state, 'ended');
  assert.equal((await api('POST', `/operations/${op.id}/stop`)).status, 409);
  assert.equal((await api('GET', `/streams/${a.stream.id}`)).json.stream.record, false, 'op-a back to not recording');
  assert.equal((await sos()).operation, undefined, 'after stop, an alert names no operation');

  await t.test('the last segments filed after stop still link, later ones do not; the chain holds', async () => {
    // op-a's stream restarted without recording: the segment the restart
    // closed was reported before it (its length depends on when the stop
    // came, so no condition on its t1); op-b's open segment outlasts stop.
    await waitFor(async () => {
      const x = (await api('GET', `/streams/${a.stream.id}`)).json.stream;
      return x.state === 'live' && x.health.recording === false;
    }, { timeout: 30000, what: 'op-a live again, not recording' });
    const chain = await waitFor(async () => {
      const c = (await api('GET', `/operations/${op.id}/chain`)).json;
      return c.links.some((l) => l.unit === 'op-b' && l.t1 >= op.ended_at) && c;
    }, { timeout: 30000, what: 'the segment of op-b open at stop linked' });
    assert.ok(chain.links.some((l) => l.linked_at > op.ended_at), 'linked after stop');
    for (const u of ['op-a', 'op-b']) {
      const overlapping = (await recs(u)).filter((x) => x.t1 >= op.started_at && x.t0 <= op.ended_at);
      assert.deepEqual(chain.links.filter((l) => l.unit === u).map((l) => l.recording).sort((x, y) => x - y),
        overlapping.map((x) => x.id).sort((x, y) => x - y), `every filed segment of ${u} overlapping the operation is linked`);
    }
    // recomputed independently
    let prev = Buffer.alloc(32);
    assert.equal(chain.genesis, prev.toString('hex'));
    chain.links.forEach((l, i) => {
      assert.equal(l.seq, i + 1);
      assert.equal(l.prev_link, prev.toString('hex'), `link ${l.seq}: previous`);
      const link = crypto.createHash('sha256').update(Buffer.concat([prev, Buffer.from(l.sha256, 'hex')])).digest();
      assert.equal(l.link, link.toString('hex'), `link ${l.seq}`);
      assert.ok(l.t1 >= op.started_at && l.t0 <= op.ended_at, `segment ${l.recording} overlaps`);
      prev = link;
    });
    assert.equal(chain.head, prev.toString('hex'));
    // op-b keeps recording; its segments after the operation are not linked
    const later = await waitFor(async () => (await recs('op-b')).find((s) => s.t0 > op.ended_at),
      { timeout: 20000, what: 'a segment of op-b after the operation' });
    const again = (await api('GET', `/operations/${op.id}/chain`)).json;
    assert.ok(!again.links.some((l) => l.recording === later.id));
    assert.equal(again.head, chain.head, 'an ended chain no longer grows');
    assert.equal((await api('GET', `/operations/${op.id}`)).json.operation.chain_head, chain.head);
    t.diagnostic(`${chain.count} segments in the chain of operation ${op.id}`);
  });

  await t.test('stop -> export -> ecc-verify passes; a changed byte fails naming the file', async () => {
    const { execFile } = await import('node:child_process');
    const run = (cmd, args) => new Promise((resolve) => execFile(cmd, args, { maxBuffer: 1 << 24 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })));
    const VERIFY = path.join(path.dirname(BIN.hub), '..', 'tools/verify/ecc-verify');
    const pub = (await hub.cli(['evidence-key'])).stdout.split('\n')[0];
    const chain = (await api('GET', `/operations/${op.id}/chain`)).json;
    const res = await fetch(`${hub.url}/api/v1/operations/${op.id}/export`,
      { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, res.status === 200 ? '' : await res.text());
    assert.match(res.headers.get('content-disposition'), new RegExp(`ecc-operation-${op.id}\\.tar`));
    const tar = path.join(dir, 'op.tar');
    fs.writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
    let v = await run(VERIFY, [tar, '--key', pub]);
    t.diagnostic(v.stdout.trim().split('\n').slice(-3).join(' | '));
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`chain of ${chain.count} links, head ${chain.head}`),
      'the package\'s chain is the operation\'s');
    const into = path.join(dir, 'opx');
    fs.mkdirSync(into, { recursive: true });
    assert.equal((await run('tar', ['-xf', tar, '-C', into])).code, 0);
    const bag = path.join(into, `ecc-operation-${op.id}`);
    for (const f of ['data/positions.geojson', 'data/events.json', 'data/instructions.json', 'data/audit.json',
      'data/operation.json', 'data/chain.json'])
      assert.ok(fs.existsSync(path.join(bag, f)), f);
    const log = JSON.parse(fs.readFileSync(path.join(bag, 'data/instructions.json'), 'utf8')).instructions;
    assert.ok(log.some((i) => i.target_kind === 'operation' && i.deliveries.length === 2 &&
      i.deliveries.every((d) => d.acked_at)), 'the instruction log holds the acknowledged instruction');
    const units = new Set(JSON.parse(fs.readFileSync(path.join(bag, 'data/positions.geojson'), 'utf8'))
      .features.map((f) => f.properties.unit));
    assert.ok(units.has('op-a'), 'the positions of the unit that left the site');
    assert.ok([...units].every((u) => u === 'op-a' || u === 'op-b'), `only the operation's units: ${[...units]}`);
    const segs = fs.readdirSync(path.join(bag, 'data/segments'));
    assert.equal(segs.length, chain.count);
    // one byte changed in one segment: ecc-verify names it
    const victim = path.join(bag, 'data/segments', segs[0]);
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(victim, bytes);
    v = await run(VERIFY, [bag, '--key', pub]);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout, new RegExp(`data/segments/${segs[0].replace(/\./g, '\\.')}`), v.stdout);
    // the audit excerpt holds this very export, and the operation's changes
    const audit = JSON.parse(fs.readFileSync(path.join(bag, 'data/audit.json'), 'utf8')).audit;
    assert.ok(audit.some((a) => a.action === 'evidence.export' && a.target === `operation:${op.id}`),
      'the export is in the audit log');
    assert.ok(audit.some((a) => a.action === 'operation.start'), 'and the operation\'s start');
  });

  await t.test('the timeline: tracks, events, alerts and segments of the operation', async () => {
    const tl = (await api('GET', `/operations/${op.id}/timeline`, undefined, officer1)).json;
    assert.equal(tl.from, op.started_at);
    assert.equal(tl.to, op.ended_at);
    assert.deepEqual(tl.units, ['op-a', 'op-b']);
    const track = tl.tracks.find((f) => f.properties.unit === 'op-a');
    assert.ok(track.geometry.coordinates.length >= 4, 'op-a\'s positions during the operation');
    assert.ok(track.geometry.coordinates.some(([, lat]) => lat > CENTER[0] + 0.2), 'the excursion is on the track');
    const actions = tl.events.map((e) => e.action);
    for (const want of ['operation.start', 'operation.record_on', 'operation.link', 'operation.stop', 'operation.record_off'])
      assert.ok(actions.includes(want), `${want} on the timeline`);
    assert.ok(!actions.includes('operation.chain_view'), 'reads are not events of the operation');
    assert.ok(tl.alerts.filter((x) => x.kind === 'geofence').length === 2);
    assert.ok(tl.alerts.filter((x) => x.kind === 'sos').length === 1, 'the SOS during the operation, not the one after');
    assert.ok(tl.alerts.every((x) => x.operation === op.id));
    assert.ok(!tl.alerts.some((x) => x.kind === 'stream_stalled'), 'turning recording on is no stall');
    assert.equal(tl.segments.length, (await api('GET', `/operations/${op.id}/chain`)).json.count);
    assert.equal((await api('GET', `/operations/${op.id}/timeline`, undefined, officer2)).status, 403);
  });

  await t.test('cancel: a planned operation only; every change in the audit log', async () => {
    let x = await api('POST', '/operations', { ...good, type: 'service', units: ['op-b'],
      site: { type: 'polygon', points: [[47.1, 129.2], [47.2, 129.2], [47.2, 129.3]] } });
    assert.equal(x.status, 201, x.text);
    const id = x.json.operation.id;
    assert.equal((await api('POST', `/operations/${id}/cancel`)).json.operation.state, 'cancelled');
    assert.equal((await api('POST', `/operations/${id}/start`)).status, 409);
    x = await api('GET', '/operations?state=cancelled');
    assert.deepEqual(x.json.operations.map((o) => o.id), [id]);
    const audit = (await api('GET', '/audit?limit=1000')).json.entries;
    for (const action of ['operation.create', 'operation.update', 'operation.start', 'operation.stop', 'operation.cancel'])
      assert.ok(audit.some((e) => e.action === action), action);
    const links = audit.filter((e) => e.action === 'operation.link' && e.target === `operation:${op.id}`);
    assert.equal(links.length, (await api('GET', `/operations/${op.id}/chain`)).json.count);
    const views = (await api('GET', '/audit?limit=1000')).json.entries.filter((e) => e.target === `operation:${op.id}`);
    assert.ok(views.some((e) => e.action === 'operation.timeline_view' && e.actor === 'officer1'), 'who read the timeline');
    assert.ok(views.some((e) => e.action === 'operation.chain_view' && e.actor === 'admin'), 'who read the chain');
    assert.equal((await api('GET', '/audit/verify')).json.ok, true);
  });
});
