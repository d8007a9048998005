import { h, show } from '../dom.js';
import { lang, setLang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

/** The public page of a password link (F3): a new password, once. */
export async function password(secret) {
  const path = `/api/v1/password/${encodeURIComponent(secret)}`;
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const link = await response.json().catch(() => null);
  const card = (...nodes) => show(h('div', { class: 'card narrow' }, h('h1', {}, t('password.title')), ...nodes));
  if (!response.ok) {
    return card(h('p', { class: 'error', role: 'alert' }, response.status === 410 ? link?.error?.message || t('signup.gone') : t('signup.unknown')));
  }
  if (!localStorage.getItem('roster.language') && link.language !== lang()) setLang(link.language);
  const input = h('input', { name: 'password', id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, maxlength: 200 });
  const problem = h('span', { class: 'error', dataset: { field: 'password' } });
  const status = h('p', { role: 'alert' });
  const form = h('form', { class: 'card narrow', async onSubmit(event) {
    event.preventDefault();
    problem.textContent = status.textContent = '';
    const answer = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ password: input.value }),
    });
    const json = await answer.json().catch(() => null);
    if (answer.ok) return card(h('p', { dataset: { passwordSet: '' } }, t('password.done', { company: link.company })));
    const found = json?.fields?.password;
    if (found) problem.textContent = messageText(found.code, lang()) || found.message;
    else status.textContent = json?.error?.message || t('error.generic');
  } },
  h('h1', {}, t('password.title')),
  h('p', {}, t('password.intro', { company: link.company, address: link.address })),
  h('p', {}, h('label', { for: 'new-password' }, t('signup.password')), input, problem),
  h('button', { type: 'submit', class: 'primary' }, t('password.submit')), status);
  show(form);
}
