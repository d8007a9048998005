import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

/**
 * Group memberships by hand (G2). Without `only`, the matrix: users × the
 * company's groups. With `only` (a group id), that group's view: everyone
 * with one checkbox, or its members only. Ticks and unticks gather across
 * pages and searches, then are saved together, or all dropped.
 */
export async function memberships(only) {
  const group = only ? await api('GET', `/groups/${only}`) : null;
  /** Changes not saved yet: "user:group" → wanted membership. */
  const pending = new Map();
  /** What the server said of each pair shown so far. */
  const saved = new Map();
  let cursor = null;
  let columns = [];

  const search = h('input', { type: 'search', name: 'q', placeholder: t('users.search'), 'aria-label': t('users.search') });
  const membersOnly = h('input', { type: 'checkbox', name: 'members-only' });
  const count = h('span', { class: 'muted', dataset: { pending: '0' } });
  const save = h('button', { type: 'button', class: 'primary', disabled: true, onClick: commit }, t('memberships.save'));
  const cancel = h('button', { type: 'button', disabled: true, onClick: drop }, t('memberships.cancel'));
  const head = h('thead');
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true, onClick: () => load(cursor) }, t('users.next'));
  const first = h('button', { type: 'button', hidden: true, onClick: () => load(null) }, t('memberships.first'));

  function refreshBar() {
    count.dataset.pending = String(pending.size);
    count.textContent = t('memberships.pending', { n: pending.size });
    save.disabled = cancel.disabled = pending.size === 0;
  }

  function toggle(user, groupId, box) {
    const key = `${user}:${groupId}`;
    if (box.checked === saved.get(key)) pending.delete(key);
    else pending.set(key, box.checked);
    box.closest('td').classList.toggle('changed', pending.has(key));
    refreshBar();
  }

  async function load(after) {
    const params = new URLSearchParams({ limit: '50' });
    if (search.value.trim()) params.set('q', search.value.trim());
    if (only && membersOnly.checked) params.set('group', only);
    if (after) params.set('cursor', after);
    const page = await api('GET', `/groups/matrix?${params}`);
    columns = only ? page.groups.filter((g) => g.id === Number(only)) : page.groups;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    first.hidden = !after;
    head.replaceChildren(h('tr', {}, h('th', {}, t('named.name')), h('th', {}, t('form.email')),
      columns.map((g) => h('th', { class: 'center' }, g.name))));
    body.replaceChildren(...(page.items.length ? page.items.map((u) => {
      const held = new Set(u.groups);
      return h('tr', { dataset: { userId: u.id } },
        h('td', {}, h('a', { href: `#/users/${u.id}` }, [u.last_name, u.first_name].filter(Boolean).join(' '))),
        h('td', {}, u.email || '—'),
        columns.map((g) => {
          const key = `${u.id}:${g.id}`;
          saved.set(key, held.has(g.id));
          const box = h('input', {
            type: 'checkbox', checked: pending.has(key) ? pending.get(key) : held.has(g.id), dataset: { group: g.id },
            'aria-label': t('memberships.member', { user: [u.first_name, u.last_name].filter(Boolean).join(' '), group: g.name }),
          });
          box.addEventListener('change', () => toggle(u.id, g.id, box));
          return h('td', { class: pending.has(key) ? 'center changed' : 'center' }, box);
        }));
    }) : [h('tr', {}, h('td', { colspan: columns.length + 2, class: 'muted' }, t('users.none')))]));
  }

  async function commit() {
    const add = [];
    const remove = [];
    for (const [key, member] of pending) {
      const [user, groupId] = key.split(':').map(Number);
      (member ? add : remove).push({ user, group: groupId });
    }
    save.disabled = true;
    try {
      const done = await api('POST', '/groups/memberships', { add, remove });
      for (const [key, member] of pending) saved.set(key, member);
      pending.clear();
      toast(t('memberships.saved', { added: done.added, removed: done.removed }));
      await load(null);
    } catch (e) {
      const field = Object.values(e.fields ?? {})[0];
      toast(field ? (messageText(field.code, lang()) || field.message) : (e.status ? e.message : t('error.network')));
    } finally {
      refreshBar();
    }
  }

  /** Drops every change: the boxes shown go back to what is saved. */
  function drop() {
    pending.clear();
    for (const box of body.querySelectorAll('input[data-group]')) {
      box.checked = saved.get(`${box.closest('tr').dataset.userId}:${box.dataset.group}`);
      box.closest('td').classList.remove('changed');
    }
    refreshBar();
  }

  let typing;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => load(null), 250); });
  membersOnly.addEventListener('change', () => load(null));
  refreshBar();
  show(
    h('p', {}, h('a', { href: '#/groups' }, `← ${t('memberships.back')}`)),
    h('h1', {}, group ? group.name : t('memberships.title')),
    h('p', { class: 'muted' }, t(group ? 'memberships.groupIntro' : 'memberships.intro')),
    h('div', { class: 'toolbar' }, search, group ? h('label', { class: 'check' }, membersOnly, ' ', t('memberships.membersOnly')) : ''),
    h('div', { class: 'toolbar sticky', dataset: { membershipBar: '' } }, count, save, cancel),
    h('div', { class: 'scroll' }, h('table', { dataset: { matrix: only ? 'group' : 'all' } }, head, body)),
    h('p', { class: 'inline' }, first, more),
  );
  await load(null);
}
