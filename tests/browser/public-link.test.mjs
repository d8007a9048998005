// Public activity links in a real Chromium: configured from the console,
// answered in fresh browser contexts (no session) on a phone-sized screen,
// read back in the "free and public tests" tab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, signIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Calls the API from the page, with its session. */
function call(p, method, path, body) {
  return p.evaluate(async ([method, path, body]) => {
    const r = await fetch(`/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }, [method, path, body]);
}

/** A visitor: a fresh context with no session, a phone's screen, its own address. */
async function visitor(locale, address) {
  const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 }, extraHTTPHeaders: { 'cf-connecting-ip': address } });
  return context.newPage();
}

test('a link configured in the console identifies users, makes contacts once and keeps guests', async () => {
  const { p, problems } = await open(browser);
  await signIn(p);
  const run = Date.now().toString(36);
  const quiz = await call(p, 'POST', '/activities', { type: 'questionnaire', title: `Safety <quiz> ${run}`, base: 'Public' });
  assert.equal(quiz.status, 201);
  const user = await call(p, 'POST', '/users', { last_name: `Zoé ${run}`, first_name: 'Zoé', email: `zoe.${run}@example.org` });
  assert.equal(user.status, 201);

  // Made public from the activity's page, with a form: e-mail or mobile required, last name optional.
  await p.goto(`${new URL(p.url()).origin}/#/activities/${quiz.body.id}`);
  await p.click('[data-action=make-public]');
  await p.waitForSelector('[data-link-state=open]');
  await p.check('input[name=with_form]');
  await p.check('[data-ask=email_or_mobile]');
  await p.check('[data-required=email_or_mobile]');
  await p.check('[data-ask=last_name]');
  await p.click('[data-public-link] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-required=email_or_mobile]')?.checked);
  const url = await p.inputValue('[data-link-url]');
  assert.match(url, /\/p\/[0-9a-f]{32}$/);
  const qr = await p.evaluate(() => { const img = document.querySelector('img.qr'); return img.complete && img.naturalWidth; });
  assert.ok(qr > 0, 'the QR code is shown');

  // A French visitor: a wrong address is reported on its field, then the user is recognised.
  const fr = await visitor('fr-FR', `10.9.${run.length}.1`);
  await fr.goto(url);
  assert.equal(await fr.getAttribute('html', 'lang'), 'fr');
  assert.equal(await fr.textContent('h1'), `Safety <quiz> ${run}`, 'the title is shown as text');
  await fr.fill('#f-email_or_mobile', 'zoe@');
  await fr.click('button[type=submit]');
  assert.equal(await fr.textContent('#e-email_or_mobile'), 'Cette adresse e-mail n’est pas valide.');
  assert.equal(await fr.getAttribute('#f-email_or_mobile', 'aria-invalid'), 'true');
  await fr.fill('#f-email_or_mobile', `ZOE.${run}@example.org`);
  await fr.click('button[type=submit]');
  await fr.waitForSelector('[data-state=started]');
  const widths = await fr.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `fits a phone: ${widths}`);

  // An English visitor twice with a new address (one contact), then the language switch.
  const en = await visitor('en-GB', `10.9.${run.length}.2`);
  for (let i = 0; i < 2; i += 1) {
    await en.goto(url);
    await en.fill('#f-email_or_mobile', `new.${run}@example.org`);
    await en.fill('#f-last_name', `<b>New ${run}</b>`);
    await en.click('button[type=submit]');
    await en.waitForSelector('[data-state=started]');
  }
  await en.goto(url);
  await en.click('a[hreflang=fr]');
  assert.equal(await en.getAttribute('html', 'lang'), 'fr');

  // The results tab lists them as contact, contact and user.
  await p.click('button[role=tab]:has-text("Free and public tests")');
  await p.waitForSelector('[data-tab=public-attempts] tr[data-attempt-party]');
  const parties = await p.$$eval('[data-tab=public-attempts] tr[data-attempt-party]', (rows) => rows.map((r) => r.dataset.attemptParty));
  assert.deepEqual(parties, ['contact', 'contact', 'user']);
  assert.ok((await p.textContent('[data-tab=public-attempts]')).includes(`<b>New ${run}</b>`), 'typed markup shown as text');

  // Regenerated: the old address now answers "does not exist".
  p.once('dialog', (d) => d.accept());
  await p.click('[data-action=regenerate]');
  await p.waitForFunction((old) => document.querySelector('[data-link-url]')?.value !== old, url);
  const gone = await en.goto(url);
  assert.equal(gone.status(), 404);
  assert.equal(await en.getAttribute('main', 'data-state'), 'missing');
  assert.deepEqual(problems, []);
});

test('with authentication required, an unknown address reads "user not found"', async () => {
  const { p } = await open(browser, 'fr-FR');
  await signIn(p);
  const run = Date.now().toString(36);
  const mod = await call(p, 'POST', '/activities', { type: 'module', title: `Module ${run}`, base: 'Public' });
  const link = await call(p, 'PUT', `/activities/${mod.body.id}/public-link`, {
    form: { fields: [{ field: 'email_or_mobile', required: true }], authentication_required: true },
  });
  assert.equal(link.status, 201);
  const v = await visitor('en-GB', `10.8.${run.length}.3`);
  await v.goto(link.body.url);
  await v.fill('#f-email_or_mobile', `nobody.${run}@example.org`);
  await v.click('button[type=submit]');
  assert.equal(await v.textContent('#e-email_or_mobile'), 'User not found.');
  await v.fill('#f-email_or_mobile', 'admin@demo.example');
  await v.click('button[type=submit]');
  await v.waitForSelector('[data-state=started]');
  const attempts = await call(p, 'GET', `/activities/${mod.body.id}/public-attempts`);
  assert.deepEqual(attempts.body.items.map((a) => a.party), ['user']);
});
