// The user page's editing, the dashboard and the mass-action guard, in a
// real Chromium against the runtime `cargo xtask test` starts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, call, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


test('a user is edited from their page, with the field errors of creation (fr)', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  const run = Date.now().toString(36);
  const other = (await call(p, 'POST', '/users', { last_name: `Autre ${run}`, email: `autre.${run}@demo.example` })).body;
  const made = (await call(p, 'POST', '/users', {
    last_name: `Modifiée ${run}`, first_name: 'Inès', email: `ines.${run}@demo.example`, department: 'Ventes',
  })).body;
  await p.goto(`${BASE}/#/users/${made.id}`);
  await p.click('[data-user-action=edit]');
  const form = p.locator('form[data-user-form=edit]');
  await form.waitFor();
  assert.equal(await form.locator('input[name=department]').inputValue(), 'Ventes', 'the form shows their details');

  // Another user's address: the server says so on the field, in French, and nothing changes.
  await form.locator('input[name=email]').fill(other.email);
  await form.locator('button[type=submit]').click();
  await p.waitForFunction(() => document.querySelector('#email-error').textContent.length > 0);
  assert.match(await p.textContent('#email-error'), /déjà cette adresse/);

  // A new name and an emptied department are saved.
  await form.locator('input[name=email]').fill(made.email);
  await form.locator('input[name=last_name]').fill(`Renommée ${run}`);
  await form.locator('input[name=department]').fill('');
  await p.screenshot({ path: `${ARTIFACTS}edit-user.png` });
  await form.locator('button[type=submit]').click();
  await p.locator('h1', { hasText: `Inès Renommée ${run}` }).waitFor();
  const saved = (await call(p, 'GET', `/users/${made.id}`)).body;
  assert.equal(saved.last_name, `Renommée ${run}`);
  assert.equal(saved.department, null);

  // Their own role is not offered to the administrator.
  const me = (await call(p, 'GET', '/session')).body.user.id;
  await p.goto(`${BASE}/#/users/${me}/edit`);
  await p.locator('form[data-user-form=edit]').waitFor();
  assert.equal(await p.locator('select[name=role]').isDisabled(), true);
  assert.deepEqual(problems, []);
});

test('the dashboard shows licences, people by status, activities and storage (en, fr)', async () => {
  for (const [locale, words] of [['en-GB', /used of/], ['fr-FR', /utilisées sur/]]) {
    const { p, problems } = await open(browser, locale);
    await signIn(p);
    await p.click('a[data-nav=dashboard]');
    await p.locator('[data-tile=licences]').waitFor();
    const figures = (await call(p, 'GET', '/company/dashboard')).body;
    assert.match(await p.locator('[data-tile=licences]').textContent(), words);
    assert.equal(await p.locator('[data-tile=licences] [data-available]').getAttribute('data-available'), String(figures.licences.available));
    const active = (await p.locator('[data-tile=users] tr[data-status=active] td.number').textContent()).replace(/\D/g, '');
    assert.equal(active, String(figures.users.active));
    await p.screenshot({ path: `${ARTIFACTS}dashboard-${locale}.png` });
    // A status leads to the directory filtered on it.
    await p.click('[data-tile=users] tr[data-status=inactive] a');
    await p.waitForFunction(() => location.hash.includes('status=inactive'));
    await p.locator('tr[data-user-id]').first().waitFor();
    assert.deepEqual(problems, []);
    await p.context().close();
  }
});

test('the mass-action guard is set in the settings and refused out of range', async () => {
  const { p, problems } = await open(browser);
  await signIn(p, 'admin@initech.example', 'Initech');
  await p.click('a[data-nav=settings]');
  const users = p.locator('input[name=mass_action_guard_users]');
  await users.waitFor();
  assert.equal(await users.inputValue(), '1000');
  await p.fill('input[name=mass_action_guard_percent]', '150');
  await p.click('[data-settings] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-settings] .error').textContent.length > 0);
  assert.match(await p.textContent('[data-settings] .error'), /outside the allowed range/);
  await p.fill('input[name=mass_action_guard_percent]', '10');
  await p.fill('input[name=mass_action_guard_users]', '500');
  await p.click('[data-settings] button[type=submit]');
  await p.waitForFunction(async () => (await (await fetch('/api/v1/company/settings')).json()).mass_action_guard_users === 500);
  await call(p, 'PATCH', '/company/settings', { mass_action_guard_users: 1000 });
  assert.deepEqual(problems, []);
});

test('the matrix gathers ticks across pages and saves or cancels them together; the group view too (fr)', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  const run = Date.now().toString(36);
  const group = (await call(p, 'POST', '/groups', { name: `Matrice ${run}` })).body;
  const users = [];
  for (const n of [1, 2]) {
    users.push((await call(p, 'POST', '/users', { last_name: `Matrice ${run} ${n}`, email: `matrice.${run}.${n}@demo.example` })).body);
  }
  const members = async () => (await call(p, 'GET', `/groups/matrix?group=${group.id}`)).body.items.map((u) => u.id).sort();

  await p.click('a[data-nav=groups]');
  await p.click('a[data-matrix-link]');
  await p.locator('table[data-matrix=all]').waitFor();
  await p.fill('input[name=q]', `matrice ${run}`);
  await p.locator('tr[data-user-id]').nth(1).waitFor();
  const box = (user) => p.locator(`tr[data-user-id="${user.id}"] input[data-group="${group.id}"]`);
  await box(users[0]).check();
  await box(users[1]).check();
  await p.locator('[data-pending="2"]').waitFor();
  // Cancel drops them all: nothing was sent.
  await p.click('text=Annuler les changements');
  await p.locator('[data-pending="0"]').waitFor();
  assert.equal(await box(users[0]).isChecked(), false);
  assert.deepEqual(await members(), []);
  // Ticked again, then saved together.
  await box(users[0]).check();
  await box(users[1]).check();
  await p.screenshot({ path: `${ARTIFACTS}matrix.png` });
  await p.click('text=Enregistrer les changements');
  await p.locator('.toast', { hasText: '2 ajouts' }).waitFor();
  assert.deepEqual(await members(), users.map((u) => u.id).sort());

  // The group's own view: members only, one box each; unticking one and saving takes them out.
  await p.goto(`${BASE}/#/groups/${group.id}`);
  await p.locator('table[data-matrix=group]').waitFor();
  await p.check('input[name=members-only]');
  await p.locator(`tr[data-user-id="${users[1].id}"]`).waitFor();
  assert.equal(await p.locator('table[data-matrix=group] tbody tr').count(), 2);
  await box(users[1]).uncheck();
  await p.click('text=Enregistrer les changements');
  await p.locator('.toast', { hasText: '1 retrait' }).waitFor();
  assert.deepEqual(await members(), [users[0].id]);

  // Archived from a selection on the groups page, it leaves every picker.
  await p.goto(`${BASE}/#/groups`);
  await p.locator(`tr[data-item-id="${group.id}"] input[type=checkbox]`).check();
  await p.click('[data-selection=groups] button:text-is("Archiver")');
  await p.locator(`tr[data-item-id="${group.id}"] .badge`).waitFor();
  await p.goto(`${BASE}/#/groups/matrix`);
  await p.locator('table[data-matrix=all] thead th').nth(2).waitFor();
  assert.equal(await p.locator(`table[data-matrix=all] thead th:text-is("Matrice ${run}")`).count(), 0);
  await p.goto(`${BASE}/#/users`);
  await p.locator('select[name=group]').waitFor();
  assert.equal(await p.locator(`select[name=group] option:text-is("Matrice ${run}")`).count(), 0);
  assert.deepEqual(problems, []);
});

test('a user page hands their activities over to another creator, after confirming', async () => {
  const { p, problems } = await open(browser);
  await signIn(p, 'admin@acme.example', 'Acme');
  const run = Date.now().toString(36);
  const me = (await call(p, 'GET', '/session')).body.user;
  const heir = (await call(p, 'POST', '/users', { last_name: `Heir ${run}`, first_name: 'Noé', email: `heir.${run}@acme.example` })).body;
  const mine = (await call(p, 'GET', `/users/${me.id}`)).body.activities_created;
  assert.ok(mine > 0);
  await p.goto(`${BASE}/#/users/${me.id}`);
  await p.locator(`[data-user-activities="${mine}"]`).waitFor();
  // Nobody is chosen by default.
  await p.click('text=Transfer the activities');
  await p.locator('[data-user-activities] .error', { hasText: 'Choose the creator' }).waitFor();
  await p.fill('input[name=transfer-search]', `heir ${run}`);
  // The search leaves the heir alone in the list.
  await p.waitForFunction((id) => {
    const options = [...document.querySelectorAll('select[name=transfer-to] option')].filter((o) => o.value);
    return options.length === 1 && options[0].value === String(id);
  }, heir.id);
  await p.selectOption('select[name=transfer-to]', String(heir.id));
  p.once('dialog', (d) => { assert.match(d.message(), new RegExp(`all ${mine} activities`)); d.accept(); });
  await p.click('text=Transfer the activities');
  await p.locator('[data-user-activities="0"]').waitFor();
  assert.equal((await call(p, 'GET', `/users/${heir.id}`)).body.activities_created, mine);
  // Handed back, so that the company is as it was.
  assert.equal((await call(p, 'POST', `/users/${heir.id}/transfer`, { to: me.id })).body.transferred, mine);
  assert.deepEqual(problems, []);
});
