import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { namedList } from './named-list.js';

/** Archives or unarchives the ticked groups at once. */
const archiving = (archived) => async (ids) => {
  const { changed } = await api('POST', '/groups/archive', { groups: ids, archived });
  return t('groups.archivedN', { n: changed });
};

/** Groups: create, rename, archive, delete (G1); members by hand (G2). */
export function groups() {
  return namedList({
    kind: 'groups',
    columns: [['groups.users', (g) => g.users], ['groups.contacts', (g) => g.contacts]],
    href: (g) => (g.archived ? null : `#/groups/${g.id}`),
    badges: (g) => (g.archived ? [h('span', { class: 'badge' }, ' ', t('groups.archived'))] : []),
    actions: (g, act) => [
      h('a', { class: 'link', href: `#/users?group=${g.id}` }, t('groups.members')),
      h('button', { type: 'button', class: 'link', onClick: () => act('PATCH', { archived: !g.archived }) },
        t(g.archived ? 'groups.unarchive' : 'groups.archive'))],
    links: [h('p', {}, h('a', { href: '#/groups/matrix', dataset: { matrixLink: '' } }, t('groups.matrix')))],
    bulk: [['groups.archiveSelected', archiving(true)], ['groups.unarchiveSelected', archiving(false)]],
  });
}
