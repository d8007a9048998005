// Permission profiles in a real Chromium: the profiles page, a user's
// permissions block, and the console as a manager sees it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, call, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


test('profiles are created, edited and deleted from their page, predefined ones kept (fr)', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  p.on('dialog', (dialog) => dialog.accept());
  await signIn(p);
  await p.click('[data-nav=profiles]');
  const table = p.locator('table[data-profiles]');
  await table.waitFor();
  const presets = table.locator('tbody tr', { hasText: 'prédéfini' });
  assert.equal(await presets.count(), 6, 'the six predefined profiles');
  assert.equal(await presets.locator('input[type=checkbox]').count(), 0, 'predefined profiles cannot be selected for deletion');

  const run = Date.now().toString(36);
  await p.click('button:text-is("Nouveau profil")');
  const form = p.locator('form[data-profile-form=new]');
  await form.locator('input[name=name]').fill(`Lecteurs ${run}`);
  await form.locator('label', { hasText: 'Voir les statistiques' }).locator('input').check();
  await form.locator('button[type=submit]').click();
  const row = table.locator('tbody tr', { hasText: `Lecteurs ${run}` });
  await row.waitFor();
  assert.match(await row.textContent(), /Voir les statistiques/);

  // Edited with the pencil: the permissions it gives change.
  await row.locator('button[aria-label^="Modifier"]').click();
  const edit = p.locator('form[data-profile-form]:not([data-profile-form=new])');
  await edit.locator('label', { hasText: 'Voir les activités' }).locator('input').check();
  await p.screenshot({ path: `${ARTIFACTS}profile-edit.png` });
  await edit.locator('button[type=submit]').click();
  await p.waitForFunction((name) => [...document.querySelectorAll('table[data-profiles] tbody tr')]
    .some((tr) => tr.textContent.includes(name) && tr.textContent.includes('Voir les activités')), `Lecteurs ${run}`);

  // Deleted as a selection.
  await table.locator('tbody tr', { hasText: `Lecteurs ${run}` }).locator('input[type=checkbox]').check();
  await p.click('[data-delete-selected]');
  await p.waitForFunction((name) => ![...document.querySelectorAll('table[data-profiles] tbody tr')]
    .some((tr) => tr.textContent.includes(name)), `Lecteurs ${run}`);
  assert.deepEqual(problems, []);
});

test("a user's permissions show each one's origin and save with a perimeter", async () => {
  const { p, problems } = await open(browser, 'en-GB');
  await signIn(p);
  const run = Date.now().toString(36);
  const made = (await call(p, 'POST', '/users', { last_name: `Trainee ${run}`, email: `trainee.${run}@demo.example` })).body;
  await p.goto(`${BASE}/#/users/${made.id}`);
  const block = p.locator('[data-user-permissions]');
  await block.waitFor();
  await block.locator('[data-user-profiles] label', { hasText: 'Trainer' }).locator('input').check();
  // The trainer profile's permissions get their P at once.
  await p.waitForFunction(() => document.querySelector('tr[data-permission=see_users] td.origin').textContent === 'P');
  assert.equal(await block.locator('tr[data-permission=see_statistics] td.origin').textContent(), '');
  await block.locator('tr[data-permission=import_invitations] input').check();
  await block.locator('select[name=groups]').selectOption({ label: 'Ventes Lyon' });
  await block.locator('input[name=all_bases]').check();
  await p.screenshot({ path: `${ARTIFACTS}user-permissions.png`, fullPage: true });
  await block.locator('button[type=submit]').click();
  await p.locator('.toast', { hasText: 'Permissions saved.' }).waitFor();

  const held = (await call(p, 'GET', `/users/${made.id}/permissions`)).body;
  const origin = (code) => held.effective.find((o) => o.permission === code);
  assert.equal(origin('see_users').profiles.length, 1);
  assert.equal(origin('see_users').personal, false);
  assert.equal(origin('import_invitations').personal, true);
  assert.equal(held.perimeter.all_bases, true);
  assert.equal(held.perimeter.groups.length, 1);
  assert.deepEqual(problems, []);
});

test('a manager sees only what their profile gives, inside their group', async () => {
  const { p, problems } = await open(browser, 'en-GB');
  await signIn(p, 'manager@demo.example');
  const shown = await p.$$eval('[data-nav]', (links) => links.filter((a) => !a.hidden).map((a) => a.dataset.nav));
  assert.ok(shown.includes('users') && shown.includes('activities'), shown.join());
  for (const hidden of ['dashboard', 'groups', 'tags', 'import', 'outbox', 'profiles']) {
    assert.ok(!shown.includes(hidden), `${hidden} is not offered: ${shown.join()}`);
  }
  // The directory lists the Paris sales team only.
  const ids = await p.$$eval('table tbody tr[data-user-id]', (rows) => rows.map((r) => Number(r.dataset.userId)));
  const groups = (await call(p, 'GET', '/groups')).body.items;
  const paris = groups.find((g) => g.name === 'Ventes Paris').id;
  for (const id of ids.slice(0, 5)) {
    const user = (await call(p, 'GET', `/users/${id}`)).body;
    assert.ok(user.groups.some((g) => g.id === paris), `${id} is in Ventes Paris`);
  }
  // A page the profile does not give says what is missing instead of failing.
  await p.goto(`${BASE}/#/dashboard`);
  const denied = p.locator('[data-denied=see_statistics]');
  await denied.waitFor();
  assert.match(await denied.textContent(), /See statistics|Voir les statistiques/);
  assert.deepEqual(problems.filter((m) => !m.includes('403')), []);
});

test('an administrator gives a profile to ticked users in one action, and a manager is not offered it', async () => {
  const { p, problems } = await open(browser, 'en-GB');
  await signIn(p);
  const name = `Profiled${Date.now().toString(36)}`;
  const ids = [];
  for (const n of [1, 2]) {
    ids.push((await call(p, 'POST', '/users', { last_name: name, first_name: `N${n}`, email: `${name.toLowerCase()}.${n}@demo.example` })).body.id);
  }
  await p.goto(`${BASE}/#/users?q=${name}`);
  await p.locator('tr[data-user-id]').nth(1).waitFor();
  for (const id of ids) await p.check(`input[data-select="${id}"]`);
  await p.selectOption('select[name=bulk-action]', 'profiles');
  await p.selectOption('select[name=bulk-change]', 'add');
  await p.locator('[data-bulk-named] label', { hasText: 'Manager' }).locator('input').check();
  await p.click('[data-bulk-apply]');
  await p.locator('[data-bulk-result] [data-applied="2"]').waitFor();
  for (const id of ids) {
    const held = (await call(p, 'GET', `/users/${id}/permissions`)).body;
    assert.equal(held.profiles.length, 1, `user ${id} holds the profile`);
  }
  assert.deepEqual(problems, []);

  const manager = await open(browser, 'en-GB');
  await signIn(manager.p, 'manager@demo.example');
  const offered = await manager.p.$$eval('select[name=bulk-action] option', (options) => options.map((o) => o.value));
  assert.ok(!offered.includes('profiles') && !offered.includes('delete'), offered.join());
});
