import { api, apiText } from '../api.js';
import { download, h, show } from '../dom.js';
import { lang, t } from '../i18n.js';
import { sampleInvitations } from '../pkg/roster_wasm.js';
import { check, remarksPanel, reportButtons, sendAndFollow } from './import.js';

/** The invitation import page (D1–D5): the file is checked in the browser
 * against the company's activities, groups and people, and its plan shown,
 * before anything is sent. */
export async function invitationImport(session) {
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
    snapshot ??= await apiText('/imports/invitations/snapshot');
    const message = { kind: 'invitations', lang: lang(), countryCode: session.country_code, snapshot, now: Date.now() };
    const answer = await check(file, message, (share) => { progress.value = share; });
    progress.hidden = true;
    status.textContent = t('import.checked', { name: file.name, seconds: ((performance.now() - started) / 1000).toFixed(1) });
    if (!answer.ok) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert', dataset: { code: answer.error.code } }, answer.error.message));
      return;
    }
    const r = answer.report;
    const send = r.outcome === 'failed' ? '' : h('button', {
      type: 'button', class: 'primary', dataset: { action: 'import' }, onClick: () => apply(file, send),
    }, t('invitationImport.apply', { n: r.plan.counts.invitations }));
    result.replaceChildren(report(r, send));
  });

  /** Sends the file; the server checks it again and schedules its invitations. */
  async function apply(file, button) {
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t('import.sending');
    const job = await sendAndFollow('/imports/invitations', file, progress, status);
    snapshot = null; // the company changed
    status.textContent = '';
    result.replaceChildren(finished(job));
  }

  const sample = h('button', {
    type: 'button', class: 'link',
    onClick: () => download(sampleInvitations(lang(), Date.now(), session.time_zone), t('invitationImport.sampleName')),
  }, t('import.sample'));
  show(
    h('h1', {}, t('invitationImport.title')),
    h('div', { class: 'card' },
      h('p', {}, t('invitationImport.intro', { zone: session.time_zone }), ' ', sample),
      h('label', {}, t('import.pick'), input),
      progress, status),
    result,
  );
}

/** What the server did with the file. */
function finished(job) {
  const r = job.result || {};
  const done = job.status === 'done';
  return h('div', { class: 'card summary', dataset: { job: done ? 'done' : 'failed' } },
    h('h2', {}, h('span', { class: `badge ${done ? 'good' : 'bad'}` }, t(done ? `import.outcome.${r.outcome}` : 'import.failed'))),
    h('p', { dataset: { summary: '' } }, r.error ? r.error.message : t('invitationImport.applied', {
      invitations: r.invitations ?? 0, imported: r.imported ?? 0, recipients: r.recipients ?? 0,
      batches: r.batches ?? 0, remarks: (r.blocking ?? 0) + (r.warnings ?? 0),
    })),
    r.already_invited ? h('p', { class: 'muted' }, t('invitationImport.alreadyInvited', { n: r.already_invited })) : '',
    done ? h('p', {}, h('a', { href: '#/activities' }, t('nav.activities'))) : '',
    r.remarks?.length ? reportButtons(r.remarks) : '');
}

/** The check's summary, its remarks and the plan of each invitation. */
function report(r, send) {
  const outcome = { failed: 'bad', partial: 'warn', succeeded: 'good' }[r.outcome];
  const { counts, listed } = r.plan;
  const period = (days) => (days == null ? '—' : t('invitationImport.days', { n: days }));
  return h('div', {},
    h('div', { class: 'card summary' },
      h('h2', {}, h('span', { class: `badge ${outcome}`, dataset: { outcome: r.outcome } }, t(`import.outcome.${r.outcome}`))),
      h('p', {}, t('import.counts', { rows: r.rows, blocking: r.blocking, warnings: r.warnings })),
      h('p', { dataset: { plan: '' } }, t('invitationImport.plan', counts)),
      send),
    remarksPanel(r),
    listed.length ? [
      h('h2', {}, t('invitationImport.detail')),
      counts.invitations > listed.length ? h('p', { class: 'muted' }, t('invitationImport.firstOnly', { n: listed.length })) : '',
      h('table', { dataset: { planned: '' } },
        h('thead', {}, h('tr', {}, ['import.row', 'invitationImport.activity', 'invitationImport.who', 'invitationImport.when',
          'invitationImport.resend', 'invitationImport.remind', 'invitationImport.recipients', 'invitationImport.batches'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, listed.map((i) => h('tr', { dataset: { row: i.row, recipients: i.recipients } },
          h('td', {}, i.row),
          h('td', {}, i.activity, h('div', { class: 'muted' }, i.type_label)),
          h('td', {}, i.group_names.length ? i.group_names.join(', ') : (i.user_label ?? '—')),
          h('td', {}, `${i.start_local.replace('T', ' ')} → ${i.start_until_local.replace('T', ' ')}`),
          h('td', {}, period(i.schedule.resend_every_days)),
          h('td', {}, period(i.schedule.remind_after_days)),
          h('td', {}, i.recipients,
            i.skipped ? h('div', { class: 'muted' }, t('invitationImport.skipped', { n: i.skipped })) : '',
            i.invited_by_earlier_rows ? h('div', { class: 'muted' }, t('invitationImport.earlier', { n: i.invited_by_earlier_rows })) : ''),
          h('td', {}, i.batches.map((b) => h('div', {}, `${b.label} (${b.recipients})`)))))))] : '');
}
