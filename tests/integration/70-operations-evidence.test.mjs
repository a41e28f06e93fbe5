// Evidence packages end to end: a simulated unit's camera is recorded by a
// real gateway, the hub exports the unit's footage of a time range as a
// signed BagIt bag in one tar stream, and ecc-verify checks it offline; then
// the package is tampered with in every way a court would fear (a changed
// byte, a deleted file, an added file, another signer) and ecc-verify names
// each; a segment altered on the gateway's disk before the export is
// exported anyway and declared. Roles and ranges are checked too. Each
// package carries an RFC 3161 time-stamp over its payload manifest from a
// real TSA (OpenSSL's, tests/lib/tsa.mjs) that ecc-verify and `openssl ts
// -verify` check; a TSA that is down leaves a package without one, which
// says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { stack, addUnit, addUser, request, waitFor, freePort, cleanup, Proc, BIN, BUILD, SLOW_UNWIND } from '../lib/harness.mjs';
import { startGateway, segments } from '../lib/media.mjs';
import { startTsa } from '../lib/tsa.mjs';

const VERIFY = path.join(BUILD, 'tools/verify/ecc-verify');

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 1 << 24, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const verify = (pkg, key, ...more) => run(VERIFY, [pkg, ...(key ? ['--key', key] : []), ...more]);

// GET the export into a file; returns its headers and path.
async function exportTo(hub, token, unit, from, to, file) {
  const res = await fetch(`${hub.url}/api/v1/units/${unit}/evidence?from=${from}&to=${to}`,
    { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await (res.status === 200 ? '' : res.text()));
  const bytes = Buffer.from(await res.arrayBuffer());
  fs.writeFileSync(file, bytes);
  return { type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes };
}

function extract(tar, into) {
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  return run('tar', ['-xf', tar, '-C', into]).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    const [bag] = fs.readdirSync(into);
    return path.join(into, bag);
  });
}

test('a unit\'s footage exports as a signed bag that ecc-verify checks and tampering fails', async (t) => {
  const tsa = await startTsa(fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-tsa-')));
  cleanup(t, async () => { await tsa.stop(); fs.rmSync(path.dirname(tsa.ca), { recursive: true, force: true }); });
  const { hub, dir, token } = await stack(t, 'evid', { evidence: { tsa_url: tsa.url, tsa_timeout: 3 } });
  const gw = await startGateway(hub, dir, { segmentSeconds: 2 });
  cleanup(t, () => gw.proc.stopClean());
  const r0 = await addUnit(hub, token, { id: 'bc-7', name: '执行一组 7', kind: 'bodycam' });
  const units = [{ id: 'bc-7', kind: 'bodycam', username: r0.mqtt.username, password: r0.mqtt.password,
    camera: { width: 320, height: 180, fps: 25, bitrate: 300, codec: 'h264', audio: 'aac' } }];
  const file = path.join(dir, 'units.json');
  fs.writeFileSync(file, JSON.stringify(units));
  const sim = new Proc('ecc-devsim', BIN.devsim, ['--units', file, '--mqtt-port', String(hub.broker.port),
    '--events-every', '0', '--rtsp-port', String(await freePort())], { env: SLOW_UNWIND });
  cleanup(t, () => sim.stopClean());

  const segs = await waitFor(async () => {
    const s = await segments(hub, token, 'bc-7');
    return s.length >= 4 && s;
  }, { timeout: 60000, what: 'four recorded segments of bc-7' });
  const from = segs[0].t0 - 1, to = segs[3].t1 + 1;
  const inRange = (await segments(hub, token, 'bc-7')).filter((s) => s.t1 > from && s.t0 < to);
  t.diagnostic(`${inRange.length} segments in range, ${inRange.reduce((a, s) => a + s.bytes, 0)} bytes`);

  // The court's key, as the CLI prints it.
  const keyOut = await hub.cli(['evidence-key']);
  assert.equal(keyOut.code, 0, keyOut.stderr);
  const pubkey = keyOut.stdout.split('\n')[0];
  assert.match(pubkey, /^[A-Za-z0-9+/]{43}=$/);
  assert.match(keyOut.stdout, /fingerprint SHA256:[0-9a-f]{64}/);
  const keyFile = path.join(dir, 'evidence.key');
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'the key file is private');

  // ---- the export, and ecc-verify on the tar and on the extracted bag ----
  const tar = path.join(dir, 'bc-7.tar');
  const got = await exportTo(hub, token, 'bc-7', from, to, tar);
  assert.equal(got.type, 'application/x-tar');
  assert.match(got.disposition, /^attachment; filename="ecc-evidence_bc-7_\d{8}-\d{6}_\d{8}-\d{6}\.tar"$/);
  let v = await verify(tar, pubkey);
  t.diagnostic(v.stdout.trim());
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /verified/);
  assert.match(v.stdout, new RegExp(`chain of ${inRange.length} links`));

  const bag = await extract(tar, path.join(dir, 'x1'));
  v = await verify(bag, pubkey);
  assert.equal(v.code, 0, v.stdout);

  // The layout and the manifest format exactly as RFC 8493 has them; the
  // hashes check with an independent tool (sha256sum reads the same lines).
  assert.equal(fs.readFileSync(path.join(bag, 'bagit.txt'), 'utf8'),
    'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  for (const f of ['data/positions.geojson', 'data/events.json', 'data/audit.json', 'data/chain.json',
    'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt', 'signature.ed25519']) {
    assert.ok(fs.existsSync(path.join(bag, f)), f);
  }
  const manifest = fs.readFileSync(path.join(bag, 'manifest-sha256.txt'), 'utf8');
  const lines = manifest.split('\n');
  assert.equal(lines.pop(), '', 'the manifest ends with a newline');
  for (const l of lines) assert.match(l, /^[0-9a-f]{64} {2}data\/[^\s]+$/, l);
  const payload = fs.readdirSync(path.join(bag, 'data/segments'));
  assert.equal(payload.length, inRange.length);
  for (const p of payload) assert.match(p, /^bc-7_\d{8}-\d{6}\.\d{3}_r\d+\.mp4$/, p);
  assert.equal(lines.length, payload.length + 4, 'every payload file is listed once');
  const tagLines = fs.readFileSync(path.join(bag, 'tagmanifest-sha256.txt'), 'utf8').trimEnd().split('\n');
  assert.deepEqual(tagLines.map((l) => l.slice(66)).sort(), ['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt', 'timestamp.tsr']);
  for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
    const c = await run('sha256sum', ['--strict', '-c', m], { cwd: bag });
    assert.equal(c.code, 0, `${m}: ${c.stdout}${c.stderr}`);
  }
  const info = fs.readFileSync(path.join(bag, 'bag-info.txt'), 'utf8');
  assert.match(info, new RegExp(`^ECC-Signer-Public-Key: ${pubkey.replace(/[+/]/g, '\\$&')}$`, 'm'));
  assert.match(info, /^ECC-Unit: bc-7$/m);
  assert.match(info, /^ECC-Exported-By: admin \(admin\)$/m);
  assert.match(info, /^ECC-From: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/m);
  const oxum = info.match(/^Payload-Oxum: (\d+)\.(\d+)$/m);
  assert.equal(Number(oxum[2]), payload.length + 4);
  assert.doesNotMatch(info, /Altered-Before-Export/);
  // the chain: recomputed here too, from the recorded hashes, in t0 order
  const chain = JSON.parse(fs.readFileSync(path.join(bag, 'data/chain.json'), 'utf8'));
  let prev = Buffer.alloc(32);
  inRange.sort((a, b) => a.t0 - b.t0 || a.id - b.id).forEach((s, i) => {
    prev = crypto.createHash('sha256').update(prev).update(Buffer.from(s.sha256, 'hex')).digest();
    assert.equal(chain.links[i].segment_sha256, s.sha256);
    assert.equal(chain.links[i].link, prev.toString('hex'));
  });
  assert.match(info, new RegExp(`^ECC-Chain-Head: ${prev.toString('hex')}$`, 'm'));
  // the signature is libsodium's detached Ed25519 over the tag manifest
  const sig = fs.readFileSync(path.join(bag, 'signature.ed25519'));
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pubkey, 'base64')]);
  assert.ok(crypto.verify(null, fs.readFileSync(path.join(bag, 'tagmanifest-sha256.txt')),
    crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig), 'Ed25519 signature');
  // the audit excerpt holds this very export
  const audit = JSON.parse(fs.readFileSync(path.join(bag, 'data/audit.json'), 'utf8')).audit;
  assert.ok(audit.some((a) => a.action === 'evidence.export' && a.target === 'unit:bc-7' && a.actor === 'admin'));
  const geo = JSON.parse(fs.readFileSync(path.join(bag, 'data/positions.geojson'), 'utf8'));
  assert.equal(geo.type, 'FeatureCollection');

  // ---- the RFC 3161 time-stamp over the payload manifest ----
  assert.ok(tsa.requests >= 1, 'the hub asked the TSA');
  assert.match(info, new RegExp(`^ECC-Timestamp: timestamp\\.tsr \\(RFC 3161, over the SHA-256 of manifest-sha256\\.txt, from ${tsa.url.replace(/[.]/g, '\\.')}, at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)$`, 'm'));
  v = await verify(tar, pubkey, '--tsa-ca', tsa.ca);
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /^ok {3}time-stamp: manifest-sha256\.txt existed at \S+ \(TSA .*ECC test TSA.*, its signature checked against /m);
  t.diagnostic(v.stdout.split('\n').find((l) => /time-stamp/.test(l)));
  // OpenSSL's own verifier agrees, with the TSA's CA
  const ots = await run('openssl', ['ts', '-verify', '-data', path.join(bag, 'manifest-sha256.txt'),
    '-in', path.join(bag, 'timestamp.tsr'), '-CAfile', tsa.ca]);
  assert.equal(ots.code, 0, ots.stdout + ots.stderr);
  assert.match(ots.stdout, /Verification: OK/);
  // another CA's word is not the TSA's: the signature fails
  v = await verify(tar, pubkey, '--tsa-ca', tsa.otherCa);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, /^FAIL time-stamp: timestamp\.tsr: the token does not check/m);

  // ---- tampering, each on a fresh copy ----
  const seg1 = path.join('data/segments', payload[1]);
  // one byte of one segment
  let b = await extract(tar, path.join(dir, 'x2'));
  const fd = fs.openSync(path.join(b, seg1), 'r+');
  const one = Buffer.alloc(1);
  fs.readSync(fd, one, 0, 1, 100);
  one[0] ^= 0x01;
  fs.writeSync(fd, one, 0, 1, 100);
  fs.closeSync(fd);
  v = await verify(b, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, new RegExp(`^FAIL altered: ${seg1.replace(/\./g, '\\.')} `, 'm'));
  assert.match(v.stdout, new RegExp(`^FAIL chain: link 2 \\(${seg1.replace(/\./g, '\\.')}\\) is broken`, 'm'));
  t.diagnostic(`one byte changed:\n${v.stdout.trim()}`);
  // one segment deleted
  b = await extract(tar, path.join(dir, 'x3'));
  fs.rmSync(path.join(b, seg1));
  v = await verify(b, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, new RegExp(`^FAIL missing: ${seg1.replace(/\./g, '\\.')} `, 'm'));
  // a file added
  b = await extract(tar, path.join(dir, 'x4'));
  fs.writeFileSync(path.join(b, 'data/segments/extra.mp4'), 'not evidence');
  v = await verify(b, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, /^FAIL added: data\/segments\/extra\.mp4 /m);
  // the manifest rewritten to hide an altered file: the signature fails
  b = await extract(tar, path.join(dir, 'x5'));
  fs.appendFileSync(path.join(b, seg1), 'x');
  const h = crypto.createHash('sha256').update(fs.readFileSync(path.join(b, seg1))).digest('hex');
  const m2 = manifest.replace(new RegExp(`^[0-9a-f]{64}(  ${seg1.replace(/\./g, '\\.')})$`, 'm'), `${h}$1`);
  fs.writeFileSync(path.join(b, 'manifest-sha256.txt'), m2);
  v = await verify(b, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, /^FAIL altered: manifest-sha256\.txt /m);
  // another key: given with --key, and a package re-signed by another key
  const other = crypto.generateKeyPairSync('ed25519');
  const otherPub = other.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
  v = await verify(tar, otherPub);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, /^FAIL signature: bag-info\.txt names signer SHA256:[0-9a-f]{64}, not the key given$/m);
  b = await extract(tar, path.join(dir, 'x6'));
  fs.writeFileSync(path.join(b, 'signature.ed25519'),
    crypto.sign(null, fs.readFileSync(path.join(b, 'tagmanifest-sha256.txt')), other.privateKey));
  v = await verify(b, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, /^FAIL signature: signature\.ed25519 does not verify tagmanifest-sha256\.txt/m);
  v = await verify(b); // without --key: checked against bag-info's key, and it says so
  assert.notEqual(v.code, 0);

  // ---- a segment altered on the gateway's disk before the export ----
  const victim = inRange[2];
  const onDisk = path.join(gw.recordings, victim.path);
  const fd2 = fs.openSync(onDisk, 'r+');
  fs.writeSync(fd2, Buffer.from('TAMPERED'), 0, 8, 200);
  fs.closeSync(fd2);
  // and the TSA is down by now: the package goes out without a time-stamp
  await tsa.stop();
  const tar2 = path.join(dir, 'bc-7-after.tar');
  await exportTo(hub, token, 'bc-7', from, to, tar2);
  const b2 = await extract(tar2, path.join(dir, 'x7'));
  const info2 = fs.readFileSync(path.join(b2, 'bag-info.txt'), 'utf8');
  assert.match(info2, new RegExp(`^ECC-Timestamp-Failed: ${tsa.url.replace(/[.]/g, '\\.')}: .+$`, 'm'));
  assert.ok(!fs.existsSync(path.join(b2, 'timestamp.tsr')));
  assert.match(info2, new RegExp(`^ECC-Altered-Before-Export: data/segments/\\S+_r${victim.id}\\.mp4 \\(recording ${victim.id}, recorded ${victim.sha256}, file [0-9a-f]{64}\\)$`, 'm'));
  v = await verify(tar2, pubkey);
  assert.notEqual(v.code, 0);
  assert.match(v.stdout, new RegExp(`^FAIL chain: link 3: data/segments/\\S+_r${victim.id}\\.mp4 has SHA-256`, 'm'));
  assert.match(v.stdout, /^FAIL declared by the exporting hub: ECC-Altered-Before-Export: /m);
  assert.match(v.stdout, /^note no time-stamp: the TSA failed at export: /m);
  t.diagnostic(`altered on disk:\n${v.stdout.trim()}`);
  v = await verify(tar2, pubkey, '--tsa-ca', tsa.ca);
  assert.match(v.stdout, /^FAIL time-stamp: --tsa-ca given, but the package has none: the TSA failed at export: /m);
  // and the hub's own audit says so too
  const log = await waitFor(async () => {
    const a = (await request(hub, 'GET', '/api/v1/audit?limit=50', { token })).json;
    const rows = (a.audit || a.entries || a.rows || []).filter((x) => x.action === 'evidence.exported');
    return rows.length >= 2 && rows;
  }, { what: 'both exports audited' });
  assert.ok(log.some((x) => /does not match its recorded SHA-256/.test(x.detail)), JSON.stringify(log));
  assert.ok(log.some((x) => JSON.parse(x.detail).timestamp), 'the time-stamp of the first export is audited');
  assert.ok(log.some((x) => JSON.parse(x.detail).timestamp_failed), 'and the TSA\'s failure of the second');

  // ---- roles and ranges ----
  const officer = await addUser(hub, token, 'off1', 'officer', { team: 'A' });
  let r = await request(hub, 'GET', `/api/v1/units/bc-7/evidence?from=${from}&to=${to}`, { token: officer });
  assert.equal(r.status, 403);
  const judge = await addUser(hub, token, 'judge1', 'judge');
  const tar3 = path.join(dir, 'judge.tar');
  await exportTo(hub, judge, 'bc-7', from, to, tar3);
  v = await verify(tar3, pubkey);
  assert.notEqual(v.code, 0, 'the altered segment is still declared');
  for (const q of [`from=${to}&to=${from}`, `from=${from}`, 'from=abc&to=5', `from=0&to=${to}`]) {
    r = await request(hub, 'GET', `/api/v1/units/bc-7/evidence?${q}`, { token });
    assert.equal(r.status, 400, q);
  }
  r = await request(hub, 'GET', `/api/v1/units/nope/evidence?from=${from}&to=${to}`, { token });
  assert.equal(r.status, 404);
});
