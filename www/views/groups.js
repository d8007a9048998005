import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

const fieldMessage = (error) => {
  const found = error.fields?.name;
  return found ? (messageText(found.code, lang()) || found.message) : (error.status ? error.message : t('error.network'));
};

/** Groups: create, rename, archive, delete (G1). */
export async function groups() {
  const body = h('tbody');
  const name = h('input', { name: 'name', placeholder: t('groups.new'), 'aria-label': t('groups.new'), maxlength: 100 });
  const error = h('span', { class: 'error', role: 'alert' });

  async function reload() {
    const { items } = await api('GET', '/groups');
    body.replaceChildren(...(items.length ? items.map(row) : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('groups.none')))]));
  }

  function row(group) {
    const cell = h('td', {},
      h('a', { href: `#/users?group=${group.id}` }, group.name),
      group.archived ? h('span', { class: 'badge' }, ' ', t('groups.archived')) : '');
    const rename = () => {
      const input = h('input', { value: group.name, 'aria-label': t('groups.rename'), maxlength: 100 });
      const problem = h('span', { class: 'error' });
      const save = async (event) => {
        event.preventDefault();
        try {
          await api('PATCH', `/groups/${group.id}`, { name: input.value });
          await reload();
        } catch (e) {
          problem.textContent = fieldMessage(e);
        }
      };
      cell.replaceChildren(h('form', { class: 'inline', onSubmit: save }, input,
        h('button', { type: 'submit' }, t('groups.save')),
        h('button', { type: 'button', onClick: reload }, t('groups.cancel')), problem));
      input.select();
    };
    const act = async (method, payload) => {
      try {
        await api(method, `/groups/${group.id}`, payload);
        await reload();
      } catch (e) {
        toast(fieldMessage(e));
      }
    };
    return h('tr', { dataset: { groupId: group.id } },
      cell,
      h('td', {}, group.users),
      h('td', {}, group.contacts),
      h('td', {},
        h('button', { type: 'button', class: 'link', onClick: rename }, t('groups.rename')),
        h('button', { type: 'button', class: 'link', onClick: () => act('PATCH', { archived: !group.archived }) },
          t(group.archived ? 'groups.unarchive' : 'groups.archive')),
        h('button', { type: 'button', class: 'link danger', onClick: async () => {
          if (!confirm(t('groups.confirmDelete', { name: group.name }))) return;
          await act('DELETE');
          toast(t('groups.deleted'));
        } }, t('groups.delete'))));
  }

  const create = h('form', { class: 'toolbar', async onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    try {
      await api('POST', '/groups', { name: name.value });
      name.value = '';
      await reload();
    } catch (e) {
      error.textContent = fieldMessage(e);
    }
  } }, name, h('button', { type: 'submit', class: 'primary' }, t('groups.create')), error);

  show(h('h1', {}, t('groups.title')), create,
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, t('groups.name')), h('th', {}, t('groups.users')), h('th', {}, t('groups.contacts')), h('th', {}))),
      body));
  await reload();
}
