// The README's configuration reference names every key the hub reads, with
// the default the hub really uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, SOURCE, execFileP } from '../lib/harness.mjs';

test('README documents every configuration key and its default', async () => {
  const readme = fs.readFileSync(path.join(SOURCE, 'README.md'), 'utf8');
  const { stdout } = await execFileP(BIN.hub, ['config', 'keys']);
  const keys = stdout.replace(/\n$/, '').split('\n').map((l) => [...l.split('\t'), ''].slice(0, 2));
  assert.ok(keys.length > 30);
  for (const [name, def] of keys) {
    const dot = name.lastIndexOf('.');
    const key = `\`[${name.slice(0, dot)}] ${name.slice(dot + 1)}\``;
    const row = readme.split('\n').find((l) => l.startsWith(`| ${key} |`));
    assert.ok(row, `README names ${key}`);
    const cell = row.split('|')[2].trim();
    if (name === 'hub.www' || name === 'cases.calendars') continue; // build-dependent
    if (def === '') assert.match(cell, /empty|required/, `${key} default`);
    else assert.equal(cell, `\`${def}\``, `${key} default`);
  }
});
