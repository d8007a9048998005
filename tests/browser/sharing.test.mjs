// Groups shared with a partner company, in a real Chromium: the owner
// shares by the partner's code, the partner sees the group as shared and
// cannot rename it, and the owner's members export hides the partner's
// addresses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import XLSX from 'xlsx';
import { call, launch, open, signIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a group is shared with a partner by its code, each side seeing its own (fr)', async () => {
  const acme = await open(browser, 'fr-FR');
  await signIn(acme.p, 'admin@acme.example', 'Acme');
  await acme.p.click('a[data-nav=groups]');
  const shown = acme.p.locator('[data-partner-code]');
  await shown.filter({ hasText: /^[0-9a-f]{4}-/ }).waitFor();
  const code = (await shown.textContent()).trim();
  assert.match(code, /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);

  const demo = await open(browser, 'fr-FR');
  await signIn(demo.p);
  const name = `Projet commun ${Date.now()}`;
  assert.equal((await call(demo.p, 'POST', '/groups', { name })).status, 201);
  await demo.p.click('a[data-nav=groups]');
  const row = demo.p.locator('tr[data-item-id]', { hasText: name });
  await row.locator('[data-share]').click();
  const form = row.locator('form[data-share-group]');
  await form.locator('input[name=partner-code]').fill('0000-0000-0000');
  await form.locator('button[type=submit]').click();
  await form.locator('.error', { hasText: 'Aucune entreprise n’a ce code partenaire' }).waitFor();
  await form.locator('input[name=partner-code]').fill(code.toUpperCase());
  await form.locator('button[type=submit]').click();
  await row.locator('[data-partner=Acme]', { hasText: 'Partagé avec Acme (0 de ses membres)' }).waitFor();
  const newcomers = demo.p.locator('tr[data-item-id]', { hasText: 'Projet partenaires' });
  assert.match(await newcomers.locator('[data-partner=Acme]').textContent(), /Partagé avec Acme \(\d+ de ses membres\)/);
  await demo.p.screenshot({ path: new URL('artifacts/groups-shared.png', import.meta.url).pathname, fullPage: true });

  await acme.p.reload();
  const theirs = acme.p.locator('tr[data-item-id]', { hasText: name });
  await theirs.locator('[data-shared-by=Demo]', { hasText: 'Partagé par Demo' }).waitFor();
  assert.equal(await theirs.locator('button', { hasText: 'Renommer' }).count(), 0, 'only the owner renames');
  assert.equal(await theirs.locator('[data-share]').count(), 0);

  // The owner's export of the partners' project: Acme's members without address nor department.
  await newcomers.locator('[data-export-group]').click();
  await demo.p.waitForURL(/#\/jobs\//);
  const file = demo.p.locator('tr.highlight a', { hasText: 'group-members.xlsx' });
  await file.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([demo.p.waitForEvent('download'), file.click()]);
  const book = XLSX.read(readFileSync(await download.path()));
  const rows = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1, defval: '' });
  const [email, department, note] = ['Adresse mail', 'Service', 'Remarque'].map((h) => rows[0].indexOf(h));
  assert.ok(email >= 0 && department >= 0 && note >= 0, String(rows[0]));
  const partners = rows.slice(1).filter((r) => r[note]);
  assert.ok(partners.length >= 3, 'Acme’s members are listed');
  assert.ok(partners.every((r) => r[email] === '' && r[department] === '' && /^Membre de l’entreprise Acme : adresse e-mail, service et activité non communiqués$/.test(r[note])));
  assert.ok(!JSON.stringify(rows).includes('@acme.example'));

  // Stopping the sharing takes the group away from Acme.
  demo.p.once('dialog', (d) => d.accept());
  await demo.p.click('a[data-nav=groups]');
  await demo.p.locator('tr[data-item-id]', { hasText: name }).locator('[data-unshare=Acme]').click();
  await demo.p.locator('tr[data-item-id]', { hasText: name }).locator('[data-partner]').waitFor({ state: 'detached' });
  await acme.p.reload();
  await acme.p.locator('table[data-list=groups]').waitFor();
  assert.equal(await acme.p.locator('tr[data-item-id]', { hasText: name }).count(), 0);
  assert.deepEqual([...acme.problems, ...demo.problems], []);
});
