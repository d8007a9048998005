import { api } from '../api.js';
import { h, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
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

/** Where a group stands with partner companies (J6): shared by another
 * company, or shared by this one with some, with their member counts. */
function sharingBadges(g) {
  if (g.shared_by) return [h('span', { class: 'badge', dataset: { sharedBy: g.shared_by } }, t('groups.sharedBy', { company: g.shared_by }))];
  return g.partners.map((p) => h('span', { class: 'badge', dataset: { partner: p.name } }, t('groups.sharedWith', { company: p.name, n: p.users })));
}

/** The form sharing group `g` with a partner company by its code. */
function shareForm(g, reload) {
  const code = h('input', { name: 'partner-code', placeholder: 'xxxx-xxxx-xxxx', 'aria-label': t('groups.partnerCode'), maxlength: 40 });
  const problem = h('span', { class: 'error', role: 'alert' });
  return h('form', { class: 'inline', dataset: { shareGroup: g.id }, async onSubmit(event) {
    event.preventDefault();
    try {
      await api('POST', `/groups/${g.id}/partners`, { code: code.value });
      toast(t('groups.shared'));
      await reload();
    } catch (e) {
      const field = e.fields?.code;
      problem.textContent = field ? (messageText(field.code, lang()) || field.message) : e.message;
    }
  } }, g.name, ' — ', code, h('button', { type: 'submit' }, t('groups.share')), h('button', { type: 'button', onClick: reload }, t('named.cancel')), problem);
}

/** The company's partner code, for the companies that want to share a
 * group with it; administrators only. */
function partnerCode() {
  const shown = h('code', { dataset: { partnerCode: '' } }, '…');
  api('GET', '/company/partner-code').then((r) => { shown.textContent = r.code; }, () => { shown.textContent = '—'; });
  return h('p', { class: 'muted' }, t('groups.ownCode'), ' ', shown);
}

/** Groups: create, rename, archive, delete (G1); members by hand (G2);
 * their members exported, one group or a selection; shared with partner
 * companies (J6). */
export function groups(session) {
  const exporting = may(session, 'export_users');
  const administrator = may(session, 'administrator');
  return namedList({
    kind: 'groups',
    columns: [['groups.users', (g) => g.users], ['groups.contacts', (g) => g.contacts]],
    href: (g) => (g.archived ? null : `#/groups/${g.id}`),
    badges: (g) => [...(g.archived ? [h('span', { class: 'badge' }, ' ', t('groups.archived'))] : []), ...sharingBadges(g)],
    owned: (g) => !g.shared_by,
    actions: (g, act, { edit, reload }) => [
      h('a', { class: 'link', href: `#/users?group=${g.id}` }, t('groups.members')),
      g.shared_by ? '' : h('button', { type: 'button', class: 'link', onClick: () => act('PATCH', { archived: !g.archived }) },
        t(g.archived ? 'groups.unarchive' : 'groups.archive')),
      exporting ? h('button', { type: 'button', class: 'link', dataset: { exportGroup: g.id }, onClick: () => exportMembers([g.id]).then(toast, (e) => toast(e.message)) },
        t('groups.export')) : '',
      administrator && !g.shared_by ? h('button', { type: 'button', class: 'link', dataset: { share: g.id }, onClick: () => edit(shareForm(g, reload)) }, t('groups.share')) : '',
      ...(administrator ? g.partners.map((p) => h('button', { type: 'button', class: 'link danger', dataset: { unshare: p.name }, onClick: async () => {
        if (!confirm(t('groups.confirmUnshare', { company: p.name, name: g.name }))) return;
        if (await act('DELETE', undefined, `/partners/${p.id}`)) toast(t('groups.unshared'));
      } }, t('groups.unshare', { company: p.name }))) : [])],
    links: [h('p', {}, h('a', { href: '#/groups/matrix', dataset: { matrixLink: '' } }, t('groups.matrix'))), ...(administrator ? [partnerCode()] : [])],
    bulk: [['groups.archiveSelected', archiving(true)], ['groups.unarchiveSelected', archiving(false)],
      ...(exporting ? [['groups.exportSelected', exportMembers]] : [])],
    deletable: may(session, 'administrator'),
  });
}
