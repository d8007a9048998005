import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { inlineLabels } from './labels.js';

/** The message of a refused call, in the console's language. */
function reason(e) {
  const field = Object.values(e.fields ?? {})[0];
  if (field) return messageText(field.code, lang()) || field.message;
  return e.status ? e.message : t('error.network');
}

/** Permissions and (exported) predefined profiles' names in the console's
 * language (the server names them in the user's). */
const permissionLabel = (code) => inlineLabels('permission')[code] ?? code;
export const profileName = (p) => (p.preset ? inlineLabels('preset')[p.preset] : null) ?? p.name;

/** A permission's scope in words: by bases, by users, both or neither. */
function scopeOf(permission) {
  if (permission.bases && permission.users) return t('profiles.scopeBoth');
  if (permission.bases) return t('profiles.scopeBases');
  if (permission.users) return t('profiles.scopeUsers');
  return '';
}

/** Checkboxes for every permission of the catalogue, `held` ticked. */
function permissionBoxes(catalogue, held, name) {
  return h('ul', { class: 'checklist', dataset: { permissions: name } }, catalogue.map((p) => h('li', {},
    h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: p.code, checked: held.includes(p.code) }), ' ', permissionLabel(p.code),
      scopeOf(p) ? h('span', { class: 'muted' }, ` — ${scopeOf(p)}`) : ''))));
}

const ticked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);

/**
 * The permission profiles (H3): predefined ones, which can be edited but
 * not deleted, and the company's own; create, edit, delete one or a
 * selection.
 */
export async function profiles() {
  const { items, permissions: catalogue } = await api('GET', '/profiles');
  const selected = new Set();
  const deleteSelected = h('button', { type: 'button', disabled: true, dataset: { deleteSelected: '' } }, t('profiles.deleteSelected'));
  const refresh = () => { deleteSelected.disabled = selected.size === 0; };
  deleteSelected.addEventListener('click', async () => {
    if (!confirm(t('profiles.confirmDeleteMany', { n: selected.size }))) return;
    try {
      const { deleted } = await api('POST', '/profiles/delete', { profiles: [...selected] });
      toast(t('profiles.deleted', { n: deleted }));
      await profiles();
    } catch (e) {
      toast(reason(e));
    }
  });

  const editor = (profile) => {
    const name = h('input', { name: 'name', value: profile ? profileName(profile) : '', required: true, disabled: Boolean(profile?.preset), maxlength: 100 });
    const boxes = permissionBoxes(catalogue, profile?.permissions ?? [], 'profile');
    const error = h('span', { class: 'error', role: 'alert' });
    const form = h('form', { class: 'card', novalidate: true, dataset: { profileForm: profile?.id ?? 'new' } },
      h('h2', {}, profile ? t('profiles.edit', { name: profileName(profile) }) : t('profiles.create')),
      h('label', {}, t('profiles.name'), name),
      profile?.holders ? h('p', { class: 'muted' }, t('profiles.holdersChange', { n: profile.holders })) : '',
      boxes,
      h('p', { class: 'inline' }, h('button', { type: 'submit', class: 'primary' }, t('profiles.save')), ' ',
        h('button', { type: 'button', onClick: () => profiles() }, t('profiles.cancel')), ' ', error));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const body = { permissions: ticked(boxes) };
      if (!profile?.preset) body.name = name.value;
      try {
        if (profile) await api('PATCH', `/profiles/${profile.id}`, body);
        else await api('POST', '/profiles', body);
        toast(t('profiles.saved'));
        await profiles();
      } catch (e) {
        error.textContent = reason(e);
      }
    });
    return form;
  };

  const slot = h('div', {});
  const row = (p) => h('tr', { dataset: { profileId: p.id } },
    h('td', {}, p.preset ? '' : h('input', { type: 'checkbox', 'aria-label': t('profiles.select', { name: profileName(p) }), onChange: (e) => {
      if (e.target.checked) selected.add(p.id); else selected.delete(p.id);
      refresh();
    } })),
    h('td', {}, profileName(p), p.preset ? h('span', { class: 'badge' }, ` ${t('profiles.preset')}`) : ''),
    h('td', {}, p.permissions.map(permissionLabel).join(' · ') || '—'),
    h('td', {}, String(p.holders)),
    h('td', {},
      h('button', { type: 'button', class: 'link', 'aria-label': t('profiles.edit', { name: profileName(p) }), onClick: () => slot.replaceChildren(editor(p)) }, '✎'),
      p.preset ? '' : h('button', { type: 'button', class: 'link', 'aria-label': t('profiles.delete', { name: profileName(p) }), onClick: async () => {
        if (!confirm(t('profiles.confirmDelete', { name: profileName(p) }))) return;
        try {
          await api('DELETE', `/profiles/${p.id}`);
          toast(t('profiles.deleted', { n: 1 }));
          await profiles();
        } catch (e) {
          toast(reason(e));
        }
      } }, '🗑')));
  show(
    h('h1', {}, t('profiles.title')),
    h('p', { class: 'muted' }, t('profiles.intro')),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', onClick: () => slot.replaceChildren(editor(null)) }, t('profiles.create')), ' ', deleteSelected),
    slot,
    h('table', { dataset: { profiles: '' } },
      h('thead', {}, h('tr', {}, h('th', {}), h('th', {}, t('profiles.name')), h('th', {}, t('profiles.permissions')), h('th', {}, t('profiles.holders')), h('th', {}))),
      h('tbody', {}, items.map(row))),
  );
}

/**
 * A user's "Permission profiles" block (H4, H5): their profiles, each
 * permission with its origin — P for one a profile gives, the switch for a
 * personal one — and their perimeter of users and bases. Saved as one change.
 */
export async function permissionsSection(userId) {
  const [held, { items: all, permissions: catalogue }, { items: groups }, { items: bases }] = await Promise.all([
    api('GET', `/users/${userId}/permissions`), api('GET', '/profiles'), api('GET', '/groups'), api('GET', '/bases'),
  ]);
  const box = h('div', { class: 'card', dataset: { userPermissions: '' } });
  const profileBoxes = h('ul', { class: 'checklist', dataset: { userProfiles: '' } }, all.map((p) => h('li', {},
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: p.id, checked: held.profiles.includes(p.id) }), ' ', profileName(p)))));
  const rows = h('tbody', {});
  // The permissions the ticked profiles give, recomputed as profiles are ticked.
  const fromProfiles = () => {
    const ids = new Set(ticked(profileBoxes).map(Number));
    return new Set(all.filter((p) => ids.has(p.id)).flatMap((p) => p.permissions));
  };
  const personal = new Set(held.personal);
  const draw = () => {
    const given = fromProfiles();
    rows.replaceChildren(...catalogue.map((p) => h('tr', { dataset: { permission: p.code } },
      h('td', { class: 'origin', title: given.has(p.code) ? t('permissions.fromProfile') : '' }, given.has(p.code) ? 'P' : ''),
      h('td', {}, h('label', { class: 'check' },
        h('input', { type: 'checkbox', role: 'switch', checked: personal.has(p.code), 'aria-label': t('permissions.personal', { name: permissionLabel(p.code) }), onChange: (e) => {
          if (e.target.checked) personal.add(p.code); else personal.delete(p.code);
        } }), ' ', permissionLabel(p.code))),
      h('td', { class: 'muted' }, scopeOf(p)))));
  };
  profileBoxes.addEventListener('change', draw);
  draw();
  const allUsers = h('input', { type: 'checkbox', name: 'all_users', checked: held.perimeter.all_users });
  const groupPick = h('select', { multiple: true, name: 'groups', size: Math.min(8, Math.max(3, groups.length)), 'aria-label': t('permissions.groups') },
    groups.map((g) => h('option', { value: g.id, selected: held.perimeter.groups.includes(g.id) }, g.name)));
  const allBases = h('input', { type: 'checkbox', name: 'all_bases', checked: held.perimeter.all_bases });
  const basePick = h('select', { multiple: true, name: 'bases', size: Math.min(8, Math.max(3, bases.length)), 'aria-label': t('permissions.bases') },
    bases.map((b) => h('option', { value: b.id, selected: held.perimeter.bases.includes(b.id) }, b.name)));
  const sync = () => { groupPick.disabled = allUsers.checked; basePick.disabled = allBases.checked; };
  allUsers.addEventListener('change', sync);
  allBases.addEventListener('change', sync);
  sync();
  const picked = (select) => [...select.selectedOptions].map((o) => Number(o.value));
  const error = h('span', { class: 'error', role: 'alert' });
  const form = h('form', { novalidate: true },
    h('h3', {}, t('permissions.profiles')), profileBoxes,
    h('h3', {}, t('permissions.features')),
    h('p', { class: 'muted' }, t('permissions.legend')),
    h('table', { class: 'compact' }, rows),
    h('h3', {}, t('permissions.perimeter')),
    h('p', { class: 'muted' }, t('permissions.perimeterHelp')),
    h('label', { class: 'check' }, allUsers, ' ', t('permissions.allUsers')),
    h('label', {}, t('permissions.groups'), groupPick),
    h('label', { class: 'check' }, allBases, ' ', t('permissions.allBases')),
    h('label', {}, t('permissions.bases'), basePick),
    h('p', { class: 'inline' }, h('button', { type: 'submit', class: 'primary' }, t('permissions.save')), ' ', error));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await api('PUT', `/users/${userId}/permissions`, {
        profiles: ticked(profileBoxes).map(Number),
        personal: [...personal],
        perimeter: { all_users: allUsers.checked, groups: picked(groupPick), all_bases: allBases.checked, bases: picked(basePick) },
      });
      toast(t('permissions.saved'));
    } catch (e) {
      error.textContent = reason(e);
    }
  });
  box.append(form);
  return box;
}
