// Checking an invitation file in the browser's engine: Roster's core as
// WebAssembly against SheetJS plus the same checks written in JavaScript,
// alternately in one process, both against the same company snapshot.
// Usage: node bench/invitation-imports.mjs FILE SNAPSHOT.json [RUNS]
import { readFileSync } from 'node:fs';
import XLSX from 'xlsx';
import init, { validateInvitations, vocabulary } from '../www/pkg/roster_wasm.js';

const [file, snapshotFile, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const bytes = new Uint8Array(readFileSync(file));
const snapshotText = readFileSync(snapshotFile, 'utf8');
const wasm = await init({ module_or_path: readFileSync(new URL('../www/pkg/roster_wasm_bg.wasm', import.meta.url)) });
const now = Date.now();

// --- The JavaScript baseline: the same columns, lookups, dates and counts. ---
const key = (text) => String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
const COLUMNS = {
  type: ['type', 'type_d_activite', 'activity_type'],
  activity: ['activite', 'activity', 'titre', 'title'],
  groups: ['groupes', 'groups', 'groupe', 'group'],
  user: ['utilisateur', 'user', 'destinataire', 'recipient'],
  start: ['demarrage', 'start', 'date_de_demarrage', 'start_date'],
  start_until: ['fin_de_la_periode_de_demarrage', 'end_of_the_start_period', 'start_until'],
  resend_every: ['periode_de_renvoi', 'resend_period', 'renvoi', 'resend'],
  remind_after: ['periode_de_rappel', 'reminder_period', 'rappel', 'reminder'],
};
const HEADER = new Map(Object.entries(COLUMNS).flatMap(([column, names]) => names.map((n) => [n, column])));
const TYPES = new Map();
for (const lang of ['fr', 'en']) for (const { code, label } of vocabulary('activity_type', lang)) {
  TYPES.set(key(code), code);
  TYPES.set(key(label), code);
}
const BATCH = 200;

/** The UTC offset (minutes) of a Paris wall-clock hour, asked of Intl once per hour of the calendar. */
const zoneFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const offsets = new Map();
function instant(y, m, d, h, min) {
  const guess = Date.UTC(y, m - 1, d, h, min);
  const hour = Math.floor(guess / 3_600_000);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const parts = Object.fromEntries(zoneFormat.formatToParts(new Date(guess)).map((p) => [p.type, p.value]));
    offset = (Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - guess) / 60_000;
    offsets.set(hour, offset);
  }
  return guess - offset * 60_000;
}

/** A date cell (serial number) or day-first text, as an instant; null when unreadable. */
function when(value, date1904) {
  if (typeof value === 'number') {
    const ms = Math.round((value + (date1904 ? 1462 : 0)) * 86_400_000) + Date.UTC(1899, 11, 30);
    const t = new Date(ms);
    return instant(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes());
  }
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2})[:h](\d{2})$/.exec(String(value).trim());
  return m ? instant(+m[3], +m[2], +m[1], +m[4], +m[5]) : null;
}

function period(value) {
  const text = String(value ?? '').trim().toLowerCase();
  if (!text) return undefined;
  let m = /^(\d+)\s*(jours?|days?|j|d)$/.exec(text);
  if (m) return +m[1];
  m = /^(\d+)\s*(semaines?|weeks?)$/.exec(text);
  if (m) return 7 * m[1];
  m = /^p(\d+)([dw])$/.exec(text);
  return m ? (m[2] === 'w' ? 7 : 1) * m[1] : null;
}

function check(rows, date1904, snapshot) {
  const activitiesById = new Map(snapshot.activities.map((a) => [a.id, a]));
  const activitiesByTitle = new Map(snapshot.activities.map((a) => [key(a.title), a]));
  const groups = new Map(snapshot.groups.map((g) => [key(g.name), g]));
  const users = new Map();
  for (const u of snapshot.users) {
    for (const id of [u.email, u.mobile, u.employee_id]) if (id) users.set(key(id), u);
  }
  const usersById = new Map(snapshot.users.map((u) => [u.id, u]));
  const invited = new Map(); // activity id → people invited by earlier rows
  const columns = rows[0].map((h) => HEADER.get(key(h)));
  let invitations = 0, recipients = 0, batches = 0, remarks = 0;
  for (let r = 1; r < rows.length; r++) {
    const cells = {};
    columns.forEach((column, c) => { if (column) cells[column] = rows[r][c]; });
    let blocked = false;
    const remark = () => { remarks++; blocked = true; };
    const type = TYPES.get(key(cells.type ?? ''));
    if (!type) remark();
    const named = String(cells.activity ?? '').trim();
    const activity = /^\d+$/.test(named) ? activitiesById.get(Number(named)) : activitiesByTitle.get(key(named));
    if (!activity) remark();
    else if (type && activity.type !== type) remark();
    const start = when(cells.start, date1904);
    const until = when(cells.start_until, date1904);
    if (start === null || start <= now) remark();
    if (until === null || (start !== null && until <= start)) remark();
    const resend = period(cells.resend_every);
    const remind = period(cells.remind_after);
    if (resend === null || remind === null) remark();
    if (resend && type === 'cycle') remark();
    if (remind && type !== 'module') remark();
    const people = [];
    const groupNames = String(cells.groups ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    if (groupNames.length) {
      for (const name of groupNames) {
        const group = groups.get(key(name));
        if (!group) { remark(); continue; }
        if (group.archived) continue;
        for (const id of group.users) people.push(`u${id}`);
        for (const id of group.contacts) people.push(`c${id}`);
      }
    } else if (String(cells.user ?? '').trim()) {
      const user = users.get(key(String(cells.user).trim()));
      if (!user) remark(); else people.push(`u${user.id}`);
    } else remark();
    if (blocked || !activity) continue;
    const earlier = invited.get(activity.id) ?? new Set();
    invited.set(activity.id, earlier);
    let count = 0;
    for (const person of new Set(people)) {
      if (earlier.has(person)) continue;
      if (person[0] === 'u') {
        const status = usersById.get(Number(person.slice(1)))?.status;
        if (status === 'inactive' || status === 'deleted') continue;
      }
      earlier.add(person);
      count++;
    }
    if (count > 0) {
      invitations++;
      recipients += count;
      batches += Math.ceil(count / BATCH);
    }
  }
  return { rows: rows.length - 1, invitations, recipients, batches };
}

function sheetjs(data) {
  const snapshot = JSON.parse(snapshotText);
  // A CSV file is text: decode it as a page would (UTF-8), and keep its cells as written.
  const zip = data[0] === 0x50 && data[1] === 0x4b;
  const workbook = zip ? XLSX.read(data, { type: 'array', dense: true })
    : XLSX.read(new TextDecoder('utf-8').decode(data), { type: 'string', dense: true, raw: true });
  const rows = XLSX.utils.sheet_to_json(workbook.Sheets[workbook.SheetNames[0]], { header: 1, raw: true, defval: '' });
  return check(rows, Boolean(workbook.Workbook?.WBProps?.date1904), snapshot);
}

function wasmCore(data) {
  const answer = validateInvitations(data, 'fr', 33, snapshotText, now, null);
  if (!answer.ok) throw new Error(answer.error.message);
  const { counts } = answer.report.plan;
  return { rows: answer.report.rows, invitations: counts.invitations, recipients: counts.recipients, batches: counts.batches };
}

const time = (f) => { const t = performance.now(); const out = f(bytes); return [performance.now() - t, out]; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const contenders = [['wasm', wasmCore], ['sheetjs', sheetjs]];
const results = Object.fromEntries(contenders.map(([name]) => [name, []]));
const outs = {};
for (let i = 0; i < runs; i++) {
  for (const [name, f] of contenders) {
    const [ms, out] = time(f);
    results[name].push(ms);
    outs[name] = out;
  }
}
if (JSON.stringify(outs.sheetjs) !== JSON.stringify(outs.wasm)) {
  throw new Error(`the baseline and the core disagree: ${JSON.stringify(outs)}`);
}
console.log(JSON.stringify({
  file, runs, ...outs.wasm,
  wasm_ms: Math.round(median(results.wasm)),
  sheetjs_ms: Math.round(median(results.sheetjs)),
  wasm_peak_memory_mb: Math.round(wasm.memory.buffer.byteLength / 1048576),
}));
