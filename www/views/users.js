import { api } from '../api.js';
import { download, h, show } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { UsersExport } from '../pkg/roster_wasm.js';
import { bulkActions } from './bulk.js';
import { may } from '../access.js';
import { profileName } from './profiles.js';
import { labels, options } from './labels.js';

const PAGE = 50;

/** One `<select>` of a filter: "any" first, then the entries; `query` gives the chosen one. */
function picker(name, any, entries, query) {
  return h('select', { name, 'aria-label': any },
    h('option', { value: '' }, any),
    entries.map(({ code, label }) => h('option', { value: code, selected: query.get(name) === String(code) }, label)));
}

// The directory's "last access" filter: a choice, then a day for two of them.
const ACCESS = ['never', 'accessed_since', 'accessed_before'];

/** The user directory: search, filters, sorts, keyset pages. */
export async function users(session, query) {
  const statusLabels = labels('status');
  const typeLabels = labels('user_type');
  const roleLabels = labels('role');
  const profilesOn = session.advanced_permissions && may(session, 'administrator');
  const [{ items: allGroups }, { items: tags }, { items: profiles }] = await Promise.all([
    api('GET', '/groups'), api('GET', '/tags'), profilesOn ? api('GET', '/profiles') : { items: null },
  ]);
  const groups = allGroups.filter((g) => !g.archived);

  const search = h('input', { type: 'search', name: 'q', placeholder: t('users.search'), 'aria-label': t('users.search'), value: query.get('q') || '' });
  const status = picker('status', t('users.allStatuses'), options('status'), query);
  const group = picker('group', t('users.allGroups'), groups.map((g) => ({ code: g.id, label: g.name })), query);
  const tag = picker('tag', t('users.allTags'), tags.map((g) => ({ code: g.id, label: g.name })), query);
  const userType = picker('user_type', t('users.allTypes'), options('user_type'), query);
  const role = picker('role', t('users.allRoles'), options('role'), query);
  const licence = picker('licence_level', t('users.allLicences'), options('licence_level'), query);
  const accessChoice = ACCESS.find((name) => name === 'never' ? query.get('last_access') === 'never' : query.get(name)) || '';
  const access = h('select', { name: 'access', 'aria-label': t('users.lastAccess') },
    h('option', { value: '' }, t('users.anyAccess')),
    ACCESS.map((name) => h('option', { value: name, selected: accessChoice === name }, t(`users.access.${name}`))));
  const accessDay = h('input', { type: 'date', name: 'access-day', 'aria-label': t('users.accessDay'), value: query.get(accessChoice) || '' });
  const showAccessDay = () => { accessDay.hidden = !['accessed_since', 'accessed_before'].includes(access.value); };
  showAccessDay();
  const sort = h('select', { name: 'sort', 'aria-label': t('users.sort') },
    options('sort').map(({ code, label }) => h('option', { value: code, selected: (query.get('sort') || 'name') === code }, `${t('users.sortBy')} ${label.toLowerCase()}`)));
  const body = h('tbody');
  const pageLabel = h('span', { class: 'muted' });
  const previous = h('button', { type: 'button' }, t('users.previous'));
  const next = h('button', { type: 'button' }, t('users.next'));

  // Cursors of the pages already seen, to go back without offsets.
  let cursors = [null];
  let nextCursor = null;
  let request = 0;

  // The selection: ticked ids across pages, or every user the filters find.
  const ticked = new Set();
  let allMatching = false;
  const selectPage = h('input', { type: 'checkbox', 'aria-label': t('users.selectPage'), dataset: { selectPage: '' } });
  const selectionText = h('span', { dataset: { selectionCount: '' } });
  const selectAll = h('button', { type: 'button', dataset: { selectAll: '' } }, t('users.selectAll'));
  const clear = h('button', { type: 'button', dataset: { clearSelection: '' } }, t('users.clearSelection'));
  // The filters in use, as `[name, value]`: one list for the address, exports and selections.
  const activeFilters = () => {
    const pairs = [search, status, group, tag, userType, role, licence].map((el) => [el.name, el.value.trim()]);
    if (access.value === 'never') pairs.push(['last_access', 'never']);
    else if (access.value && accessDay.value) pairs.push([access.value, accessDay.value]);
    return pairs.filter(([, value]) => value);
  };
  const matchingFilters = () => Object.fromEntries(activeFilters().map(([key, value]) => [key, ['group', 'tag'].includes(key) ? Number(value) : value]));
  // The order is not a filter: it changes neither a selection nor an export's rows.
  const listParams = () => [...activeFilters(), ...(sort.value === 'name' ? [] : [['sort', sort.value]])];
  const panel = bulkActions({
    session, groups, tags,
    profiles: profiles?.map((p) => ({ id: p.id, name: profileName(p) })),
    selection: () => (allMatching ? { matching: matchingFilters() } : { users: [...ticked] }),
    onDone: () => load(), // the selection stays, for another action
  });
  const selectionBar = h('div', { class: 'toolbar selection', hidden: true, dataset: { selection: '' } }, selectionText, selectAll, clear, panel);

  function showSelection() {
    const boxes = [...body.querySelectorAll('input[data-select]')];
    for (const box of boxes) { box.checked = allMatching || ticked.has(Number(box.dataset.select)); box.disabled = allMatching; }
    selectPage.checked = boxes.length > 0 && boxes.every((b) => b.checked);
    selectPage.disabled = allMatching;
    selectionBar.hidden = !allMatching && ticked.size === 0;
    selectionText.textContent = allMatching ? t('users.allMatching') : t('users.selected', { n: ticked.size });
    selectAll.hidden = allMatching;
  }
  function clearSelection() { ticked.clear(); allMatching = false; showSelection(); }
  selectPage.addEventListener('change', () => {
    for (const box of body.querySelectorAll('input[data-select]')) {
      if (selectPage.checked) ticked.add(Number(box.dataset.select)); else ticked.delete(Number(box.dataset.select));
    }
    showSelection();
  });
  selectAll.addEventListener('click', () => { allMatching = true; showSelection(); });
  clear.addEventListener('click', clearSelection);

  async function load() {
    const mine = ++request;
    const params = new URLSearchParams([['limit', PAGE], ...listParams()]);
    const cursor = cursors[cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const page = await api('GET', `/users?${params}`);
    if (mine !== request) return; // a newer search answered first
    nextCursor = page.next_cursor;
    body.replaceChildren(...(page.items.length ? page.items.map(row) : [
      h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t('users.none'))),
    ]));
    showSelection();
    pageLabel.textContent = t('users.page', { n: cursors.length });
    previous.disabled = cursors.length === 1;
    next.disabled = !nextCursor;
  }

  function row(user) {
    const name = [user.last_name, user.first_name].filter(Boolean).join(' ');
    const box = h('input', { type: 'checkbox', 'aria-label': t('users.select', { name }), dataset: { select: user.id } });
    box.addEventListener('change', () => { if (box.checked) ticked.add(user.id); else ticked.delete(user.id); showSelection(); });
    return h('tr', { dataset: { userId: user.id } },
      h('td', {}, box),
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
      for (const [key, value] of listParams()) params.set(key, value);
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

  function restart(event) {
    cursors = [null];
    // A selection made under other filters is not carried over; another order keeps it.
    if (event?.target !== sort) clearSelection();
    const params = new URLSearchParams(listParams());
    history.replaceState(null, '', `#/users${params.size ? `?${params}` : ''}`);
    load();
  }

  let typing;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(restart, 250); });
  for (const el of [status, group, tag, userType, role, licence, sort, accessDay]) el.addEventListener('change', restart);
  access.addEventListener('change', () => {
    showAccessDay();
    if (access.value === 'never' || !access.value || accessDay.value) restart();
  });
  next.addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); load(); } });
  previous.addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); load(); } });

  show(
    h('h1', {}, t('users.title')),
    h('div', { class: 'toolbar' }, search, sort,
      may(session, 'edit_users') ? h('a', { href: '#/users/new' }, h('button', { type: 'button', class: 'primary' }, t('users.new'))) : ''),
    h('div', { class: 'toolbar filters', dataset: { filters: '' } }, status, group, tag, userType, role, licence, access, accessDay),
    selectionBar,
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, selectPage), ['users.name', 'users.email', 'users.mobile', 'users.type', 'users.role', 'users.status', 'users.lastAccess'].map((k) => h('th', {}, t(k))))),
      body),
    h('div', { class: 'pager' }, pageLabel, previous, next),
    h('div', { class: 'toolbar' }, h('span', {}, t('users.exportList')), ...exportButtons, exportStatus,
      h('a', { href: '#/jobs' }, t('users.exportAll'))),
  );
  await load();
}
