import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { labels } from './labels.js';

const ACTIVE = new Set(['queued', 'running']);

/** A date and time for the dashboard, in the console's language. */
function at(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What an export job is, as its row names it. */
function exportTitle(job) {
  const format = String(job.params?.format ?? '').toUpperCase();
  if (job.subject === 'group_members') return t('jobs.groupExport', { names: (job.params?.group_names ?? []).join(', '), format });
  if (job.subject === 'monthly_active') {
    const [month, measure] = job.params?.month ?? [];
    return t('jobs.monthlyExport', { measure: t(`insights.${measure}`), month, format });
  }
  return t('jobs.export', { format });
}

/** The imports and exports dashboard (J1): the last 30 days, live. */
export async function jobs(session, highlighted) {
  const bulkActions = labels('bulk_action');
  const body = h('tbody');
  const table = h('table', { dataset: { jobs: '' } },
    h('thead', {}, h('tr', {}, ['jobs.kind', 'jobs.askedOn', 'jobs.status', 'jobs.files'].map((k) => h('th', {}, t(k))))),
    body);
  let timer;

  function row(job) {
    const running = ACTIVE.has(job.status);
    const name = job.params?.file_name ?? '';
    const what = {
      import: () => t(job.subject === 'invitations' ? 'jobs.invitationImport' : 'jobs.import', { name }),
      invitation: () => t('jobs.invitation'),
      bulk: () => t('jobs.bulk', { action: bulkActions[job.params?.action?.action] ?? '', n: job.params?.selected }),
    }[job.kind]?.() ?? exportTitle(job);
    const state = running
      ? h('div', {}, h('progress', { max: 100, value: job.progress }), ' ', `${job.progress} %`)
      : h('span', { class: `badge ${job.status === 'done' ? 'good' : 'bad'}` }, t(`jobs.${job.status}`));
    const files = job.files.length === 0 ? h('span', { class: 'muted' }, running ? '…' : '—')
      : h('ul', { class: 'files' }, job.files.map((f) => h('li', {},
        f.url ? h('a', { href: f.url, download: f.name }, f.name) : h('span', { class: 'muted' }, f.name),
        ' ', h('span', { class: 'muted' }, [f.rows != null ? t('jobs.rows', { n: f.rows }) : '', size(f.size)].filter(Boolean).join(' · ')))));
    const until = job.expired ? h('div', { class: 'muted' }, t('jobs.expired'))
      : job.expires_at ? h('div', { class: 'muted' }, t('jobs.until', { at: at(job.expires_at) })) : '';
    return h('tr', { dataset: { jobId: job.id, status: job.status }, class: job.id === highlighted ? 'highlight' : undefined },
      h('td', {}, what),
      h('td', {}, at(job.created_at)),
      h('td', {}, state, job.result?.error ? h('div', { class: 'error' }, job.result.error.message) : '',
        job.kind === 'bulk' && job.status === 'done' ? h('div', { class: 'muted' }, t('jobs.bulkResult', {
          applied: job.result.applied, skipped: Object.values(job.result.skipped).reduce((a, b) => a + b, 0),
        })) : ''),
      h('td', {}, files, until));
  }

  async function refresh() {
    if (!table.isConnected && timer) return; // the admin left the page
    const { items } = await api('GET', '/jobs');
    body.replaceChildren(...(items.length ? items.map(row)
      : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('jobs.none')))]));
    if (items.some((j) => ACTIVE.has(j.status))) timer = setTimeout(() => refresh().catch(console.error), 1000);
  }

  async function request(format) {
    await api('POST', '/exports', { kind: 'users', format, language: lang() });
    toast(t('jobs.requested'));
    clearTimeout(timer);
    await refresh();
  }

  show(
    h('h1', {}, t('jobs.title')),
    h('p', { class: 'muted' }, t('jobs.intro')),
    h('div', { class: 'toolbar' }, ['csv', 'xlsx'].map((format) => h('button', {
      type: 'button', class: format === 'xlsx' ? 'primary' : undefined, dataset: { requestExport: format },
      onClick: () => request(format).catch((e) => toast(e.message)),
    }, t(`jobs.request.${format}`)))),
    table,
  );
  timer = 0;
  await refresh();
}
