// Building a users export in the browser's engine: Roster's core as
// WebAssembly against SheetJS writing the same rows, in the same process,
// alternately. Both start from the rows the API gives (JavaScript objects)
// and end with the bytes of a file. Usage: node bench/exports.mjs ROWS [RUNS]
import { readFileSync } from 'node:fs';
import XLSX from 'xlsx';
import init, { UsersExport } from '../www/pkg/roster_wasm.js';

const rowCount = Number(process.argv[2] || 100000);
const runs = Number(process.argv[3] || 3);
const wasm = await init({ module_or_path: readFileSync(new URL('../www/pkg/roster_wasm_bg.wasm', import.meta.url)) });

// The rows, as /api/v1/users/export lists them.
const NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
const FIRST = ['Zoé', 'Louis', 'Emma', 'Gabriel', 'Jade', 'Léo', 'Alice', 'Hugo'];
const STATUSES = ['active', 'active', 'active', 'inactive', 'invited', 'created'];
const day = (n) => new Date(Date.UTC(2024, 0, 1) + (n % 900) * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
const users = Array.from({ length: rowCount }, (_, n) => {
  const status = STATUSES[n % STATUSES.length];
  const active = status === 'active' || status === 'inactive';
  return {
    last_name: NAMES[n % NAMES.length], first_name: FIRST[n % FIRST.length], email: `person.${n}@bulk.example`,
    mobile: n % 2 ? `+3361${String(n % 10000000).padStart(7, '0')}` : null, employee_id: `M${String(n).padStart(7, '0')}`,
    department: ['Sales', 'HR', 'Support'][n % 3], user_type: ['collaborator', 'external', 'partner'][n % 3],
    role: 'member', licence_level: n % 2 ? 'creator' : 'participant', status, preferred_channel: 'email',
    language: ['fr', 'en', 'de'][n % 3], groups: n % 4 ? 'Paris, Support' : null, tags: n % 5 ? null : 'mentor',
    created_at: day(n), invited_at: status === 'created' ? null : day(n + 1), activated_at: active ? day(n + 2) : null,
    last_access_at: active ? day(n + 30) : null, logins: n % 200, participations: n % 50, activities_created: n % 4,
  };
});

// The SheetJS baseline: the same columns, names and typed cells.
const HEADERS = ['Last name', 'First name', 'E-mail', 'Mobile phone', 'Employee id', 'Department', 'User type', 'Role',
  'Licence level', 'Status', 'Preferred channel', 'Language', 'Groups', 'Tags', 'Created (UTC)', 'Invited (UTC)',
  'Activated (UTC)', 'Last access (UTC)', 'Logins (12 months)', 'Participations (12 months)', 'Activities created'];
const LABELS = {
  collaborator: 'collaborator', external: 'external', partner: 'partner', member: 'member', creator: 'creator',
  participant: 'participant', active: 'active', inactive: 'deactivated', invited: 'invited', created: 'created',
  email: 'e-mail', fr: 'French', en: 'English', de: 'German',
};
const date = (iso) => (iso ? new Date(iso) : null);
function sheetjs(format) {
  const rows = [HEADERS];
  for (const u of users) {
    rows.push([u.last_name, u.first_name, u.email, u.mobile, u.employee_id, u.department, LABELS[u.user_type],
      LABELS[u.role], LABELS[u.licence_level], LABELS[u.status], LABELS[u.preferred_channel], LABELS[u.language],
      u.groups, u.tags, date(u.created_at), date(u.invited_at), date(u.activated_at), date(u.last_access_at),
      u.logins, u.participations, u.activities_created]);
  }
  const sheet = XLSX.utils.aoa_to_sheet(rows, { cellDates: true, dateNF: 'yyyy-mm-dd hh:mm' });
  if (format === 'csv') return new TextEncoder().encode(`\uFEFF${XLSX.utils.sheet_to_csv(sheet)}`);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'Users');
  return XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true });
}

// Roster: pages of 1,000 rows, as the console feeds them.
// Parts are taken after each page, as the console keeps them for its Blob.
function roster(format) {
  const file = new UsersExport(format, 'en', Date.now());
  const parts = [];
  for (let i = 0; i < users.length; i += 1000) {
    file.addUsers(users.slice(i, i + 1000));
    parts.push(file.takeOutput());
  }
  parts.push(file.finish());
  file.free();
  return new Blob(parts);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = { rows: rowCount, runs };
for (const format of ['xlsx', 'csv']) {
  const times = { wasm: [], sheetjs: [] };
  const sizes = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, f] of [['wasm', roster], ['sheetjs', sheetjs]]) {
      const started = performance.now();
      const file = f(format);
      sizes[name] = file.size ?? file.byteLength ?? file.length;
      times[name].push(performance.now() - started);
    }
  }
  out[`${format}_wasm_ms`] = Math.round(median(times.wasm));
  out[`${format}_sheetjs_ms`] = Math.round(median(times.sheetjs));
  out[`${format}_wasm_mb`] = +(sizes.wasm / 1048576).toFixed(1);
  out[`${format}_sheetjs_mb`] = +(sizes.sheetjs / 1048576).toFixed(1);
}
// Linear memory only grows: its size now is the peak of every run above.
out.wasm_peak_memory_mb = Math.round(wasm.memory.buffer.byteLength / 1048576);
console.log(JSON.stringify(out));
