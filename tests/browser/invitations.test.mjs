// Inviting people in a real Chromium: a pasted list previewed and sent, the
// sign-up link read from the outbox and used by the invited person; an
// activity's invitation previewed with its batches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { BASE, launch, open, signIn } from './support.mjs';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin invites a pasted list and the person signs up through the link', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  const run = Date.now().toString(36);
  const address = `paste.${run}@example.org`;
  await p.goto(`${BASE}/#/invite`);
  await p.fill('textarea[name=text]', `Curie, Marie <${address}>\n${address.toUpperCase()}; not-an-address`);
  await p.click('[data-action=preview]');
  await p.waitForSelector('[data-counts]');
  assert.match(await p.textContent('[data-counts]'), /1 to invite, 0 already users, 0 already invited, 1 repeated, 1 not addresses/);
  assert.equal(await p.locator('tr[data-verdict=invalid]').count(), 1);
  await p.screenshot({ path: `${ARTIFACTS}invite-preview.png` });
  await p.click('[data-action=send]');
  await p.waitForSelector(`tr[data-invitation-id]:has-text("${address}")`);

  // The message is in the outbox: its link opens the public sign-up page.
  await p.goto(`${BASE}/#/outbox`);
  const message = p.locator('article.message', { hasText: address }).first();
  const body = await message.locator('pre').textContent();
  const link = body.match(/https?:\/\/\S+#\/signup\/\S+/)[0];

  const visitor = await open(browser, 'fr-FR');
  await visitor.p.goto(link);
  await visitor.p.waitForSelector('input[name=password]');
  assert.equal(await visitor.p.inputValue('input[name=last_name]'), 'Curie');
  await visitor.p.fill('input[name=first_name]', 'Marie');
  await visitor.p.fill('input[name=password]', 'court');
  await visitor.p.click('button[type=submit]');
  await visitor.p.waitForSelector('[data-field=password]:not(:empty)');
  await visitor.p.fill('input[name=password]', 'un mot de passe assez long');
  await visitor.p.click('button[type=submit]');
  await visitor.p.waitForSelector('[data-signed-up]');
  assert.match(await visitor.p.textContent('[data-signed-up]'), /Votre compte chez Demo est prêt/);
  await visitor.p.screenshot({ path: `${ARTIFACTS}signup-done.png` });
  await visitor.p.reload();
  await visitor.p.waitForSelector('p.error');
  assert.deepEqual(visitor.problems, []);
  assert.deepEqual(problems, []);
});

test('an activity invitation is previewed with its total and batches, then made', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  await p.goto(`${BASE}/#/activities`);
  const title = `Browser module ${Date.now().toString(36)}`;
  await p.selectOption('select[name=type]', 'module');
  await p.fill('input[name=title]', title);
  await p.fill('input[name=base]', 'Sécurité');
  await p.click('button:text("Create activity")');
  await p.waitForSelector('input[name=start]');
  await p.locator('label.check:has-text("Direction") input').check();
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await p.fill('input[name=start]', `${day(2)}T09:00`);
  await p.fill('input[name=start_until]', `${day(9)}T18:00`);
  await p.fill('input[name=remind_after_days]', '2');
  await p.click('[data-action=preview]');
  await p.waitForSelector('[data-totals]');
  assert.match(await p.textContent('[data-totals]'), /people will be invited, each once/);
  assert.ok(await p.locator('[data-batch]').count() >= 1);
  await p.screenshot({ path: `${ARTIFACTS}activity-preview.png` });
  await p.click('[data-action=invite]');
  await p.waitForSelector('[data-done]');
  await p.waitForSelector('tr[data-invitation-id]');
  assert.match(await p.locator('tr[data-invitation-id]').first().textContent(), /Scheduled/);
  assert.deepEqual(problems, []);
});
