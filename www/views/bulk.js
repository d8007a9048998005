import { api } from '../api.js';
import { may } from '../access.js';
import { h } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { inlineLabels, options } from './labels.js';

const RUNNING = new Set(['queued', 'running']);

/**
 * Asks the admin to confirm `preview.selected` users for `action`, typing
 * the count when the preview says so. Resolves to the count, or null when
 * the admin steps back.
 */
function confirmCount(action, preview) {
  const statusLabels = inlineLabels('status');
  const typed = preview.confirmation === 'typed';
  const input = h('input', { type: 'text', inputmode: 'numeric', name: 'confirm-count', 'aria-label': t('bulk.typeCount', { n: preview.selected }) });
  const ok = h('button', { type: 'submit', value: 'ok', class: 'danger', dataset: { bulkConfirm: '' } }, t(`bulk.confirm.${action}`, { n: preview.selected }));
  const cancel = h('button', { type: 'button' }, t('bulk.cancel'));
  const statuses = Object.entries(preview.by_status).map(([code, n]) => t('bulk.ofStatus', { n, status: statusLabels[code] ?? code })).join(', ');
  const dialog = h('dialog', { dataset: { bulkDialog: preview.confirmation } },
    h('form', { method: 'dialog' },
      h('p', {}, t(`bulk.ask.${action}`, { n: preview.selected })),
      h('p', { class: 'muted' }, statuses),
      typed ? h('p', {}, h('label', {}, t('bulk.typeCount', { n: preview.selected }), ' ', input)) : '',
      h('div', { class: 'toolbar' }, ok, cancel)));
  document.body.append(dialog);
  if (typed) {
    ok.disabled = true;
    input.addEventListener('input', () => { ok.disabled = input.value.trim() !== String(preview.selected); });
  }
  return new Promise((resolve) => {
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok' ? preview.selected : null);
    });
    dialog.showModal();
    (typed ? input : ok).focus();
  });
}

/**
 * Previews a bulk action, has the admin confirm it when it asks for that
 * (or always, with `alwaysShow`), then asks for it. Resolves to the job,
 * or null when the admin stepped back; rejects with the API's error.
 */
export async function runBulk(body, alwaysShow = false) {
  const preview = await api('POST', '/users/bulk/preview', body);
  if (preview.confirmation !== 'none' || alwaysShow) {
    const count = await confirmCount(body.action, preview);
    if (count === null) return null;
    body.confirm = count;
  }
  return api('POST', '/users/bulk', body);
}

/** What each bulk action needs (the server checks it again). */
const NEEDS = {
  delete: 'administrator', activate: 'edit_users', deactivate: 'edit_users', reset_password: 'edit_users',
  login_code: 'create_with_code', groups: 'manage_groups', tags: 'edit_users', profiles: 'administrator',
};

/**
 * The bulk actions panel of the directory (F3): pick an action, confirm
 * what it asks, follow it, read the per-user report. `selection()` gives
 * `{ users: [...] }` or `{ matching: {...} }`; `onDone` reloads the list.
 */
export function bulkActions({ session, selection, groups, tags, profiles, onDone }) {
  const skipLabels = inlineLabels('skip');
  // Only the actions the user may ask; profiles only where the company uses them.
  const offered = options('bulk_action').filter(({ code }) => may(session, NEEDS[code]) && (code !== 'profiles' || profiles));
  const action = h('select', { name: 'bulk-action', 'aria-label': t('bulk.action') },
    h('option', { value: '' }, t('bulk.pick')),
    offered.map(({ code, label }) => h('option', { value: code }, label)));
  const change = h('select', { name: 'bulk-change', 'aria-label': t('bulk.change') },
    options('set_change').map(({ code, label }) => h('option', { value: code }, label)));
  const named = h('fieldset', { class: 'named-picks', dataset: { bulkNamed: '' } });
  const setPart = h('span', { hidden: true }, change, named);
  // An activation may also give everyone it activates the same password.
  const withPassword = h('input', { type: 'checkbox', name: 'bulk-with-password' });
  const password = h('input', { type: 'password', name: 'bulk-password', autocomplete: 'new-password', minlength: 10, maxlength: 200,
    'aria-label': t('bulk.password'), placeholder: t('bulk.password'), hidden: true });
  withPassword.addEventListener('change', () => { password.hidden = !withPassword.checked; if (withPassword.checked) password.focus(); });
  const passwordPart = h('span', { hidden: true, dataset: { bulkPassword: '' } },
    h('label', { class: 'check' }, withPassword, ' ', t('bulk.withPassword')), ' ', password);
  const apply = h('button', { type: 'button', class: 'primary', dataset: { bulkApply: '' } }, t('bulk.apply'));
  const result = h('div', { role: 'status', dataset: { bulkResult: '' } });

  action.addEventListener('change', () => {
    passwordPart.hidden = action.value !== 'activate';
    const list = { groups, tags, profiles }[action.value];
    setPart.hidden = !list;
    if (!list) return;
    named.replaceChildren(h('legend', {}, t(`bulk.pick.${action.value}`)),
      ...(list.length ? list.map((item) => h('label', {},
        h('input', { type: 'checkbox', value: item.id, dataset: { pick: item.name } }), ' ', item.name))
        : [h('span', { class: 'muted' }, t(`bulk.no.${action.value}`))]));
  });

  function request() {
    const body = { action: action.value, ...selection() };
    if (!setPart.hidden) {
      body.change = change.value;
      body.ids = [...named.querySelectorAll('input:checked')].map((i) => Number(i.value));
    }
    if (!passwordPart.hidden && withPassword.checked) body.password = password.value;
    return body;
  }

  function summary(job) {
    if (RUNNING.has(job.status)) {
      return [h('progress', { max: 100, value: job.progress }), ' ', t('bulk.running', { percent: job.progress }), ' ',
        h('a', { href: `#/jobs/${job.id}` }, t('bulk.follow'))];
    }
    if (job.status !== 'done') return [h('span', { class: 'error' }, job.result?.error?.message ?? t('error.generic'))];
    const skipped = Object.entries(job.result.skipped);
    const file = job.files.find((f) => f.url);
    return [
      h('p', { dataset: { applied: job.result.applied } }, t('bulk.applied', { n: job.result.applied })),
      skipped.length ? h('ul', { dataset: { skipped: '' } }, skipped.map(([reason, n]) => h('li', { dataset: { reason } },
        t('bulk.skipped', { n, reason: skipLabels[reason] ?? reason })))) : '',
      file ? h('a', { href: file.url, download: file.name, dataset: { bulkReport: '' } }, t('bulk.report')) : '',
    ];
  }

  async function follow(job) {
    result.replaceChildren(...summary(job));
    while (RUNNING.has(job.status)) {
      await new Promise((r) => { setTimeout(r, 1000); });
      if (!result.isConnected) return;
      job = await api('GET', `/bulk-actions/${job.id}`);
      result.replaceChildren(...summary(job));
    }
    onDone();
  }

  apply.addEventListener('click', async () => {
    if (!action.value) { action.focus(); return; }
    apply.disabled = true;
    result.replaceChildren(); // the previous action's outcome is not this one's
    try {
      const body = request();
      // "All matching" always shows its count before anything changes.
      const job = await runBulk(body, Boolean(body.matching));
      if (!job) return;
      await follow(job);
    } catch (e) {
      const field = Object.values(e.fields ?? {})[0];
      result.replaceChildren(h('span', { class: 'error' }, field ? (messageText(field.code, lang()) || field.message) : e.message));
    } finally {
      apply.disabled = false;
    }
  });

  return h('div', { class: 'bulk', dataset: { bulk: '' } }, action, setPart, passwordPart, apply, result);
}
