// The demo's live work: a case with a field operation under way (its site
// on the map, two units on it, their recordings chained as evidence) and an
// urgent tip waiting for dispatch, so the wall shows what a duty officer
// handles. Usage: node scripts/demo-seed.mjs BASE_URL ADMIN_PASSWORD
import { randomBytes } from 'node:crypto';

const [base, password] = process.argv.slice(2);

async function call(method, path, token, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const day = (d) => new Date(Date.now() + 8 * 3600000 - d * 86400000).toISOString().slice(0, 10);
const { token } = await call('POST', '/login', null, { username: 'admin', password });
const { case: kase } = await call('POST', '/cases', token, {
  number: `（${day(0).slice(0, 4)}）黑0781执801号`, filed_on: day(20), team: '执行1组',
  applicants: ['南岔县农村信用合作联社'], respondents: ['王某某'], amount: 386000,
});
const site = { type: 'circle', lat: 47.138, lon: 129.286, radius_m: 1500 };
const { operation } = await call('POST', '/operations', token, {
  case_id: kase.id, type: 'seizure', title: '查封被执行人车辆', team: '执行1组', site,
  units: ['bc-01', 'hh-02'], planned_start: Date.now(), planned_end: Date.now() + 2 * 3600000,
});
await call('POST', `/operations/${operation.id}/start`, token);
const { incident } = await call('POST', '/incidents', token, {
  source: 'party', summary: '申请执行人报告：被执行人车辆停在此处', lat: 47.131, lon: 129.301,
  case: kase.id, urgency: 'urgent',
});
// An officer whose phone is a unit: the handheld page (/m/) in any browser
// with a camera reports its position, takes instructions, raises SOS and
// publishes its camera as unit hh-phone.
const phonePassword = `Ecc-${randomBytes(6).toString('base64url')}9`;
await call('POST', '/units', token, { id: 'hh-phone', name: '张伟的手机', kind: 'handheld', team: '执行1组' });
await call('POST', '/users', token, {
  username: 'zhangwei', password: phonePassword, role: 'officer', display_name: '张伟', team: '执行1组', unit: 'hh-phone',
});
console.log(`case ${kase.number}, operation #${operation.id} under way (bc-01, hh-02), urgent incident #${incident.id}`);
console.log(`handheld login: zhangwei / ${phonePassword}`);
