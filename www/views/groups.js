import { h } from '../dom.js';
import { t } from '../i18n.js';
import { namedList } from './named-list.js';

/** Groups: create, rename, archive, delete (G1). */
export function groups() {
  return namedList({
    kind: 'groups',
    columns: [['groups.users', (g) => g.users], ['groups.contacts', (g) => g.contacts]],
    href: (g) => `#/users?group=${g.id}`,
    badges: (g) => (g.archived ? [h('span', { class: 'badge' }, ' ', t('groups.archived'))] : []),
    actions: (g, act) => [h('button', { type: 'button', class: 'link', onClick: () => act('PATCH', { archived: !g.archived }) },
      t(g.archived ? 'groups.unarchive' : 'groups.archive'))],
  });
}
