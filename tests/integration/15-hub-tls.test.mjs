// TLS with a configured certificate: the hub speaks HTTPS and WSS (phones
// give camera and location only to secure origins), and the session cookie
// is marked Secure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import https from 'node:https';
import WebSocket from 'ws';
import { once } from 'node:events';
import { startBroker, startHub, execFileP, tmpDir } from '../lib/harness.mjs';

function get(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, rejectUnauthorized: false, headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body) req.end(body); else req.end();
  });
}

test('HTTPS and WSS with a configured certificate', async (t) => {
  const dir = tmpDir('tls');
  const cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem');
  await execFileP('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-keyout', key, '-out', cert]);
  const broker = await startBroker(dir);
  // The harness polls /health over plain HTTP; with TLS on, poll over HTTPS.
  const hub = await startHub(broker, dir, { hub: { tls_cert: cert, tls_key: key } }, { noHealth: true });
  t.after(async () => { await hub.proc.stopClean(); await broker.stop(); });
  const base = `https://127.0.0.1:${hub.port}`;
  const h = await get(`${base}/api/v1/health`);
  assert.equal(h.status, 200);
  const r = await get(`${base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: hub.adminPassword }) });
  assert.equal(r.status, 200);
  assert.match(r.headers['set-cookie'][0], /; Secure/);
  const token = JSON.parse(r.text).token;
  const ws = new WebSocket(`wss://127.0.0.1:${hub.port}/ws`, 'ecc.v1',
    { rejectUnauthorized: false, headers: { authorization: `Bearer ${token}` } });
  const [msg] = await once(ws, 'message');
  assert.equal(JSON.parse(msg.toString()).type, 'hello');
  ws.close();
  const page = await get(`${base}/login`);
  assert.equal(page.status, 200);
  assert.match(page.text, /执行指挥中心/);
});
