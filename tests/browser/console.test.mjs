// The console in a real Chromium, against the runtime `cargo xtask test` starts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, PASSWORD, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const page = (locale) => open(browser, locale);

test('an admin signs in, creates a user and finds it in the list', async () => {
  const { p, problems } = await page();
  await signIn(p);
  await p.click('text=New user');
  await p.waitForSelector('input[name=last_name]');

  // The core, running in the page, reports mistakes before anything is sent.
  await p.fill('input[name=email]', 'not-an-email');
  await p.click('button[type=submit]');
  assert.match(await p.textContent('#email-error'), /not valid/);
  assert.match(await p.textContent('#last_name-error'), /required/);

  const lastName = `Browser${Date.now().toString(36)}`;
  await p.fill('input[name=last_name]', lastName);
  await p.fill('input[name=first_name]', 'Zoé');
  await p.fill('input[name=email]', `${lastName.toLowerCase()}@demo.example`);
  // 07 8x xx xx xx is a French mobile range whatever the clock says (07 0…–07 2… are not).
  const digits = `8${String(Date.now()).slice(-7)}`;
  await p.fill('input[name=mobile]', `07 ${digits}`);
  await p.screenshot({ path: `${ARTIFACTS}new-user.png` });
  await p.click('button[type=submit]');

  // Back on the list, filtered on the new user.
  await p.waitForSelector(`tr[data-user-id]:has-text("${lastName} Zoé")`);
  const row = p.locator('tr[data-user-id]', { hasText: lastName });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Created/);
  assert.match(await row.textContent(), new RegExp(`\\+337${digits}`));

  // Searching by another spelling finds it too.
  await p.fill('input[name=q]', `zoe ${lastName.toUpperCase()}`);
  await p.waitForFunction((n) => document.querySelectorAll('tr[data-user-id]').length === 1
    && document.querySelector('tr[data-user-id]').textContent.includes(n), lastName);
  await p.screenshot({ path: `${ARTIFACTS}users.png` });
  assert.deepEqual(problems, []);
});

test('the server refuses an address already taken and says so on the field', async () => {
  const { p } = await page();
  await signIn(p);
  await p.goto(`${BASE}/#/users/new`);
  await p.fill('input[name=last_name]', 'Twin');
  await p.fill('input[name=email]', 'admin@demo.example');
  await p.click('button[type=submit]');
  await p.waitForFunction(() => document.querySelector('#email-error').textContent.length > 0);
  assert.match(await p.textContent('#email-error'), /already has this e-mail/);
});

test('the console speaks French to a French browser and can switch', async () => {
  const { p, problems } = await page('fr-FR');
  await p.goto(BASE);
  await p.waitForSelector('text=Connexion à Roster');
  await p.fill('input[name=email]', 'admin@demo.example');
  await p.fill('input[name=password]', 'wrong-password');
  await p.click('button[type=submit]');
  await p.waitForSelector('.error:has-text("incorrect")');
  await p.fill('input[name=password]', PASSWORD);
  await p.click('button[type=submit]');
  // This address administers Demo and Globex: the console asks which.
  await p.click('[data-choose-company] button:text-is("Demo")');
  await p.waitForSelector('h1:has-text("Utilisateurs")');
  await p.selectOption('select[name=status]', 'inactive');
  await p.waitForFunction(() => [...document.querySelectorAll('tr[data-user-id] .badge')].every((b) => b.textContent === 'Désactivé'));
  await p.screenshot({ path: `${ARTIFACTS}users-fr.png` });
  await p.click('button[data-lang=en]');
  await p.waitForSelector('h1:has-text("Users")');
  assert.deepEqual(problems, []);
});

test('pages move forward and back through the directory', async () => {
  const { p } = await page();
  await signIn(p);
  const first = await p.textContent('tr[data-user-id]');
  await p.click('text=Next page');
  await p.waitForSelector('text=Page 2');
  assert.notEqual(await p.textContent('tr[data-user-id]'), first);
  await p.click('text=Previous page');
  await p.waitForSelector('text=Page 1');
  assert.equal(await p.textContent('tr[data-user-id]'), first);
});

test('filters and orders narrow the directory, and the address keeps them (fr)', async () => {
  const { p, problems } = await page('fr-FR');
  await signIn(p);
  const roles = () => p.$$eval('tr[data-user-id] td:nth-child(6)', (cells) => cells.map((c) => c.textContent));
  await p.selectOption('select[name=role]', 'team_admin');
  await p.waitForFunction(() => location.hash.includes('role=team_admin'));
  await p.waitForFunction(() => document.querySelectorAll('tr[data-user-id]').length > 0
    && [...document.querySelectorAll('tr[data-user-id] td:nth-child(6)')].every((c) => c.textContent === 'Admin d\'équipe'));
  assert.ok((await roles()).length >= 2);

  // Never signed in, newest first: every row's last access is blank.
  await p.selectOption('select[name=role]', '');
  await p.selectOption('select[name=access]', 'never');
  await p.selectOption('select[name=sort]', 'created');
  await p.waitForFunction(() => location.hash.includes('last_access=never') && location.hash.includes('sort=created'));
  // The address changes at once; the rows once the page answered: wait for newest first.
  await p.waitForFunction(() => {
    const ids = [...document.querySelectorAll('tr[data-user-id]')].map((r) => Number(r.dataset.userId));
    return ids.length > 1 && ids.every((id, i) => i === 0 || ids[i - 1] > id);
  });
  assert.ok(await p.$$eval('tr[data-user-id] td:last-child', (cells) => cells.every((c) => c.textContent === '—')));

  // A day for "since": the day input appears, and the list follows.
  await p.selectOption('select[name=access]', 'accessed_since');
  assert.equal(await p.isVisible('input[name=access-day]'), true);
  await p.fill('input[name=access-day]', '2026-06-01');
  await p.waitForFunction(() => location.hash.includes('accessed_since=2026-06-01'));
  await p.waitForFunction(() => [...document.querySelectorAll('tr[data-user-id] td:last-child')].every((c) => c.textContent !== '—'));

  // Reloading the address gives the same filters back.
  await p.reload();
  await p.waitForSelector('tr[data-user-id]');
  assert.equal(await p.inputValue('select[name=access]'), 'accessed_since');
  assert.equal(await p.inputValue('input[name=access-day]'), '2026-06-01');
  assert.equal(await p.inputValue('select[name=sort]'), 'created');
  assert.deepEqual(problems, []);
});

// Groups in English, tags in French: the same list page serves both.
for (const kind of [
  { list: 'groups', lang: 'en', title: 'Groups', create: 'Create group', taken: 'already has this name', rename: 'Rename', save: 'Save', del: 'Delete' },
  { list: 'tags', lang: 'fr', title: 'Étiquettes', create: 'Créer l’étiquette', taken: 'porte déjà ce nom', rename: 'Renommer', save: 'Enregistrer', del: 'Supprimer' },
]) {
  test(`${kind.list} are created, renamed and deleted from the console (${kind.lang})`, async () => {
    const { p, problems } = await page();
    await signIn(p);
    await p.click(`[data-lang=${kind.lang}]`);
    await p.click(`a[data-nav=${kind.list}]`);
    await p.waitForSelector(`h1:has-text("${kind.title}")`);
    const name = `Team ${Date.now().toString(36)}`;
    const rows = `[data-list=${kind.list}] tr[data-item-id]`;
    await p.fill('input[name=name]', name);
    await p.click(`text=${kind.create}`);
    await p.locator(rows, { hasText: name }).waitFor();
    const id = await p.locator(rows, { hasText: name }).getAttribute('data-item-id');
    const row = p.locator(`[data-list=${kind.list}] tr[data-item-id="${id}"]`);

    await p.fill('input[name=name]', name.toUpperCase());
    await p.click(`text=${kind.create}`);
    await p.waitForSelector(`.error:has-text("${kind.taken}")`);

    await row.locator(`text=${kind.rename}`).click();
    await row.locator('input:not([type=checkbox])').fill(`${name} renamed`);
    await row.locator(`text=${kind.save}`).click();
    const renamed = p.locator(`[data-list=${kind.list}] tr[data-item-id="${id}"]`, { hasText: `${name} renamed` });
    await renamed.waitFor();
    await p.screenshot({ path: `${ARTIFACTS}${kind.list}.png` });

    p.once('dialog', (d) => d.accept());
    await renamed.locator(`text=${kind.del}`).click();
    await row.waitFor({ state: 'detached' });
    await p.click('[data-lang=en]');
    assert.deepEqual(problems, []);
  });
}

test('a user page puts a tag on and takes it off', async () => {
  const { p, problems } = await page();
  await signIn(p);
  const run = Date.now().toString(36);
  const made = await p.evaluate(async (run) => {
    const post = async (path, body) => (await fetch(`/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    return { tag: await post('/tags', { name: `Buddy ${run}` }), user: await post('/users', { last_name: `Tagged ${run}`, first_name: 'Léa', email: `lea.tagged.${run}@demo.example` }) };
  }, run);
  await p.goto(`${new URL(p.url()).origin}/#/users/${made.user.id}`);
  const box = p.locator('[data-user-tags]');
  await box.locator('text=No tag.').waitFor();
  await box.locator('select').selectOption(String(made.tag.id));
  await box.locator('text=Add a tag').click();
  await box.locator(`li[data-tag-id="${made.tag.id}"]`, { hasText: `Buddy ${run}` }).waitFor();
  // The server agrees, and the tags page counts the user.
  const shown = await p.evaluate(async (id) => (await (await fetch(`/api/v1/users/${id}`)).json()).tags, made.user.id);
  assert.deepEqual(shown.map((t) => t.name), [`Buddy ${run}`]);
  await box.locator(`button[aria-label="Take off “Buddy ${run}”"]`).click();
  await box.locator('text=No tag.').waitFor();
  await p.click('a[data-nav=tags]');
  const row = p.locator(`[data-list=tags] tr[data-item-id="${made.tag.id}"]`);
  await row.waitFor();
  assert.equal((await row.locator('td').nth(1).textContent()).trim(), '0');
  assert.deepEqual(problems, []);
});

test('names with markup are shown as text, never run', async () => {
  const { p } = await page();
  await signIn(p);
  const marker = `X${Date.now().toString(36)}`;
  const evil = `<img src=x onerror="window.__owned=1">${marker}`;
  const created = await p.evaluate(async (lastName) => {
    const r = await fetch('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ last_name: lastName, email: `${Date.now()}@xss.example` }) });
    return r.status;
  }, evil);
  assert.equal(created, 201);
  await p.fill('input[name=q]', marker);
  await p.waitForSelector(`tr[data-user-id]:has-text("${marker}")`);
  assert.equal(await p.evaluate(() => window.__owned), undefined);
  assert.equal(await p.locator('tr[data-user-id] img').count(), 0);
});

test('an address administering two companies chooses one, in French', async () => {
  const { p, problems } = await page('fr-FR');
  await p.goto(BASE);
  await p.fill('input[name=email]', 'admin@demo.example');
  await p.fill('input[name=password]', PASSWORD);
  await p.click('button[type=submit]');
  await p.waitForSelector('[data-choose-company]');
  assert.equal(await p.textContent('[data-choose-company] h1'), 'Choisissez une entreprise');
  const names = await p.$$eval('[data-choose-company] button', (buttons) => buttons.map((b) => b.textContent));
  assert.deepEqual(names, ['Demo', 'Globex']);
  await p.screenshot({ path: `${ARTIFACTS}choose-company-fr.png` });
  await p.click('[data-choose-company] button:text-is("Globex")');
  await p.waitForSelector('table tbody tr[data-user-id]');
  assert.equal(await p.textContent('[data-company]'), 'Globex');
  assert.deepEqual(problems, []);
});
