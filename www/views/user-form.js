import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText, validateNewUser } from '../pkg/roster_wasm.js';
import { options } from './labels.js';

const TEXT_FIELDS = ['last_name', 'first_name', 'email', 'mobile', 'employee_id', 'department'];
const CHOICES = ['user_type', 'role', 'licence_level', 'preferred_channel', 'language'];

/** The web form that creates one user (B1), checked by the core as you type. */
export async function newUser(session) {
  const inputs = {};
  const errors = {};
  const field = (name, control, hint) => {
    inputs[name] = control;
    errors[name] = h('span', { class: 'error', id: `${name}-error` });
    control.setAttribute('aria-describedby', `${name}-error`);
    return h('label', {}, t(`form.${name}`), hint && h('span', { class: 'hint' }, hint), control, errors[name]);
  };
  const text = (name, type = 'text') => h('input', { name, type, autocomplete: 'off' });
  const choice = (name, auto) => h('select', { name },
    auto && h('option', { value: '' }, auto),
    options(name).map(({ code, label }) => h('option', { value: code, selected: name === 'language' && code === session.language }, label)));

  const submit = h('button', { type: 'submit', class: 'primary' }, t('form.submit'));
  const form = h('form', { class: 'grid card', novalidate: true },
    h('p', { class: 'full muted' }, t('form.intro')),
    field('last_name', text('last_name')), field('first_name', text('first_name')),
    field('email', text('email', 'email')), field('mobile', text('mobile', 'tel'), t('form.mobileHint')),
    field('employee_id', text('employee_id')), field('department', text('department')),
    field('user_type', choice('user_type')), field('role', choice('role')),
    field('licence_level', choice('licence_level')), field('preferred_channel', choice('preferred_channel', t('form.channelAuto'))),
    field('language', choice('language')),
    h('div', { class: 'full inline' }, submit, h('a', { href: '#/users' }, h('button', { type: 'button' }, t('form.cancel')))));
  // Defaults as the server applies them: member rights, creator licence.
  inputs.licence_level.value = 'creator';

  const values = () => Object.fromEntries([...TEXT_FIELDS, ...CHOICES].map((k) => [k, inputs[k].value]).filter(([, v]) => v !== ''));
  const touched = new Set();

  function render(fieldErrors, only) {
    for (const name of Object.keys(inputs)) {
      if (only && !only.has(name)) continue;
      const found = fieldErrors[name];
      const message = found ? (messageText(found.code, lang()) || found.message) : '';
      errors[name].textContent = message;
      inputs[name].setAttribute('aria-invalid', String(Boolean(found)));
    }
  }

  function check(only) {
    const result = validateNewUser(values(), lang(), session.role, session.country_code);
    render(result.ok ? {} : result.fields, only);
    return result.ok;
  }

  form.addEventListener('focusout', (event) => {
    if (!event.target.name) return;
    touched.add(event.target.name);
    check(touched);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!check()) return;
    submit.disabled = true;
    try {
      const created = await api('POST', '/users', values());
      toast(t('form.created', { name: [created.first_name, created.last_name].filter(Boolean).join(' ') }));
      location.hash = `#/users?q=${encodeURIComponent(created.email || created.mobile || created.last_name)}`;
    } catch (error) {
      if (error.status === 422) render(error.fields);
      else toast(error.status ? error.message : t('error.network'));
    } finally {
      submit.disabled = false;
    }
  });

  show(h('h1', {}, t('form.title')), form);
  inputs.last_name.focus();
}
