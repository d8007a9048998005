import { h, show } from '../dom.js';
import { lang, setLang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

/** The public sign-up page of an invitation link (B2): names and password, once. */
export async function signup(secret) {
  const response = await fetch(`/api/v1/signup/${encodeURIComponent(secret)}`, { headers: { accept: 'application/json' } });
  const invitation = await response.json().catch(() => null);
  if (!response.ok) {
    return show(h('div', { class: 'card narrow' }, h('h1', {}, t('signup.title')),
      h('p', { class: 'error', role: 'alert' }, response.status === 410 ? invitation?.error?.message || t('signup.gone') : t('signup.unknown'))));
  }
  if (!localStorage.getItem('roster.language') && invitation.language !== lang()) setLang(invitation.language);
  const field = (name, label, attrs = {}) => {
    const input = h('input', { name, id: `signup-${name}`, required: true, ...attrs });
    const problem = h('span', { class: 'error', dataset: { field: name } });
    return { input, problem, node: h('p', {}, h('label', { for: `signup-${name}` }, label), input, problem) };
  };
  const last = field('last_name', t('form.last_name'), { value: invitation.last_name || '', autocomplete: 'family-name', maxlength: 100 });
  const first = field('first_name', t('form.first_name'), { value: invitation.first_name || '', autocomplete: 'given-name', maxlength: 100 });
  const password = field('password', t('signup.password'), { type: 'password', autocomplete: 'new-password', maxlength: 200 });
  const status = h('p', { role: 'alert' });
  const form = h('form', { class: 'card narrow', async onSubmit(event) {
    event.preventDefault();
    for (const f of [last, first, password]) f.problem.textContent = '';
    const answer = await fetch(`/api/v1/signup/${encodeURIComponent(secret)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ last_name: last.input.value, first_name: first.input.value, password: password.input.value }),
    });
    const json = await answer.json().catch(() => null);
    if (answer.ok) {
      return show(h('div', { class: 'card narrow' }, h('h1', {}, t('signup.title')), h('p', { dataset: { signedUp: '' } }, t('signup.done', { company: invitation.company }))));
    }
    for (const [name, problem] of Object.entries(json?.fields || {})) {
      const target = { last_name: last, first_name: first, password }[name];
      if (target) target.problem.textContent = messageText(problem.code, lang()) || problem.message;
    }
    if (!json?.fields) status.textContent = json?.error?.message || t('error.generic');
  } },
  h('h1', {}, t('signup.title')),
  h('p', {}, t('signup.intro', { company: invitation.company, address: invitation.address })),
  last.node, first.node, password.node,
  h('button', { type: 'submit', class: 'primary' }, t('signup.submit')), status);
  show(form);
}
