import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { runBulk } from './bulk.js';
import { inlineLabels, labels } from './labels.js';
import { may } from '../access.js';
import { permissionsSection } from './profiles.js';

/**
 * The user's tags: each can be taken off, and any other tag of the
 * company put on. Redraws itself from the server's answer.
 */
function tagsSection(id, carried, all) {
  const box = h('div', { dataset: { userTags: '' } });
  const change = async (method, tag) => {
    try {
      const { items } = await api(method, `/users/${id}/tags/${tag}`);
      draw(items);
    } catch (e) {
      toast(e.status ? e.message : t('error.network'));
    }
  };
  function draw(items) {
    const held = new Set(items.map((tag) => tag.id));
    const free = all.filter((tag) => !held.has(tag.id));
    const pick = h('select', { 'aria-label': t('user.pickTag') }, free.map((tag) => h('option', { value: tag.id }, tag.name)));
    box.replaceChildren(
      items.length
        ? h('ul', { class: 'chips' }, items.map((tag) => h('li', { dataset: { tagId: tag.id } }, tag.name, ' ',
          h('button', { type: 'button', class: 'link', 'aria-label': t('user.removeTag', { name: tag.name }), onClick: () => change('DELETE', tag.id) }, '×'))))
        : h('p', { class: 'muted' }, t('user.noTags')),
      free.length
        ? h('form', { class: 'inline', onSubmit: (event) => { event.preventDefault(); change('PUT', pick.value); } },
          pick, h('button', { type: 'submit' }, t('user.addTag')))
        : '');
  }
  draw(carried);
  return box;
}

/**
 * The status actions that fit the user: the same bulk action the directory
 * uses, on this one user, with its confirmation and its outcome.
 */
function actionsSection(session, u) {
  // Each action with what it needs; deleting is for administrators.
  const needs = { activate: 'edit_users', deactivate: 'edit_users', reset_password: 'edit_users', login_code: 'create_with_code', delete: 'administrator' };
  const fitting = ({ created: ['activate'], invited: ['activate'], inactive: ['activate'], active: ['deactivate', 'reset_password', 'login_code'] }[u.status] ?? [])
    .filter((action) => may(session, needs[action]));
  const act = async (action) => {
    try {
      const job = await runBulk({ action, users: [u.id] });
      if (!job) return;
      const [reason] = Object.keys(job.result?.skipped ?? {});
      toast(reason ? t('bulk.skipped', { n: 1, reason: inlineLabels('skip')[reason] }) : t('bulk.applied', { n: 1 }));
      if (action === 'delete') location.hash = '#/users';
      else await user(session, u.id);
    } catch (e) {
      toast(Object.values(e.fields ?? {})[0]?.message ?? e.message);
    }
  };
  const actions = u.status === 'deleted' ? [] : [...fitting, ...(may(session, 'administrator') ? ['delete'] : [])];
  const names = labels('bulk_action');
  return h('div', { class: 'toolbar', dataset: { userActions: '' } },
    u.status === 'deleted' || !may(session, 'edit_users') ? '' : h('button', { type: 'button', dataset: { userAction: 'edit' }, onClick: () => { location.hash = `#/users/${u.id}/edit`; } }, t('user.edit')),
    actions.map((action) => h('button', {
      type: 'button', class: action === 'delete' ? 'danger' : undefined, dataset: { userAction: action }, onClick: () => act(action),
    }, names[action])));
}

/**
 * The activities the user created, and handing them all to another
 * creator of the company (F6), with a confirmation naming the count.
 */
function activitiesSection(session, u) {
  const n = u.activities_created;
  const box = h('div', { dataset: { userActivities: n } }, h('p', {}, t('user.activitiesCreated', { n })));
  if (n === 0 || u.status === 'deleted' || !may(session, 'administrator')) return box;
  const search = h('input', { type: 'search', name: 'transfer-search', placeholder: t('user.transferSearch'), 'aria-label': t('user.transferSearch') });
  const pick = h('select', { name: 'transfer-to', 'aria-label': t('user.transferTo') });
  const error = h('span', { class: 'error', role: 'alert' });
  const name = (p) => [p.first_name, p.last_name].filter(Boolean).join(' ');
  let typing;
  let asked = 0;
  const find = async () => {
    const params = new URLSearchParams({ licence_level: 'creator', limit: '20' });
    if (search.value.trim()) params.set('q', search.value.trim());
    const mine = ++asked;
    const { items } = await api('GET', `/users?${params}`);
    if (mine !== asked) return; // a later search answers instead
    const fitting = items.filter((p) => p.id !== u.id && ['created', 'invited', 'active'].includes(p.status));
    // Nobody is chosen until the admin chooses: activities never go to a default.
    pick.replaceChildren(h('option', { value: '', disabled: true, selected: true }, t('user.transferTo')),
      ...fitting.map((p) => h('option', { value: p.id }, `${name(p)} · ${p.email || p.mobile || ''}`)));
  };
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(find, 250); });
  const form = h('form', { class: 'inline', async onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    const chosen = pick.selectedOptions[0];
    if (!chosen?.value) {
      error.textContent = t('user.transferChoose');
      return;
    }
    if (!confirm(t('user.transferConfirm', { n, name: chosen.textContent }))) return;
    try {
      const done = await api('POST', `/users/${u.id}/transfer`, { to: Number(chosen.value) });
      toast(t('user.transferred', { n: done.transferred, name: chosen.textContent }));
      await user(session, u.id);
    } catch (e) {
      const field = e.fields?.to;
      error.textContent = field ? (messageText(field.code, lang()) || field.message) : (e.status ? e.message : t('error.network'));
    }
  } }, search, pick, h('button', { type: 'submit' }, t('user.transfer')), error);
  find().catch(() => {});
  box.append(form);
  return box;
}

/** One user's page: details, actions, groups, tags, invitations, public
 * tests and, for administrators where the company uses them, permissions. */
export async function user(session, id) {
  const [u, { items: allTags }] = await Promise.all([api('GET', `/users/${id}`), api('GET', '/tags')]);
  const status = labels('status');
  const item = (label, value) => [h('dt', { class: 'muted' }, label), h('dd', {}, value || '—')];
  show(
    h('p', {}, h('a', { href: '#/users' }, `← ${t('user.back')}`)),
    h('h1', {}, [u.first_name, u.last_name].filter(Boolean).join(' '), ' ', h('span', { class: `badge ${u.status}` }, status[u.status])),
    actionsSection(session, u),
    h('div', { class: 'card' },
      h('dl', {},
        item(t('form.email'), u.email), item(t('form.mobile'), u.mobile), item(t('form.employee_id'), u.employee_id),
        item(t('form.department'), u.department), item(labels('user_type')[u.user_type] && t('form.user_type'), labels('user_type')[u.user_type]),
        item(t('form.role'), labels('role')[u.role]), item(t('form.licence_level'), labels('licence_level')[u.licence_level]),
        item(t('user.created'), when(u.created_at)), item(t('user.invited'), when(u.invited_at)),
        item(t('user.activated'), when(u.activated_at)), item(t('users.lastAccess'), when(u.last_access_at)),
        u.bounced_at ? item(t('user.bounced'), h('span', { class: 'badge bounced' }, when(u.bounced_at))) : '',
        u.login_code_at ? item(t('user.loginCode'), t('user.loginCodeSent', { at: when(u.login_code_at) })) : '',
        u.signup_invitation ? item(t('invite.pending'), t('user.pendingSignup', { at: when(u.signup_invitation.sent_at) })) : ''),
      h('h2', {}, t('user.groups')),
      u.groups.length
        ? h('ul', {}, u.groups.map((g) => h('li', {}, g.name, g.archived ? ` (${t('groups.archived')})` : '')))
        : h('p', { class: 'muted' }, t('user.noGroups')),
      h('h2', {}, t('user.tags')),
      may(session, 'edit_users') ? tagsSection(id, u.tags, allTags)
        : (u.tags.length ? h('ul', { class: 'chips' }, u.tags.map((tag) => h('li', {}, tag.name))) : h('p', { class: 'muted' }, t('user.noTags'))),
      h('h2', {}, t('user.activities')),
      activitiesSection(session, u),
      h('h2', {}, t('user.invitations')),
      u.invitations.length
        ? h('ul', {}, u.invitations.map((i) => h('li', {}, h('a', { href: `#/activities/${i.activity_id}` }, i.title),
          ` · ${i.label} · ${t(`activity.state.${i.state}`)}`, i.sent_at ? ` · ${t('user.reached', { at: when(i.sent_at) })}` : '')))
        : h('p', { class: 'muted' }, t('user.noInvitations')),
      h('h2', {}, t('public.history')),
      u.public_attempts.length
        ? h('ul', { dataset: { publicAttempts: '' } }, u.public_attempts.map((a) => h('li', {}, h('a', { href: `#/activities/${a.activity_id}` }, a.title),
          ` · ${when(a.started_at)} · ${a.finished_at ? t('public.finishedWith', { score: a.score ?? '—' }) : t('public.inProgress')}`)))
        : h('p', { class: 'muted' }, t('public.noHistory'))),
  );
  // Only administrators set permissions, and only where the company uses profiles.
  if (session.advanced_permissions && may(session, 'administrator') && u.status !== 'deleted') {
    const block = await permissionsSection(id);
    document.getElementById('view').append(h('h2', {}, t('permissions.title')), block);
  }
}
