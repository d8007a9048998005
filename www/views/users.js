import { api } from '../api.js';
import { download, h, show } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { UsersExport } from '../pkg/roster_wasm.js';
import { labels, options } from './labels.js';

const PAGE = 50;

/** The user directory: search, status and group filters, keyset pages. */
export async function users(session, query) {
  const statusLabels = labels('status');
  const typeLabels = labels('user_type');
  const roleLabels = labels('role');
  const groups = (await api('GET', '/groups')).items.filter((g) => !g.archived);

  const search = h('input', { type: 'search', name: 'q', placeholder: t('users.search'), 'aria-label': t('users.search'), value: query.get('q') || '' });
  const status = h('select', { name: 'status', 'aria-label': t('users.status') },
    h('option', { value: '' }, t('users.allStatuses')),
    options('status').map(({ code, label }) => h('option', { value: code, selected: query.get('status') === code }, label)));
  const group = h('select', { name: 'group', 'aria-label': t('nav.groups') },
    h('option', { value: '' }, t('users.allGroups')),
    groups.map((g) => h('option', { value: g.id, selected: query.get('group') === String(g.id) }, g.name)));
  const body = h('tbody');
  const pageLabel = h('span', { class: 'muted' });
  const previous = h('button', { type: 'button' }, t('users.previous'));
  const next = h('button', { type: 'button' }, t('users.next'));

  // Cursors of the pages already seen, to go back without offsets.
  let cursors = [null];
  let nextCursor = null;
  let request = 0;

  async function load() {
    const mine = ++request;
    const params = new URLSearchParams({ limit: PAGE });
    if (search.value.trim()) params.set('q', search.value.trim());
    if (status.value) params.set('status', status.value);
    if (group.value) params.set('group', group.value);
    const cursor = cursors[cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const page = await api('GET', `/users?${params}`);
    if (mine !== request) return; // a newer search answered first
    nextCursor = page.next_cursor;
    body.replaceChildren(...(page.items.length ? page.items.map(row) : [
      h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('users.none'))),
    ]));
    pageLabel.textContent = t('users.page', { n: cursors.length });
    previous.disabled = cursors.length === 1;
    next.disabled = !nextCursor;
  }

  function row(user) {
    const name = [user.last_name, user.first_name].filter(Boolean).join(' ');
    return h('tr', { dataset: { userId: user.id } },
      h('td', {}, h('a', { href: `#/users/${user.id}` }, name)),
      h('td', {}, user.email || '—'),
      h('td', {}, user.mobile || '—'),
      h('td', {}, typeLabels[user.user_type] || user.user_type),
      h('td', {}, roleLabels[user.role] || user.role),
      h('td', {}, h('span', { class: `badge ${user.status}` }, statusLabels[user.status] || user.status)),
      h('td', {}, when(user.last_access_at)));
  }

  // The list as it is filtered, built into a file here, page by page.
  const exportStatus = h('span', { class: 'muted', role: 'status', dataset: { exportStatus: '' } });
  let exporting = false;
  async function exportList(format) {
    if (exporting) return;
    exporting = true;
    const file = new UsersExport(format, lang(), Date.now());
    try {
      const params = new URLSearchParams({ limit: 1000 });
      for (const [key, el] of [['q', search], ['status', status], ['group', group]]) if (el.value.trim()) params.set(key, el.value.trim());
      let total = 0;
      let rows = 0;
      let cursor = null;
      const parts = [];
      do {
        if (cursor) params.set('cursor', cursor);
        const page = await api('GET', `/users/export?${params}`);
        total = page.total ?? total;
        rows = file.addUsers(page.items);
        parts.push(file.takeOutput());
        exportStatus.textContent = t('users.exporting', { rows, total, percent: total ? Math.round((rows * 100) / total) : 100 });
        cursor = page.next_cursor;
      } while (cursor);
      parts.push(file.finish());
      download(parts, `${t('users.exportName')}.${format}`);
      exportStatus.textContent = t('users.exported', { rows });
    } catch (error) {
      exportStatus.textContent = t('error.generic');
      console.error(error);
    } finally {
      file.free();
      exporting = false;
    }
  }
  const exportButtons = ['csv', 'xlsx'].map((format) => h('button', {
    type: 'button', dataset: { export: format }, onClick: () => exportList(format),
  }, t(`users.export.${format}`)));

  function restart() {
    cursors = [null];
    const params = new URLSearchParams();
    for (const [key, el] of [['q', search], ['status', status], ['group', group]]) if (el.value.trim()) params.set(key, el.value.trim());
    history.replaceState(null, '', `#/users${params.size ? `?${params}` : ''}`);
    load();
  }

  let typing;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(restart, 250); });
  status.addEventListener('change', restart);
  group.addEventListener('change', restart);
  next.addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); load(); } });
  previous.addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); load(); } });

  show(
    h('h1', {}, t('users.title')),
    h('div', { class: 'toolbar' }, search, status, group,
      h('a', { href: '#/users/new' }, h('button', { type: 'button', class: 'primary' }, t('users.new')))),
    h('table', {},
      h('thead', {}, h('tr', {}, ['users.name', 'users.email', 'users.mobile', 'users.type', 'users.role', 'users.status', 'users.lastAccess'].map((k) => h('th', {}, t(k))))),
      body),
    h('div', { class: 'pager' }, pageLabel, previous, next),
    h('div', { class: 'toolbar' }, h('span', {}, t('users.exportList')), ...exportButtons, exportStatus,
      h('a', { href: '#/jobs' }, t('users.exportAll'))),
  );
  await load();
}
