import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText, validateNewUser } from '../pkg/roster_wasm.js';
import { options } from './labels.js';

const TEXT_FIELDS = ['last_name', 'first_name', 'email', 'mobile', 'employee_id', 'department'];
const CHOICES = ['user_type', 'role', 'licence_level', 'preferred_channel', 'language'];

/** The web form that creates one user (B1), checked by the core as you type. */
export async function newUser(session) {
  userForm(session, null);
}

/** The same form filled with one user's details, which it saves (F2). */
export async function editUser(session, id) {
  userForm(session, await api('GET', `/users/${id}`));
}

/**
 * The user form: empty to create a user, or filled with `user` to edit
 * them. The core checks it as the admin types; the server checks it again
 * and adds what only it knows (addresses taken, licences left).
 */
function userForm(session, user) {
  const inputs = {};
  const errors = {};
  const labelsOf = {};
  const field = (name, control, hint) => {
    inputs[name] = control;
    errors[name] = h('span', { class: 'error', id: `${name}-error` });
    control.setAttribute('aria-describedby', `${name}-error`);
    labelsOf[name] = h('label', {}, t(`form.${name}`), hint && h('span', { class: 'hint' }, hint), control, errors[name]);
    return labelsOf[name];
  };
  const text = (name, type = 'text') => h('input', { name, type, autocomplete: 'off' });
  const choice = (name, auto) => h('select', { name },
    auto && h('option', { value: '' }, auto),
    options(name).map(({ code, label }) => h('option', { value: code, selected: name === 'language' && code === session.language }, label)));

  const back = user ? `#/users/${user.id}` : '#/users';
  const submit = h('button', { type: 'submit', class: 'primary' }, t(user ? 'form.save' : 'form.submit'));
  const form = h('form', { class: 'grid card', novalidate: true, dataset: { userForm: user ? 'edit' : 'new' } },
    h('p', { class: 'full muted' }, t(user ? 'form.editIntro' : 'form.intro')),
    field('last_name', text('last_name')), field('first_name', text('first_name')),
    field('email', text('email', 'email')), field('mobile', text('mobile', 'tel'), t('form.mobileHint')),
    field('employee_id', text('employee_id')), field('department', text('department')),
    field('user_type', choice('user_type')), field('role', choice('role')),
    field('licence_level', choice('licence_level')), field('preferred_channel', choice('preferred_channel', t('form.channelAuto'))),
    field('language', choice('language')),
    h('div', { class: 'full inline' }, submit, h('a', { href: back }, h('button', { type: 'button' }, t('form.cancel')))));
  const fields = [...TEXT_FIELDS, ...CHOICES];
  if (user) {
    for (const name of fields) inputs[name].value = user[name] ?? '';
    // Administrators do not change their own role.
    if (user.id === session.user.id) inputs.role.disabled = true;
  } else {
    // Defaults as the server applies them: member rights, creator licence.
    inputs.licence_level.value = 'creator';
  }

  // Optional fields the company does not use are not offered, unless the
  // user already has a value there.
  for (const name of ['mobile', 'employee_id', 'department']) {
    if (!(session.optional_fields ?? []).includes(name) && !user?.[name]) labelsOf[name].hidden = true;
  }

  // A new user leaves out what is empty; an edit sends it, which clears it.
  const values = () => Object.fromEntries(fields.map((k) => [k, inputs[k].value]).filter(([, v]) => user || v !== ''));
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
    const filled = Object.fromEntries(Object.entries(values()).filter(([, v]) => v !== ''));
    const result = validateNewUser(filled, lang(), session.role, session.country_code);
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
      const saved = await api(user ? 'PATCH' : 'POST', user ? `/users/${user.id}` : '/users', values());
      const name = [saved.first_name, saved.last_name].filter(Boolean).join(' ');
      toast(t(user ? 'form.saved' : 'form.created', { name }));
      location.hash = user ? back : `#/users?q=${encodeURIComponent(saved.email || saved.mobile || saved.last_name)}`;
    } catch (error) {
      if (error.status === 422) render(error.fields);
      else toast(error.status ? error.message : t('error.network'));
    } finally {
      submit.disabled = false;
    }
  });

  const title = user ? t('form.editTitle', { name: [user.first_name, user.last_name].filter(Boolean).join(' ') }) : t('form.title');
  show(h('h1', {}, title), form);
  inputs.last_name.focus();
}
