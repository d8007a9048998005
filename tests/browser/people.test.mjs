// The user page's editing, the dashboard and the mass-action guard, in a
// real Chromium against the runtime `cargo xtask test` starts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Calls the API from the page, with its session: status and body. */
const call = (p, method, path, body) => p.evaluate(async ([method, path, body]) => {
  const answer = await fetch(`/api/v1${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, body: await answer.json() };
}, [method, path, body]);

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
