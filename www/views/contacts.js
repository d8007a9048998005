import { api } from '../api.js';
import { may } from '../access.js';
import { h, show, toast } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

const problems = (error) => Object.entries(error.fields || {})
  .map(([field, p]) => `${t(`form.${field}`)} : ${messageText(p.code, lang()) || p.message}`)
  .join(' · ') || (error.status ? error.message : t('error.network'));

/** Contacts (A3): people without an account; searched, created, made users. */
export async function contacts(session) {
  const editing = may(session, 'edit_users');
  const body = h('tbody');
  const search = h('input', { type: 'search', placeholder: t('users.search'), 'aria-label': t('users.search') });
  async function reload() {
    const q = search.value.trim();
    const { items } = await api('GET', `/contacts${q ? `?q=${encodeURIComponent(q)}` : ''}`);
    body.replaceChildren(...(items.length ? items.map((c) => h('tr', { dataset: { contactId: c.id } },
      h('td', {}, [c.first_name, c.last_name].filter(Boolean).join(' ') || '—'),
      h('td', {}, c.email || c.mobile, c.bounced_at ? h('span', { class: 'badge bounced' }, ' ', t('invite.bounced')) : ''),
      h('td', {}, c.organisation || '—'),
      h('td', {}, c.invited_at ? t('invite.sentOn', { at: when(c.invited_at) }) : '—'),
      h('td', {}, !editing ? '' : h('button', { type: 'button', class: 'link', async onClick() {
        const last = c.last_name || prompt(t('form.last_name'));
        if (!last) return;
        try {
          const user = await api('POST', `/contacts/${c.id}/user`, { last_name: last });
          location.hash = `#/users/${user.id}`;
        } catch (e) {
          toast(problems(e));
        }
      } }, t('contacts.makeUser')))))
      : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, t('contacts.none')))]));
  }
  search.addEventListener('input', reload);
  const fields = ['last_name', 'first_name', 'email', 'mobile', 'organisation']
    .map((name) => h('input', { name, placeholder: t(`form.${name}`), 'aria-label': t(`form.${name}`), maxlength: 254 }));
  const error = h('span', { class: 'error', role: 'alert' });
  const create = h('form', { class: 'toolbar', async onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    const data = Object.fromEntries(fields.filter((f) => f.value.trim()).map((f) => [f.name, f.value]));
    try {
      await api('POST', '/contacts', data);
      fields.forEach((f) => { f.value = ''; });
      await reload();
    } catch (e) {
      error.textContent = problems(e);
    }
  } }, fields, h('button', { type: 'submit', class: 'primary' }, t('contacts.create')), error);
  show(h('h1', {}, t('contacts.title')), h('p', { class: 'muted' }, t('contacts.intro')), editing ? create : '', search,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('users.name')), h('th', {}, t('invite.address')),
      h('th', {}, t('form.organisation')), h('th', {}, t('user.invited')), h('th', {}))), body));
  await reload();
}
