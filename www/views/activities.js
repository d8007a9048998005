import { api } from '../api.js';
import { may } from '../access.js';
import { h, show, toast } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { labels, options } from './labels.js';
import { publicAttemptsTab, publicLinkCard } from './public-link.js';

const problems = (error) => Object.entries(error.fields || {})
  .map(([field, p]) => `${t(`activity.field.${field}`)} : ${messageText(p.code, lang()) || p.message}`)
  .join(' · ') || (error.status ? error.message : t('error.network'));

/** Activities (A6): list, create, rename, archive. */
export async function activities(session) {
  const editing = may(session, 'edit_activities');
  const types = labels('activity_type');
  const body = h('tbody');
  const archived = h('input', { type: 'checkbox', 'aria-label': t('activity.showArchived') });
  async function reload() {
    const { items } = await api('GET', `/activities?archived=${archived.checked}`);
    body.replaceChildren(...(items.length ? items.map((a) => h('tr', { dataset: { activityId: a.id } },
      h('td', {}, h('a', { href: `#/activities/${a.id}` }, a.title), a.archived ? h('span', { class: 'badge' }, ' ', t('groups.archived')) : ''),
      h('td', {}, types[a.type]), h('td', {}, a.base), h('td', {}, a.invited),
      h('td', {}, !editing ? '' : [
        h('button', { type: 'button', class: 'link', async onClick() {
          const title = prompt(t('activity.rename'), a.title);
          if (title === null) return;
          await api('PATCH', `/activities/${a.id}`, { title }).catch((e) => toast(problems(e)));
          await reload();
        } }, t('groups.rename')),
        h('button', { type: 'button', class: 'link', async onClick() {
          await api('PATCH', `/activities/${a.id}`, { archived: !a.archived }).catch((e) => toast(problems(e)));
          await reload();
        } }, t(a.archived ? 'groups.unarchive' : 'groups.archive'))])))
      : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, t('activity.none')))]));
  }
  archived.addEventListener('change', reload);
  const type = h('select', { name: 'type', 'aria-label': t('activity.type') }, options('activity_type').map((o) => h('option', { value: o.code }, o.label)));
  const title = h('input', { name: 'title', placeholder: t('activity.title'), 'aria-label': t('activity.title'), maxlength: 200 });
  const base = h('input', { name: 'base', placeholder: t('activity.base'), 'aria-label': t('activity.base'), maxlength: 200, list: 'bases' });
  const { items: bases } = await api('GET', '/bases');
  const error = h('span', { class: 'error', role: 'alert' });
  const create = h('form', { class: 'toolbar', async onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    try {
      const created = await api('POST', '/activities', { type: type.value, title: title.value, base: base.value });
      location.hash = `#/activities/${created.id}`;
    } catch (e) {
      error.textContent = problems(e);
    }
  } }, type, title, base, h('datalist', { id: 'bases' }, bases.map((b) => h('option', { value: b.name }))),
  h('button', { type: 'submit', class: 'primary' }, t('activity.create')), error);
  show(h('h1', {}, t('activity.list')), editing ? create : '',
    h('p', {}, h('label', {}, archived, ' ', t('activity.showArchived'))),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('activity.title')), h('th', {}, t('activity.type')),
      h('th', {}, t('activity.base')), h('th', {}, t('activity.invited')), h('th', {}))), body));
  await reload();
}

/** A picker that searches `path` (users or contacts) and keeps the chosen ones. */
function peoplePicker(path, label) {
  const chosen = new Map();
  const list = h('ul', { class: 'chips' });
  const results = h('ul', { class: 'results' });
  const name = (p) => [p.first_name, p.last_name].filter(Boolean).join(' ') || p.email || p.mobile;
  const redraw = () => list.replaceChildren(...[...chosen.values()].map((p) => h('li', {}, name(p), ' ',
    h('button', { type: 'button', class: 'link', 'aria-label': t('activity.remove'), onClick: () => { chosen.delete(p.id); redraw(); } }, '×'))));
  const search = h('input', { type: 'search', placeholder: label, 'aria-label': label, async onInput() {
    if (search.value.trim().length < 2) return results.replaceChildren();
    const { items } = await api('GET', `${path}?q=${encodeURIComponent(search.value.trim())}&limit=10`).catch(() => ({ items: [] }));
    results.replaceChildren(...items.map((p) => h('li', {}, h('button', { type: 'button', class: 'link', onClick: () => {
      chosen.set(p.id, p); redraw(); results.replaceChildren(); search.value = '';
    } }, `${name(p)} ${p.email ? `<${p.email}>` : ''}`))));
  } });
  return { node: h('div', {}, search, results, list), ids: () => [...chosen.keys()] };
}

/** One activity: invite groups, users and contacts on a schedule (E1–E3), and its invitations. */
export async function activity(session, id) {
  // What the page offers follows the user's permissions.
  const inviting = may(session, 'invite');
  const linking = may(session, 'manage_public_links');
  const a = await api('GET', `/activities/${id}`);
  const { items: groups } = await api('GET', '/groups');
  const boxes = groups.filter((g) => !g.archived).map((g) => ({ g, box: h('input', { type: 'checkbox', value: g.id, dataset: { groupId: g.id } }) }));
  const users = peoplePicker('/users', t('activity.addUsers'));
  const contacts = peoplePicker('/contacts', t('activity.addContacts'));
  const start = h('input', { type: 'datetime-local', name: 'start', required: true });
  const until = h('input', { type: 'datetime-local', name: 'start_until', required: true });
  const resend = h('input', { type: 'number', name: 'resend_every_days', min: 1, max: 365, disabled: a.type === 'cycle' });
  const remind = h('input', { type: 'number', name: 'remind_after_days', min: 1, max: 365, disabled: a.type !== 'module' });
  const summary = h('div', { class: 'plan', 'aria-live': 'polite' });
  const invite = h('button', { type: 'button', class: 'primary', disabled: true, dataset: { action: 'invite' } }, t('activity.invite'));
  const listBody = h('tbody');
  const request = () => ({
    groups: boxes.filter((b) => b.box.checked).map((b) => b.g.id), users: users.ids(), contacts: contacts.ids(),
    start: start.value, start_until: until.value,
    ...(resend.value && !resend.disabled ? { resend_every_days: Number(resend.value) } : {}),
    ...(remind.value && !remind.disabled ? { remind_after_days: Number(remind.value) } : {}),
  });

  async function preview() {
    try {
      const p = await api('POST', `/activities/${id}/invitations/preview`, request());
      summary.replaceChildren(
        h('ul', {}, p.groups.map((g) => h('li', {}, t('activity.groupMembers', { name: g.name, n: g.members })))),
        h('p', { dataset: { totals: '' } }, t('activity.totals', { sum: p.group_members_sum, users: p.users, contacts: p.contacts, total: p.totals.recipients })),
        h('p', { class: 'muted' }, t('activity.skipped', { inactive: p.totals.inactive, deleted: p.totals.deleted, invited: p.totals.already_invited })),
        h('p', {}, t('activity.batches', { n: p.batches.length }), ' ',
          p.batches.map((b) => h('span', { class: 'badge', dataset: { batch: b.label } }, `${b.label} (${b.recipients})`))),
        h('p', { class: 'muted' }, t('activity.zone', { zone: p.schedule.time_zone })));
      invite.disabled = p.totals.recipients === 0;
    } catch (e) {
      invite.disabled = true;
      summary.replaceChildren(h('p', { class: 'error', role: 'alert' }, problems(e)));
    }
  }

  invite.addEventListener('click', async () => {
    invite.disabled = true;
    try {
      let job = await api('POST', `/activities/${id}/invitations`, request());
      while (job.status === 'queued' || job.status === 'running') {
        summary.replaceChildren(h('p', {}, t('activity.running', { progress: job.progress })));
        await new Promise((r) => setTimeout(r, 500));
        job = await api('GET', `/activity-invitations/${job.id}`);
      }
      summary.replaceChildren(h('p', { dataset: { done: '' } }, job.status === 'done'
        ? t('activity.done', { n: job.result.recipients, batches: job.result.invitations })
        : t('activity.failed')));
      await reload();
    } catch (e) {
      summary.replaceChildren(h('p', { class: 'error', role: 'alert' }, problems(e)));
    }
  });

  async function reload() {
    if (!inviting) return;
    const { items } = await api('GET', `/activities/${id}/invitations`);
    listBody.replaceChildren(...(items.length ? items.map((i) => h('tr', { dataset: { invitationId: i.id } },
      h('td', {}, i.label), h('td', {}, i.recipients), h('td', {}, i.schedule?.start_local?.replace('T', ' ')),
      h('td', {}, h('span', { class: `badge ${i.state}` }, t(`activity.state.${i.state}`))), h('td', {}, when(i.created_at))))
      : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, t('activity.noInvitation')))]));
  }

  const row = (label, input) => h('p', {}, h('label', {}, label, ' ', input));
  // Only questionnaires and modules can be opened to the public (I1).
  const canBePublic = linking && (a.type === 'questionnaire' || a.type === 'module');
  const invitationsTab = h('section', { dataset: { tab: 'invitations' } },
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('activity.batch')), h('th', {}, t('activity.recipients')),
      h('th', {}, t('activity.start')), h('th', {}, t('jobs.status')), h('th', {}, t('activity.made')))), listBody));
  const attemptsTab = canBePublic ? publicAttemptsTab(a) : null;
  // Without the invitations, the public tests are the only tab, shown at once.
  if (attemptsTab) attemptsTab.hidden = inviting;
  const tabButton = (label, section, other) => h('button', { type: 'button', role: 'tab', 'aria-selected': section === invitationsTab,
    onClick: (event) => {
      section.hidden = false;
      section.reload?.();
      if (other) other.hidden = true;
      for (const b of event.target.parentNode.children) b.setAttribute('aria-selected', String(b === event.target));
    } }, label);
  const tabs = h('div', { class: 'tabs', role: 'tablist' }, tabButton(t('activity.invitations'), invitationsTab, attemptsTab),
    attemptsTab ? tabButton(t('public.tab'), attemptsTab, invitationsTab) : '');
  show(
    h('p', {}, h('a', { href: '#/activities' }, `← ${t('activity.back')}`)),
    h('h1', {}, a.title, ' ', h('span', { class: 'badge' }, labels('activity_type')[a.type])),
    h('p', { class: 'muted' }, `${a.base} · ${t('activity.invitedCount', { n: a.invited })}`),
    a.archived ? h('p', { class: 'error' }, t('activity.archived')) : !inviting ? '' : h('div', { class: 'card' },
      h('h2', {}, t('activity.inviteTitle')),
      h('fieldset', {}, h('legend', {}, t('activity.groups')),
        boxes.length ? boxes.map(({ g, box }) => h('label', { class: 'check' }, box, ` ${g.name} (${g.users + g.contacts})`)) : h('p', { class: 'muted' }, t('groups.none'))),
      users.node, contacts.node,
      row(t('activity.start'), start), row(t('activity.until'), until),
      row(t('activity.resend'), resend), row(t('activity.remind'), remind),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', dataset: { action: 'preview' }, onClick: preview }, t('invite.preview')), invite),
      summary),
    canBePublic ? publicLinkCard(a) : '',
    inviting ? tabs : '',
    inviting ? invitationsTab : '',
    canBePublic ? attemptsTab : '',
  );
  await reload();
}
