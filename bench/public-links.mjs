// Public activity links under load: the page and the identification answer,
// 50 clients at once over loopback, each request from its own client address
// unless the run measures the refusal path. Prints one JSON line: for each
// run, requests per second, latency percentiles and the answers' statuses.
// Usage: node bench/public-links.mjs URL LINKS.json [SECONDS]
// LINKS.json names each run's link token: page, user, nobody, contact, small.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, linksFile, secondsArg] = process.argv.slice(2);
const links = JSON.parse(readFileSync(linksFile, 'utf8'));
const duration = Number(secondsArg || 10);
const connections = 50;

let counter = 0;
/** A fresh client address for every request: 10.x.y.z. */
const address = () => {
  counter += 1;
  return `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`;
};
const pick = (n) => Math.floor(Math.random() * n);

// Each run: which link, and the request each client sends next.
const runs = {
  // The page a phone opens from the QR code.
  page: { token: links.page, method: 'GET', path: (t) => `/p/${t}`, body: null },
  // The employee id of one of the 100,000 users: the attempt goes to them.
  user: { token: links.user, body: () => ({ employee_id: `M${String(pick(100_000)).padStart(7, '0')}` }) },
  // An employee id nobody has: a guest attempt, the same statements run.
  nobody: { token: links.nobody, body: () => ({ employee_id: `Z${String(pick(1e9)).padStart(9, '0')}` }) },
  // A new e-mail address with names: a contact is made for each answer.
  contact: {
    token: links.contact,
    body: () => ({ email_or_mobile: `visitor.${Date.now()}.${pick(1e9)}@visitors.example`, last_name: 'Martin', first_name: 'Léa' }),
  },
  // The same as `user`, in a company of about 1,000 users.
  small: { token: links.small, body: () => ({ employee_id: `E${String(pick(1000)).padStart(5, '0')}` }) },
  // The page again, every request from one address: past the first 120 of
  // the minute, each is refused with 429 before any database work.
  refused: { token: links.page, method: 'GET', path: (t) => `/p/${t}`, body: null, oneAddress: true },
};

async function measure({ token, method = 'POST', path = (t) => `/api/v1/public/links/${t}/attempts`, body, oneAddress }) {
  const fixed = address();
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [{
      method,
      path: path(token),
      setupRequest: (request) => {
        request.headers = {
          ...request.headers,
          'cf-connecting-ip': oneAddress ? fixed : address(),
          'accept-language': 'fr-FR,fr;q=0.9',
        };
        if (body) {
          request.headers['content-type'] = 'application/json';
          request.body = JSON.stringify(body());
        }
        return request;
      },
    }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    statuses,
  };
}

// A short warm-up so that the first run does not pay for the runtime's start.
await autocannon({ url: `${url}/p/${links.page}`, connections: 5, amount: 200, headers: { 'cf-connecting-ip': '10.255.255.255' } });
const out = { connections, seconds: duration };
for (const [name, run] of Object.entries(runs)) out[name] = await measure(run);
console.log(JSON.stringify(out));
