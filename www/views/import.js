import { api, upload } from '../api.js';
import { download, h, show } from '../dom.js';
import { lang, t } from '../i18n.js';
import { reportFile, sampleUsers } from '../pkg/roster_wasm.js';

/** Checks a file in a Web Worker; resolves to the core's answer. `message`
 * says what to check it as: `{kind, lang, role, countryCode, snapshot, now}`. */
export function check(file, message, onProgress) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../workers/check-import.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      if ('progress' in data) return onProgress(data.progress);
      worker.terminate();
      resolve(data.result);
    };
    worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message)); };
    file.arrayBuffer().then((bytes) => worker.postMessage({ ...message, bytes }, [bytes]));
  });
}

/** Buttons that download `remarks` as a CSV or XLSX report. */
export function reportButtons(remarks) {
  return h('p', { class: 'inline' }, ['csv', 'xlsx'].map((format) => h('button', {
    type: 'button', dataset: { download: format },
    onClick: () => download(reportFile(remarks, lang(), format, Date.now()), `${t('import.reportName')}.${format}`),
  }, t(`import.report.${format}`))));
}

/** The user import page: pick a file, see its remarks and change plan at once (C10, C11). */
export async function userImport(session) {
  const input = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,.txt' });
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const status = h('p', { class: 'muted', role: 'status' });
  const result = h('div', { dataset: { report: '' } });
  let snapshot = null;

  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    result.replaceChildren();
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t('import.checking', { name: file.name });
    const started = performance.now();
    snapshot ??= await api('GET', '/imports/users/snapshot');
    const message = { kind: 'users', lang: lang(), role: session.role, countryCode: session.country_code, snapshot };
    const answer = await check(file, message, (share) => { progress.value = share; });
    progress.hidden = true;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.textContent = t('import.checked', { name: file.name, seconds });
    if (!answer.ok) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert', dataset: { code: answer.error.code } }, answer.error.message));
      return;
    }
    const send = answer.report.outcome === 'failed' ? '' : h('button', { type: 'button', class: 'primary', dataset: { action: 'import' }, onClick: () => apply(file, send) },
      t('import.apply', { rows: answer.report.rows }));
    result.replaceChildren(report(answer.report, send));
  });

  /** Sends the file; the server checks it again and applies it in the background. */
  async function apply(file, button) {
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t('import.sending');
    const job = await sendAndFollow('/imports/users', file, progress, status);
    snapshot = null; // the company changed
    const r = job.result || {};
    status.textContent = '';
    result.replaceChildren(job.status === 'done'
      ? h('div', { class: 'card summary', dataset: { job: 'done' } },
        h('h2', {}, h('span', { class: 'badge good' }, t('import.done'))),
        h('p', {}, t('import.applied', { created: r.created, updated: r.updated, unchanged: r.unchanged, groups: (r.groups_created || []).length })),
        h('p', {}, h('a', { href: '#/users' }, t('nav.users'))),
        r.remarks?.length ? reportButtons(r.remarks) : '')
      : h('div', { class: 'card summary', dataset: { job: 'failed' } },
        h('h2', {}, h('span', { class: 'badge bad' }, t('import.failed'))),
        h('p', {}, r.error ? r.error.message : t('import.counts', { rows: r.rows, blocking: r.blocking, warnings: r.warnings })),
        r.remarks?.length ? reportButtons(r.remarks) : ''));
  }

  const sample = h('button', { type: 'button', class: 'link', onClick: () => download(sampleUsers(lang(), Date.now()), t('import.sampleName')) }, t('import.sample'));
  show(
    h('h1', {}, t('import.title')),
    h('div', { class: 'card' },
      h('p', {}, t('import.intro'), ' ', sample),
      h('label', {}, t('import.pick'), input),
      progress, status),
    result,
  );
}

/** Uploads `file` to `path` and follows its job to the end, showing its
 * progress; resolves to the finished job. */
export async function sendAndFollow(path, file, progress, status) {
  let job = await upload(path, file).catch((e) => ({ status: 'failed', result: { error: { message: e.message } } }));
  while (job.status === 'queued' || job.status === 'running') {
    progress.value = job.progress / 100;
    status.textContent = t('import.running', { progress: job.progress });
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = await api('GET', `/imports/${job.id}`);
  }
  progress.hidden = true;
  return job;
}

/** The remarks of a check: downloads, a filter by severity and the table. */
export function remarksPanel(r) {
  const severity = h('select', { name: 'severity', 'aria-label': t('import.severity') },
    h('option', { value: '' }, t('import.allRemarks')),
    ['blocking', 'warning', 'info'].map((s) => h('option', { value: s }, t(`import.${s}`))));
  const rows = h('tbody');
  const fill = () => {
    const shown = r.remarks.filter((m) => !severity.value || m.severity === severity.value);
    rows.replaceChildren(...(shown.length ? shown.map((m) => h('tr', { dataset: { severity: m.severity, row: m.row, column: m.column, code: m.code } },
      h('td', {}, m.row), h('td', {}, m.column), h('td', {}, h('span', { class: `badge ${{ blocking: 'bad', warning: 'warn', info: '' }[m.severity]}` }, t(`import.${m.severity}`))),
      h('td', {}, m.message))) : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('import.noRemark')))]));
  };
  severity.addEventListener('change', fill);
  fill();
  return [
    h('h2', {}, t('import.remarks')),
    r.remarks.length ? reportButtons(r.remarks) : '',
    h('div', { class: 'toolbar' }, severity, r.omitted ? h('span', { class: 'muted' }, t('import.omitted', { n: r.omitted })) : ''),
    h('table', { dataset: { remarks: '' } }, h('thead', {}, h('tr', {}, ['import.row', 'import.column', 'import.severity', 'import.message'].map((k) => h('th', {}, t(k))))), rows),
  ];
}

function report(r, send) {
  const outcome = { failed: 'bad', partial: 'warn', succeeded: 'good' }[r.outcome];
  const plan = r.plan;
  return h('div', {},
    h('div', { class: 'card summary' },
      h('h2', {}, h('span', { class: `badge ${outcome}`, dataset: { outcome: r.outcome } }, t(`import.outcome.${r.outcome}`))),
      h('p', {}, t('import.counts', { rows: r.rows, blocking: r.blocking, warnings: r.warnings })),
      h('p', { dataset: { plan: '' } }, t('import.plan', { creates: plan.creates, updates: plan.updates, unchanged: plan.unchanged, groups: plan.groups_to_create.length })),
      plan.groups_to_create.length ? h('p', { class: 'muted' }, t('import.newGroups'), ' ', plan.groups_to_create.join(', ')) : '',
      send),
    remarksPanel(r),
    plan.listed_updates.length ? [
      h('h2', {}, t('import.updates')),
      h('table', {}, h('thead', {}, h('tr', {}, ['import.row', 'import.user', 'import.changes'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, plan.listed_updates.map((u) => h('tr', {},
          h('td', {}, u.row), h('td', {}, h('a', { href: `#/users/${u.id}` }, `#${u.id}`)),
          h('td', {}, u.changes.map((c) => h('div', {}, `${c.field}: ${c.from ?? '—'} → ${c.to ?? '—'}`)),
            [...u.groups, ...u.tags].length ? h('div', { class: 'muted' }, `+ ${[...u.groups, ...u.tags].join(', ')}`) : ''))))),
    ] : '');
}
