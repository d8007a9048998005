// Bulk actions in a real Chromium: ticked rows or every user matching the
// filters, the confirmation, the outcome per reason and the report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Makes `count` users called `name` through the API; resolves to their ids. */
function makeUsers(p, name, count) {
  return p.evaluate(async ({ name, count }) => {
    const ids = [];
    for (let n = 0; n < count; n += 1) {
      const email = `${name.toLowerCase().replace(/\W/g, '')}.${n}@demo.example`;
      const r = await fetch('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ last_name: name, first_name: `N${n}`, email }) });
      ids.push((await r.json()).id);
    }
    return ids;
  }, { name, count });
}

const statusOf = (p, id) => p.evaluate(async (id) => (await (await fetch(`/api/v1/users/${id}`)).json()).status, id);

test('ticked users are activated, then all matching are deleted after the count is confirmed (French)', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  const name = `Lot${Date.now().toString(36)}`;
  const ids = await makeUsers(p, name, 3);
  await p.goto(`${new URL(p.url()).origin}/#/users?q=${name}`);
  await p.locator('tr[data-user-id]').nth(2).waitFor();

  // Tick two rows: the bar counts them; activate them.
  await p.check(`input[data-select="${ids[0]}"]`);
  await p.check(`input[data-select="${ids[1]}"]`);
  assert.equal((await p.textContent('[data-selection-count]')).trim(), '2 sélectionnés');
  await p.selectOption('select[name=bulk-action]', 'activate');
  await p.click('[data-bulk-apply]');
  await p.locator('[data-bulk-result] [data-applied="2"]').waitFor();
  assert.match(await p.textContent('[data-bulk-result]'), /Appliqué à 2 utilisateur/);
  assert.equal(await statusOf(p, ids[0]), 'active');
  assert.equal(await statusOf(p, ids[2]), 'created');

  // Activating the whole page again: the two active ones are skipped, with the reason.
  await p.check('input[data-select-page]');
  await p.click('[data-bulk-apply]');
  await p.locator('[data-bulk-result] [data-applied="1"]').waitFor();
  assert.match(await p.textContent('[data-bulk-result] li[data-reason=already_active]'), /2 ignorés : déjà actif/);
  const report = p.locator('[data-bulk-report]');
  assert.match(await report.getAttribute('href'), /\/api\/v1\/bulk-actions\/[^/]+\/files\/rapport-action\.xlsx$/);
  const [download] = await Promise.all([p.waitForEvent('download'), report.click()]);
  assert.equal(download.suggestedFilename(), 'rapport-action.xlsx');

  // Every user matching the search: deletion names the count first; stepping back changes nothing.
  await p.click('[data-select-all]');
  assert.match(await p.textContent('[data-selection-count]'), /Tous les utilisateurs/);
  await p.selectOption('select[name=bulk-action]', 'delete');
  await p.click('[data-bulk-apply]');
  const dialog = p.locator('dialog[data-bulk-dialog]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Supprimer 3 utilisateur/);
  await p.screenshot({ path: `${ARTIFACTS}bulk-confirm.png` });
  await dialog.locator('text=Annuler').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await statusOf(p, ids[2]), 'active');
  await p.click('[data-bulk-apply]');
  await p.click('dialog [data-bulk-confirm]');
  await p.locator('[data-bulk-result] [data-applied="3"]').waitFor();
  await p.locator('td', { hasText: 'Aucun utilisateur ne correspond.' }).waitFor();
  assert.equal(await statusOf(p, ids[0]), 'deleted');
  assert.deepEqual(problems, []);
});

test('a user page deactivates its user and activates them again', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  const [id] = await makeUsers(p, `Solo${Date.now().toString(36)}`, 1);
  await p.goto(`${new URL(p.url()).origin}/#/users/${id}`);
  await p.click('[data-user-action=activate]');
  await p.locator('[data-user-action=deactivate]').waitFor();
  assert.equal(await statusOf(p, id), 'active');
  await p.click('[data-user-action=deactivate]');
  await p.locator('[data-user-action=activate]').waitFor();
  assert.equal(await statusOf(p, id), 'inactive');
  assert.match(await p.textContent('h1'), /Deactivated/);
  assert.deepEqual(problems, []);
});

test('an activation gives the ticked administrators a password they sign in with', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  const run = Date.now().toString(36);
  const email = `kiosk.${run}@demo.example`;
  const made = await p.evaluate(async (body) => (await fetch('/api/v1/users', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })).json(), { last_name: `Kiosk ${run}`, email, role: 'team_admin' });
  await p.goto(`${BASE}/#/users?q=${encodeURIComponent(email)}`);
  await p.locator(`tr[data-user-id="${made.id}"] input[type=checkbox]`).check();
  await p.selectOption('select[name=bulk-action]', 'activate');
  await p.check('input[name=bulk-with-password]');
  await p.fill('input[name=bulk-password]', 'short');
  await p.click('[data-bulk-apply]');
  await p.locator('[data-bulk-result] .error', { hasText: '10 characters' }).waitFor();
  await p.fill('input[name=bulk-password]', `kiosque-${run}`);
  await p.click('[data-bulk-apply]');
  await p.locator('[data-bulk-result] [data-applied="1"]').waitFor();
  const signed = await p.evaluate(async (body) => (await fetch('/api/v1/session', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit',
  })).status, { email, password: `kiosque-${run}` });
  assert.equal(signed, 201);
  assert.deepEqual(problems, []);
});

test('a password reset from the user page sends a link whose page sets a new password, in French', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  const run = Date.now().toString(36);
  const email = `reset.${run}@demo.example`;
  const call = (method, path, body) => p.evaluate(async ([method, path, body]) => {
    const answer = await fetch(`/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return answer.json();
  }, [method, path, body]);
  const made = await call('POST', '/users', { last_name: `Réinit ${run}`, email, role: 'team_admin', language: 'fr' });
  await call('POST', '/users/bulk', { action: 'activate', users: [made.id] });
  await p.goto(`${BASE}/#/users/${made.id}`);
  await p.click('[data-user-action=reset_password]');
  await p.click('[data-bulk-confirm]');
  await p.locator('.toast', { hasText: '1' }).waitFor();
  const outbox = await call('GET', `/outbox?recipient=${encodeURIComponent(email)}`);
  const link = outbox.items[0].body.match(/#\/password\/(\S+)/)[1];
  assert.match(outbox.items[0].subject, /mot de passe/);

  // The person opens the link in a browser of their own.
  const visitor = await open(browser, 'fr-FR');
  await visitor.p.goto(`${BASE}/#/password/${link}`);
  await visitor.p.fill('input[name=password]', 'court');
  await visitor.p.click('button[type=submit]');
  await visitor.p.locator('[data-field=password]', { hasText: '10 caractères' }).waitFor();
  await visitor.p.fill('input[name=password]', `nouveau-${run}`);
  await visitor.p.click('button[type=submit]');
  await visitor.p.locator('[data-password-set]').waitFor();
  const signed = await visitor.p.evaluate(async (body) => (await fetch('/api/v1/session', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })).status, { email, password: `nouveau-${run}` });
  assert.equal(signed, 201);
  assert.deepEqual([...problems, ...visitor.problems], []);
});
