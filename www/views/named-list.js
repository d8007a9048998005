import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

const fieldMessage = (error) => {
  const found = error.fields?.name;
  return found ? (messageText(found.code, lang()) || found.message) : (error.status ? error.message : t('error.network'));
};

/**
 * A page of named things of the company (groups, tags): list, create,
 * rename, delete, and what each kind adds.
 * - `kind`: the API collection (`groups`, `tags`) and the prefix of the texts;
 * - `columns`: counts shown after the name, each `[text key, item => value]`;
 * - `href(item)`: where the name leads, if anywhere;
 * - `badges(item)` and `actions(item, act, { edit, reload })`: extra nodes
 *   after the name and extra buttons; `act(method, payload, under)` changes
 *   the item (or what is `under` its address) and reloads, `edit(form)`
 *   puts a form in place of the name,
 *   `reload()` shows the list again;
 * - `links`: nodes shown above the list;
 * - `bulk`: actions on ticked items, each `[text key, async ids => message]`;
 * - `deletable`: whether the delete button is offered (administrators delete);
 * - `owned(item)`: false for an item another company shares (not renamed
 *   nor deleted here).
 */
export async function namedList({ kind, columns, href = () => null, badges = () => [], actions = () => [], links = [], bulk = [], deletable = true, owned = () => true }) {
  const body = h('tbody');
  const name = h('input', { name: 'name', placeholder: t(`${kind}.new`), 'aria-label': t(`${kind}.new`), maxlength: 100 });
  const error = h('span', { class: 'error', role: 'alert' });
  const width = columns.length + 2 + (bulk.length ? 1 : 0);
  const ticked = new Set();
  const selected = h('span', { class: 'muted' });
  const bulkBar = h('div', { class: 'toolbar', hidden: true, dataset: { selection: kind } }, selected,
    bulk.map(([label, run]) => h('button', { type: 'button', async onClick() {
      try {
        toast(await run([...ticked]));
        ticked.clear();
        await reload();
      } catch (e) {
        toast(fieldMessage(e));
      }
    } }, t(label))));
  const showSelection = () => {
    bulkBar.hidden = ticked.size === 0;
    selected.textContent = t('named.selected', { n: ticked.size });
  };

  async function reload() {
    const { items } = await api('GET', `/${kind}`);
    for (const id of [...ticked]) if (!items.some((item) => item.id === id)) ticked.delete(id);
    showSelection();
    body.replaceChildren(...(items.length ? items.map(row) : [h('tr', {}, h('td', { colspan: width, class: 'muted' }, t(`${kind}.none`)))]));
  }

  function tick(item) {
    const box = h('input', { type: 'checkbox', checked: ticked.has(item.id), 'aria-label': item.name });
    box.addEventListener('change', () => {
      if (box.checked) ticked.add(item.id);
      else ticked.delete(item.id);
      showSelection();
    });
    return h('td', {}, box);
  }

  function row(item) {
    const link = href(item);
    const cell = h('td', {}, link ? h('a', { href: link }, item.name) : item.name, ...badges(item));
    const rename = (form) => {
      if (form) {
        cell.replaceChildren(form);
        form.querySelector('input')?.focus();
        return;
      }
      const input = h('input', { value: item.name, 'aria-label': t(`${kind}.rename`), maxlength: 100 });
      const problem = h('span', { class: 'error', role: 'alert' });
      const save = async (event) => {
        event.preventDefault();
        try {
          await api('PATCH', `/${kind}/${item.id}`, { name: input.value });
          await reload();
        } catch (e) {
          problem.textContent = fieldMessage(e);
        }
      };
      cell.replaceChildren(h('form', { class: 'inline', onSubmit: save }, input,
        h('button', { type: 'submit' }, t('named.save')),
        h('button', { type: 'button', onClick: reload }, t('named.cancel')), problem));
      input.select();
    };
    const act = async (method, payload, under = '') => {
      try {
        await api(method, `/${kind}/${item.id}${under}`, payload);
        await reload();
        return true;
      } catch (e) {
        toast(fieldMessage(e));
        return false;
      }
    };
    return h('tr', { dataset: { itemId: item.id } },
      bulk.length ? tick(item) : '',
      cell,
      ...columns.map(([, value]) => h('td', {}, value(item))),
      h('td', {},
        owned(item) ? h('button', { type: 'button', class: 'link', onClick: () => rename() }, t(`${kind}.rename`)) : '',
        ...actions(item, act, { edit: rename, reload }),
        !deletable || !owned(item) ? '' : h('button', { type: 'button', class: 'link danger', onClick: async () => {
          if (!confirm(t(`${kind}.confirmDelete`, { name: item.name }))) return;
          if (await act('DELETE')) toast(t(`${kind}.deleted`));
        } }, t('named.delete'))));
  }

  const create = h('form', { class: 'toolbar', async onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    try {
      await api('POST', `/${kind}`, { name: name.value });
      name.value = '';
      await reload();
    } catch (e) {
      error.textContent = fieldMessage(e);
    }
  } }, name, h('button', { type: 'submit', class: 'primary' }, t(`${kind}.create`)), error);

  show(h('h1', {}, t(`${kind}.title`)), create, ...links, bulkBar,
    h('table', { dataset: { list: kind } },
      h('thead', {}, h('tr', {}, bulk.length ? h('th', {}) : '', h('th', {}, t('named.name')), ...columns.map(([label]) => h('th', {}, t(label))), h('th', {}))),
      body));
  await reload();
}
