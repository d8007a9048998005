// What every browser test needs: Debian's Chromium with flags that suit a
// closed network, and an administrator signed in to the console.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = process.env.ROSTER_URL;
export const PASSWORD = process.env.ROSTER_DEMO_PASSWORD || 'roster-demo';
assert.ok(BASE, 'ROSTER_URL is not set: run the browser tests with `cargo xtask test`');

/** Starts Chromium; launch() gives every run a fresh, empty profile. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A page in a new context, collecting the page's own errors in `problems`. */
export async function open(browser, locale = 'en-GB') {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p = await context.newPage();
  const problems = [];
  p.on('pageerror', (e) => problems.push(e.message));
  // Refused requests (a wrong password's 401) are answers, not faults of the page.
  p.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
  return { p, problems };
}

/**
 * Opens `url`. The local runtime may hold a request that arrives while a
 * background job keeps the Worker busy (an earlier test's import or
 * export): in full runs a page's first load has twice hung that way with
 * no request reaching the Worker. A second try is made then, and
 * reported, so one held request does not fail the test while a page that
 * never loads still does.
 */
export async function visit(p, url = BASE) {
  try {
    await p.goto(url, { timeout: 20_000 });
  } catch (e) {
    if (e.name !== 'TimeoutError') throw e;
    console.warn(`# ${url} did not load in 20 s; trying once more`);
    await p.goto(url);
  }
}

/**
 * Signs in through the form and waits for the user list. An address that
 * administers several companies picks `company` (Demo by default).
 */
export async function signIn(p, email = 'admin@demo.example', company = 'Demo') {
  await visit(p);
  await p.fill('input[name=email]', email);
  await p.fill('input[name=password]', PASSWORD);
  await p.click('button[type=submit]');
  await p.waitForSelector('table tbody tr[data-user-id], [data-choose-company]');
  if (await p.$('[data-choose-company]')) await p.click(`[data-choose-company] button:text-is("${company}")`);
  await p.waitForSelector('table tbody tr[data-user-id]');
}

/** Calls the API from the page, with its session: status and body. */
export const call = (p, method, path, body) => p.evaluate(async ([method, path, body]) => {
  const answer = await fetch(`/api/v1${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : null };
}, [method, path, body]);
