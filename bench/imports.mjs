// Validating a user import file in the browser's engine: Roster's core as
// WebAssembly against what a JavaScript developer would use, doing the same
// checks in the same process, alternately: SheetJS for every file, and Papa
// Parse for CSV files. Usage: node bench/imports.mjs FILE [RUNS]
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import XLSX from 'xlsx';
import init, { validateUsers, vocabulary } from '../www/pkg/roster_wasm.js';

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const bytes = new Uint8Array(readFileSync(file));
const wasm = await init({ module_or_path: readFileSync(new URL('../www/pkg/roster_wasm_bg.wasm', import.meta.url)) });

// --- The JavaScript baseline: the same header matching and checks. ---
const key = (text) => String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
const HEADERS = {
  nom: 'last_name', last_name: 'last_name', prenom: 'first_name', first_name: 'first_name', adresse_mail: 'email',
  email: 'email', e_mail: 'email', mobile: 'mobile', matricule: 'employee_id', employee_id: 'employee_id',
  service: 'department', department: 'department', type: 'user_type', user_type: 'user_type', role: 'role',
  licence: 'licence_level', licence_level: 'licence_level', canal_prefere: 'preferred_channel',
  preferred_channel: 'preferred_channel', langue: 'language', language: 'language', groupes: 'groups', groups: 'groups',
};
const ENUMS = Object.fromEntries(['user_type', 'role', 'licence_level', 'preferred_channel', 'language'].map((name) => {
  const names = new Map();
  for (const lang of ['fr', 'en']) for (const { code, label } of vocabulary(name, lang)) {
    names.set(key(code), code);
    names.set(key(label), code);
  }
  return [name, names];
}));
const EMAIL = /^[^\s@.][^\s@]{0,63}@([a-z0-9-]{1,63}\.)+[a-z]{2,}$/u;

function sheetjs(data) {
  const workbook = XLSX.read(data, { type: 'array', dense: true });
  return check(XLSX.utils.sheet_to_json(workbook.Sheets[workbook.SheetNames[0]], { header: 1, raw: false, defval: '' }));
}

function papaparse(data) {
  // Papa Parse reads text: decode as a page would (UTF-8, BOM dropped), and
  // let it find the delimiter.
  const text = new TextDecoder('utf-8').decode(data);
  return check(Papa.parse(text, { skipEmptyLines: 'greedy' }).data);
}

// The checks both JavaScript baselines run on the rows they read.
function check(rows) {
  const columns = rows[0].map((h) => HEADERS[key(h)]);
  const remarks = [];
  const seen = new Map();
  let creates = 0;
  for (let r = 1; r < rows.length; r++) {
    const user = {};
    columns.forEach((column, c) => { if (column) user[column] = String(rows[r][c] ?? '').trim(); });
    let ok = true;
    const remark = (column, code) => { remarks.push({ row: r + 1, column, code }); ok = false; };
    if (!user.last_name) remark('last_name', 'required');
    const email = user.email?.toLowerCase();
    if (email && !EMAIL.test(email)) remark('email', 'invalid_email');
    let mobile = '';
    if (user.mobile) {
      const digits = user.mobile.replace(/[\s.()-]/g, '');
      mobile = digits.startsWith('+') ? digits.slice(1) : digits.startsWith('00') ? digits.slice(2) : digits.startsWith('0') ? `33${digits.slice(1)}` : digits;
      if (!/^[1-9][0-9]{7,14}$/.test(mobile)) remark('mobile', 'invalid_mobile');
    }
    if (!email && !mobile) remark('email', 'email_or_mobile_required');
    for (const [name, names] of Object.entries(ENUMS)) {
      if (user[name] && !names.has(key(user[name]))) remark(name, 'unknown_value');
    }
    const groups = (user.groups || '').split(',').map((g) => g.trim()).filter(Boolean);
    if (groups.some((g) => g.length > 100)) remark('groups', 'too_long');
    for (const id of [email && `e:${email}`, mobile && `m:${mobile}`, user.employee_id && `i:${key(user.employee_id)}`]) {
      if (!id) continue;
      if (seen.has(id)) remark('email', 'duplicate_in_file'); else seen.set(id, r + 1);
    }
    if (ok) creates++;
  }
  return { rows: rows.length - 1, remarks: remarks.length, creates };
}

function wasmCore(data) {
  const answer = validateUsers(data, 'fr', 'company_admin', 33, null, null);
  if (!answer.ok) throw new Error(answer.error.message);
  return { rows: answer.report.rows, remarks: answer.report.remarks.length, creates: answer.report.plan.creates };
}

const time = (f) => { const t = performance.now(); const out = f(bytes); return [performance.now() - t, out]; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const isCsv = !(bytes[0] === 0x50 && bytes[1] === 0x4b);
const contenders = [['wasm', wasmCore], ['sheetjs', sheetjs], ...(isCsv ? [['papaparse', papaparse]] : [])];
const results = Object.fromEntries(contenders.map(([name]) => [name, []]));
let outs = {};
for (let i = 0; i < runs; i++) {
  for (const [name, f] of contenders) {
    const [ms, out] = time(f);
    results[name].push(ms);
    outs[name] = out;
  }
}
for (const [name] of contenders) {
  if (outs[name].rows !== outs.wasm.rows || outs[name].creates !== outs.wasm.creates) {
    throw new Error(`${name} and the core disagree: ${JSON.stringify(outs)}`);
  }
}
console.log(JSON.stringify({
  file, runs, rows: outs.wasm.rows,
  wasm_ms: Math.round(median(results.wasm)),
  sheetjs_ms: Math.round(median(results.sheetjs)),
  ...(isCsv ? { papaparse_ms: Math.round(median(results.papaparse)) } : {}),
  wasm_peak_memory_mb: Math.round(wasm.memory.buffer.byteLength / 1048576),
}));
