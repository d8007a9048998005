import { api } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { may } from '../access.js';
import { namedList } from './named-list.js';

/** Archives or unarchives the ticked groups at once. */
const archiving = (archived) => async (ids) => {
  const { changed } = await api('POST', '/groups/archive', { groups: ids, archived });
  return t('groups.archivedN', { n: changed });
};

/** Asks for the export of the members of groups `ids` (each with all their
 * groups), then follows it on the imports and exports page. */
async function exportMembers(ids) {
  const job = await api('POST', '/exports', { kind: 'group_members', format: 'xlsx', groups: ids });
  location.hash = `#/jobs/${job.id}`;
  return t('groups.exportAsked');
}

/** Groups: create, rename, archive, delete (G1); members by hand (G2);
 * their members exported, one group or a selection. */
export function groups(session) {
  const exporting = may(session, 'export_users');
  return namedList({
    kind: 'groups',
    columns: [['groups.users', (g) => g.users], ['groups.contacts', (g) => g.contacts]],
    href: (g) => (g.archived ? null : `#/groups/${g.id}`),
    badges: (g) => (g.archived ? [h('span', { class: 'badge' }, ' ', t('groups.archived'))] : []),
    actions: (g, act) => [
      h('a', { class: 'link', href: `#/users?group=${g.id}` }, t('groups.members')),
      h('button', { type: 'button', class: 'link', onClick: () => act('PATCH', { archived: !g.archived }) },
        t(g.archived ? 'groups.unarchive' : 'groups.archive')),
      exporting ? h('button', { type: 'button', class: 'link', dataset: { exportGroup: g.id }, onClick: () => exportMembers([g.id]).then(toast, (e) => toast(e.message)) },
        t('groups.export')) : ''],
    links: [h('p', {}, h('a', { href: '#/groups/matrix', dataset: { matrixLink: '' } }, t('groups.matrix')))],
    bulk: [['groups.archiveSelected', archiving(true)], ['groups.unarchiveSelected', archiving(false)],
      ...(exporting ? [['groups.exportSelected', exportMembers]] : [])],
    deletable: may(session, 'administrator'),
  });
}
