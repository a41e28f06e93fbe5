// A real RFC 3161 time-stamping authority on loopback, for tests: OpenSSL's
// own (`openssl ts -reply`, one process per request) behind a small HTTP
// server that speaks the protocol's POST (application/timestamp-query in,
// application/timestamp-reply out). Its CA and TSA certificates are made
// here (P-256, the TSA's with the critical timeStamping usage RFC 3161
// asks for), and a second, unrelated CA for checks that must fail.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export async function startTsa(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const ssl = (...args) => execFileP('openssl', args, { cwd: dir });
  const ca = async (name, cn) => ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${cn}`, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  await ca('ca', 'ECC test TSA CA');
  await ca('other', 'Some other CA');
  await ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key',
    '-out', 'tsa.csr', '-subj', '/CN=ECC test TSA');
  fs.writeFileSync(path.join(dir, 'tsa.ext'),
    'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n');
  await ssl('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'tsa.crt', '-days', '2', '-extfile', 'tsa.ext');
  const conf = path.join(dir, 'tsa.cnf');
  fs.writeFileSync(conf, `[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = ${path.join(dir, 'serial')}\n`
    + `crypto_device = builtin\nsigner_cert = ${path.join(dir, 'tsa.crt')}\ncerts = ${path.join(dir, 'ca.crt')}\n`
    + `signer_key = ${path.join(dir, 'tsa.key')}\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n`
    + 'digests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\n'
    + 'ess_cert_id_alg = sha256\n');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');

  const tsa = { ca: path.join(dir, 'ca.crt'), otherCa: path.join(dir, 'other.crt'), requests: 0 };
  let n = 0;
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end('a time-stamp query, please');
        return;
      }
      const q = path.join(dir, `q${++n}.tsq`), r = path.join(dir, `r${n}.tsr`);
      fs.writeFileSync(q, Buffer.concat(parts));
      try {
        await ssl('ts', '-reply', '-config', conf, '-queryfile', q, '-out', r);
        tsa.requests++;
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(fs.readFileSync(r));
      } catch (e) {
        res.writeHead(500).end(String(e.stderr || e.message));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${server.address().port}/tsr`;
  tsa.stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return tsa;
}
