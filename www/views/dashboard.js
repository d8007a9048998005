import { api } from '../api.js';
import { h, show } from '../dom.js';
import { lang, t } from '../i18n.js';
import { labels } from './labels.js';

const STATUSES = ['active', 'invited', 'created', 'inactive', 'deleted'];

/** A count in the admin's language (1 000 or 1,000). */
const count = (n) => new Intl.NumberFormat(lang() === 'fr' ? 'fr-FR' : 'en-GB').format(n);

/** A size in bytes as people read it: 0 B, 12 kB, 3.4 MB. */
function size(bytes) {
  const units = lang() === 'fr' ? ['o', 'ko', 'Mo', 'Go', 'To'] : ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const shown = new Intl.NumberFormat(lang() === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits }).format(value);
  return `${shown} ${units[unit]}`;
}

/** The company at a glance (F7): licences, people by status, activities, storage. */
export async function dashboard() {
  const d = await api('GET', '/company/dashboard');
  const status = labels('status');
  const { licences } = d;
  const full = licences.available === 0;
  const tile = (key, title, ...body) => h('section', { class: 'card', dataset: { tile: key } }, h('h2', {}, title), ...body);
  show(
    h('h1', {}, t('dashboard.title')),
    h('div', { class: 'tiles' },
      tile('licences', t('dashboard.licences'),
        h('p', { class: 'figure' }, t('dashboard.licencesUsed', { used: count(licences.used), capacity: count(licences.capacity) })),
        h('progress', { max: Math.max(licences.capacity, licences.used, 1), value: licences.used, 'aria-label': t('dashboard.licences') }),
        h('p', { class: full ? 'error' : 'muted', dataset: { available: licences.available } },
          full ? t('dashboard.licencesFull') : t('dashboard.licencesAvailable', { n: count(licences.available) })),
        h('p', { class: 'muted' }, t('dashboard.licencesRule'))),
      tile('users', t('dashboard.users'),
        h('table', {}, h('tbody', {}, STATUSES.map((code) => h('tr', { dataset: { status: code } },
          h('td', {}, h('a', { href: `#/users?status=${code}` }, h('span', { class: `badge ${code}` }, status[code]))),
          h('td', { class: 'number' }, count(d.users[code] ?? 0))))))),
      tile('activities', t('dashboard.activities'),
        h('p', { class: 'figure' }, count(d.activities.total)),
        h('p', { class: 'muted' }, t('dashboard.activitiesRecent', { n: count(d.activities.last_30_days) }))),
      tile('storage', t('dashboard.storage'),
        h('p', { class: 'figure' }, size(d.storage.bytes)),
        h('p', { class: 'muted' }, t('dashboard.storageFiles', { n: count(d.storage.files) })))),
  );
}
