// Checking user import files in the console, in a real Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, signIn } from './support.mjs';

const FIXTURES = new URL('../../crates/roster-core/tests/fixtures/sheets/', import.meta.url).pathname;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function importPage(locale = 'en-GB') {
  const { p, problems } = await open(browser, locale);
  await signIn(p);
  await p.click('a[data-nav=import]');
  await p.waitForSelector('input[name=file]');
  return { p, problems };
}

async function check(p, file) {
  const sent = [];
  p.on('request', (r) => { if (r.method() !== 'GET') sent.push(r.url()); });
  await p.setInputFiles('input[name=file]', file);
  await p.waitForSelector('[data-outcome], [data-report] .error');
  return sent;
}

test('a French Excel CSV is checked in the browser with its remark on row and column', async () => {
  const { p, problems } = await importPage();
  const sent = await check(p, `${FIXTURES}excel-fr.csv`);
  assert.equal(await p.getAttribute('[data-outcome]', 'data-outcome'), 'failed');
  const remark = p.locator('tr[data-severity=blocking]');
  assert.equal(await remark.count(), 1);
  assert.match(await remark.textContent(), /^3preferred_channel/);
  assert.deepEqual(sent, [], 'nothing is sent to check a file');
  assert.deepEqual(problems, []);
});

test('the change plan shows updates of existing users field by field', async () => {
  const { p } = await importPage();
  const dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
  const file = join(dir, 'users.csv');
  const stamp = Date.now().toString(36);
  writeFileSync(file, `last_name;email;user_type;department;groups\r\nAdmin;admin@demo.example;collaborateur;Board ${stamp};Comité ${stamp}\r\nNew;new-${stamp}@demo.example;externe;;Comité ${stamp.toUpperCase()}\r\n`);
  await check(p, file);
  assert.equal(await p.getAttribute('[data-outcome]', 'data-outcome'), 'succeeded');
  assert.match(await p.textContent('[data-plan]'), /1 user to create, 1 to update, 0 unchanged, 1 group to create/);
  assert.match(await p.textContent('body'), new RegExp(`department: .* → Board ${stamp}`));
});

test('a zip bomb is refused with its reason and the page stays usable', async () => {
  const { p, problems } = await importPage();
  await check(p, `${FIXTURES}bomb.xlsx`);
  assert.match(await p.textContent('[data-report] .error'), /inflates/);
  await p.setInputFiles('input[name=file]', `${FIXTURES}openpyxl-users.xlsx`);
  await p.waitForSelector('[data-outcome]');
  assert.deepEqual(problems, []);
});

test('the sample file downloads and checks cleanly, in French', async () => {
  const { p } = await importPage('fr-FR');
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('text=Télécharger le fichier exemple')]);
  const path = join(mkdtempSync(join(tmpdir(), 'roster-sample-')), download.suggestedFilename());
  await download.saveAs(path);
  await check(p, path);
  assert.equal(await p.getAttribute('[data-outcome]', 'data-outcome'), 'succeeded');
  // Its rows may match people other tests created: creations and updates together make three.
  assert.match(await p.textContent('.summary'), /3 lignes, 0 problème bloquant/);
});

test('a checked file is imported on the server with progress, then listed', async () => {
  const { p, problems } = await importPage();
  const dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
  const stamp = Date.now().toString(36);
  const file = join(dir, `équipe ${stamp}.csv`);
  writeFileSync(file, `Nom;Prénom;Adresse mail;Type\r\nImported${stamp};Ana;ana.${stamp}@demo.example;collaborateur\r\n`);
  await check(p, file);
  assert.equal(await p.getAttribute('[data-outcome]', 'data-outcome'), 'succeeded');
  await p.click('[data-action=import]');
  await p.waitForSelector('[data-job]', { timeout: 60000 });
  assert.equal(await p.getAttribute('[data-job]', 'data-job'), 'done');
  assert.match(await p.textContent('[data-job]'), /1 user created/);
  await p.click('[data-job] a');
  await p.fill('input[name=q]', `imported${stamp}`);
  await p.waitForSelector(`tr[data-user-id]:has-text("Imported${stamp} Ana")`);
  assert.deepEqual(problems, []);
});

test('the report downloads as CSV and XLSX with the remarks', async () => {
  const { p } = await importPage();
  await check(p, `${FIXTURES}excel-fr.csv`);
  const [csv] = await Promise.all([p.waitForEvent('download'), p.click('[data-download=csv]')]);
  const csvPath = join(mkdtempSync(join(tmpdir(), 'roster-report-')), csv.suggestedFilename());
  await csv.saveAs(csvPath);
  const text = readFileSync(csvPath, 'utf8');
  assert.ok(text.startsWith('\ufeffRow,Column,Severity,Message\r\n'), text);
  assert.match(text, /3,preferred_channel,blocking,The SMS channel needs a mobile number/);
  const [xlsx] = await Promise.all([p.waitForEvent('download'), p.click('[data-download=xlsx]')]);
  assert.equal(xlsx.suggestedFilename(), 'import-report.xlsx');
  const xlsxPath = join(mkdtempSync(join(tmpdir(), 'roster-report-')), 'r.xlsx');
  await xlsx.saveAs(xlsxPath);
  assert.equal(readFileSync(xlsxPath).subarray(0, 2).toString(), 'PK');
});

test('in French, a PDF named .xlsx is refused for what it is, and a formatted workbook checks cleanly', async () => {
  const { p, problems } = await importPage('fr-FR');
  await check(p, `${FIXTURES}report-pdf.xlsx`);
  const refusal = await p.textContent('[data-report] .error');
  assert.match(refusal, /Ce fichier n’est pas un tableur : c’est un document PDF/);
  assert.doesNotMatch(refusal, /\b(the|is|file|spreadsheet)\b/i, 'nothing left in English');
  // Mobiles typed as numbers under formats, padded ids and dates, as LibreOffice saves them.
  await p.setInputFiles('input[name=file]', `${FIXTURES}shown-libreoffice.xlsx`);
  await p.waitForSelector('[data-outcome]');
  assert.equal(await p.getAttribute('[data-outcome]', 'data-outcome'), 'succeeded');
  assert.equal(await p.locator('tr[data-severity=blocking]').count(), 0);
  assert.deepEqual(problems, []);
});
