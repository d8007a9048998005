// Invitation files in a real Chromium: the sample and hostile files checked
// in the browser against the company's snapshot, a clean file scheduled by
// the server; the company settings page turning the import on and off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'roster-invitations-'));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A day `days` from now, `YYYY-MM-DD`. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function file(name, text) {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

/** Calls the API from the page, with its session. */
function call(p, method, path, body) {
  return p.evaluate(async ([method, path, body]) => {
    const r = await fetch(`/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }, [method, path, body]);
}

async function checkFile(p, path) {
  await p.setInputFiles('input[name=file]', path);
  await p.waitForSelector('[data-outcome], [data-report] .error');
  return p.getAttribute('[data-outcome]', 'data-outcome');
}

test('an invitation file is checked in the browser, then scheduled by the server', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  const run = Date.now().toString(36);
  const made = await call(p, 'POST', '/activities', { type: 'module', title: `Plan ${run}`, base: 'Plans' });
  assert.equal(made.status, 201);
  await p.click('a[data-nav="invitation-import"]');
  await p.waitForSelector('input[name=file]');
  const sent = [];
  p.on('request', (r) => { if (r.method() !== 'GET') sent.push(r.url()); });

  // The sample file, made in the browser, validates against the demo company.
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: /sample/ }).click()]);
  const outcome = await checkFile(p, await download.path());
  assert.notEqual(outcome, 'failed', await p.textContent('[data-report]'));
  assert.ok(await p.locator('table[data-planned] tbody tr').count() >= 3);
  assert.match(await p.textContent('[data-plan]'), /^\d+ invitations for \d+ people, in \d+ batches/);

  // Every problem at once, each on its row and column.
  const bad = file('bad.csv', [
    'type,activity,groups,user,start,start_until,resend_every,remind_after',
    `cycle,Onboarding — Cycle,Managers,,${day(3)} 09:00,${day(9)} 09:00,7 days,`,
    `module,Plan ${run},No such group ${run},,01/01/2020 09:00,${day(9)} 09:00,,`,
    `survey,Plan ${run},Managers,,${day(3)} 09:00,${day(9)} 09:00,,`,
    `module,Plan ${run},Managers,,31/02/2027 09:00,${day(9)} 09:00,,fortnight`,
  ].join('\n'));
  assert.equal(await checkFile(p, bad), 'failed');
  const at = (row, column) => p.locator(`tr[data-severity=blocking][data-row="${row}"][data-column="${column}"]`).count();
  assert.equal(await at(2, 'resend_every'), 1, 'a cycle takes no resend period');
  assert.equal(await at(3, 'groups'), 1, 'an unknown group');
  assert.equal(await at(3, 'start'), 1, 'a start in the past');
  assert.equal(await at(4, 'type'), 1, 'not of the type the row gives');
  assert.equal(await at(5, 'start'), 1, 'a day that does not exist');
  assert.equal(await at(5, 'remind_after'), 1, 'not a period');
  assert.equal(await p.locator('[data-action=import]').count(), 0, 'a blocked file cannot be sent');
  assert.deepEqual(sent, [], 'nothing is sent to check a file');

  // A clean file: one row inviting the administrator, scheduled by the server.
  const clean = file('clean.csv', [
    'Type;Activité;Groupes;Utilisateur;Démarrage;Fin de la période de démarrage;Période de rappel',
    `module;Plan ${run};;admin@demo.example;${day(2)}T09:00;${day(8)} 18h00;2 jours`,
  ].join('\n'));
  assert.equal(await checkFile(p, clean), 'succeeded');
  assert.equal(await p.getAttribute('table[data-planned] tbody tr', 'data-recipients'), '1');
  await p.click('[data-action=import]');
  await p.waitForSelector('[data-job]', { timeout: 30_000 });
  assert.equal(await p.getAttribute('[data-job]', 'data-job'), 'done');
  assert.match(await p.textContent('[data-summary]'), /1 of 1 invitations scheduled for 1 people in 1 batches/);
  await p.screenshot({ path: `${ARTIFACTS}invitation-import-done.png` });
  const invitations = await call(p, 'GET', `/activities/${made.body.id}/invitations`);
  assert.equal(invitations.body.items.length, 1);
  assert.equal(invitations.body.items[0].schedule.remind_after_days, 2);
  assert.deepEqual(problems, []);
});

test('in French, and only once a company administrator turns it on', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p, 'admin@acme.example', 'Acme');
  assert.equal(await p.isVisible('a[data-nav="invitation-import"]'), false, 'Acme has it off');
  await p.click('a[data-nav=settings]');
  await p.waitForSelector('form[data-settings]');
  assert.match(await p.textContent('h1'), /Paramètres de l’entreprise/);
  await p.check('input[name=invitation_file_import]');
  await p.click('form[data-settings] button[type=submit]');
  await p.waitForSelector('a[data-nav="invitation-import"]:visible');
  await p.click('a[data-nav="invitation-import"]');
  await p.waitForSelector('input[name=file]');
  assert.match(await p.textContent('main'), /fuseau de l’entreprise, Europe\/Paris/);
  const bad = file('mauvais.csv', `Type;Activité;Groupes;Démarrage;Fin de la période de démarrage\nmodule;Inconnue;;demain;${day(5)} 09:00\n`);
  assert.equal(await checkFile(p, bad), 'failed');
  assert.match(await p.textContent('tr[data-row="2"][data-column="activity"]'), /Aucune activité de l’entreprise/);
  await p.screenshot({ path: `${ARTIFACTS}invitation-import-fr.png` });

  await p.goto(`${BASE}/#/settings`);
  await p.waitForSelector('form[data-settings]');
  await p.uncheck('input[name=invitation_file_import]');
  await p.click('form[data-settings] button[type=submit]');
  await p.waitForSelector('a[data-nav="invitation-import"]', { state: 'hidden' });
  assert.deepEqual(problems, []);
});
