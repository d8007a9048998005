// Insights in a real Chromium: two charts of twelve months, their data
// and picture downloads, and the list behind a month.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { call, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('two charts of twelve months, their data as CSV and the list of a month (fr)', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  await p.click('[data-nav=insights]');
  const mau = p.locator('[data-insight=mau]');
  await mau.waitFor();
  assert.equal(await mau.locator('svg g[data-key]').count(), 12);
  assert.equal(await p.locator('[data-insight=maa] svg g[data-key]').count(), 12);
  assert.match(await mau.textContent(), /connexion ou une participation/, 'the definition, in French');
  const figures = (await call(p, 'GET', '/insights')).body.months;
  const last = figures[11];
  assert.equal(
    (await mau.locator(`g[data-key="${last.month}"] text`).first().textContent()).replace(/\u202f/g, ''),
    String(last.active_users));
  await p.screenshot({ path: `${ARTIFACTS}insights.png`, fullPage: true });

  await mau.locator('summary').click();
  const [data] = await Promise.all([p.waitForEvent('download'), mau.locator('[data-download=data]').click()]);
  assert.equal(data.suggestedFilename(), 'mau-12-months.csv');
  const lines = readFileSync(await data.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'Mois,Utilisateurs actifs mensuels,Comptes actifs mensuels');
  assert.equal(lines.length, 13);
  assert.equal(lines[12], `${last.month},${last.active_users},${last.active_accounts}`);

  // The picture made in the page is the very file the server makes.
  const [picture] = await Promise.all([p.waitForEvent('download'), mau.locator('[data-download=chart]').click()]);
  assert.equal(picture.suggestedFilename(), 'mau-12-months.png');
  const drawn = readFileSync(await picture.path());
  await picture.saveAs(`${ARTIFACTS}mau-12-months.png`);
  const served = await p.evaluate(async () => {
    const resp = await fetch('/api/v1/insights/mau.png?language=fr', { credentials: 'same-origin' });
    return { status: resp.status, type: resp.headers.get('content-type'), bytes: [...new Uint8Array(await resp.arrayBuffer())] };
  });
  assert.equal(served.status, 200);
  assert.equal(served.type, 'image/png');
  assert.equal(drawn.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');
  assert.ok(drawn.equals(Buffer.from(served.bytes)), 'the same PNG bytes in the browser and on the server');

  await mau.locator('[data-download=users]').click();
  await p.waitForURL(/#\/jobs\//);
  const file = p.locator('tr.highlight a', { hasText: 'monthly-active.csv' });
  await file.waitFor({ timeout: 60_000 });
  assert.deepEqual(problems, []);
});
