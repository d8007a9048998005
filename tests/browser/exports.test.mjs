// Exports in the console, in a real Chromium: the list built into a file
// in the page, and the dashboard of server exports with its notice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import XLSX from 'xlsx';
import { launch, open, signIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the filtered list is exported as XLSX built in the page, with every page of it', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  await p.selectOption('select[name=status]', 'inactive');
  await p.waitForFunction(() => [...document.querySelectorAll('tbody .badge')].every((b) => b.classList.contains('inactive')));
  const sent = [];
  p.on('request', (r) => { if (r.method() !== 'GET') sent.push(r.url()); });
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('button[data-export=xlsx]')]);
  assert.equal(download.suggestedFilename(), 'users.xlsx');
  const status = await p.textContent('[data-export-status]');
  const rows = Number(status.match(/(\d+) users/)[1]);

  const book = XLSX.read(readFileSync(await download.path()));
  const table = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
  const header = table[0];
  assert.ok(header.includes('Status') && header.includes('Logins (12 months)'), header.join(', '));
  assert.equal(table.length - 1, rows, 'every user of the filter, beyond the page on screen');
  assert.ok(rows > 50);
  const statusColumn = header.indexOf('Status');
  assert.ok(table.slice(1).every((r) => r[statusColumn] === 'deactivated'));
  assert.deepEqual(sent, [], 'the file is built in the page');
  assert.deepEqual(problems, []);
});

test('the dashboard requests an export, follows it live and offers its three files', async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  await p.click('a[data-nav=jobs]');
  const [answer] = await Promise.all([
    p.waitForResponse((r) => r.url().endsWith('/api/v1/exports') && r.request().method() === 'POST'),
    p.click('button[data-request-export=csv]'),
  ]);
  const { id } = await answer.json();
  await p.locator(`tr[data-job-id="${id}"]`).waitFor();
  const row = p.locator(`tr[data-job-id="${id}"][data-status=done]`);
  await row.waitFor({ timeout: 60_000 });
  const links = row.locator('a[download]');
  assert.deepEqual(await links.allTextContents(), ['active-users.csv', 'deactivated-users.csv', 'pending-invitations.csv']);
  const [download] = await Promise.all([p.waitForEvent('download'), links.first().click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\r\n')[0], /^\uFEFFNom,Prénom,.*,Statut,/);

  await p.click('a[data-nav=outbox]');
  const message = p.locator('article.message', { hasText: id });
  await message.waitFor();
  assert.match(await message.textContent(), /Votre export des utilisateurs est prêt/);
  assert.match(await message.textContent(), new RegExp(`#/jobs/${id}`));
  await p.screenshot({ path: new URL('artifacts/outbox.png', import.meta.url).pathname });
  assert.deepEqual(problems, []);
});

test("a group's members are exported from the groups page and followed on the dashboard (fr)", async () => {
  const { p, problems } = await open(browser, 'fr-FR');
  await signIn(p);
  await p.click('[data-nav=groups]');
  const row = p.locator('tr[data-item-id]', { hasText: 'Ventes Paris' });
  await row.locator('[data-export-group]').click();
  await p.waitForURL(/#\/jobs\//);
  const job = p.locator('tr.highlight');
  await job.waitFor();
  assert.match(await job.textContent(), /Membres de Ventes Paris \(XLSX\)/);
  const file = job.locator('a', { hasText: 'group-members.xlsx' });
  await file.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([p.waitForEvent('download'), file.click()]);
  const book = XLSX.read(readFileSync(await download.path()));
  const rows = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
  assert.equal(book.SheetNames[0], 'Membres des groupes');
  const groups = rows[0].indexOf('Groupes');
  assert.ok(rows.length > 1 && rows.slice(1).every((r) => String(r[groups]).includes('Ventes Paris')), 'every row is a member');
  assert.deepEqual(problems, []);
});
