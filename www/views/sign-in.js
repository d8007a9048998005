import { api } from '../api.js';
import { h, show } from '../dom.js';
import { t } from '../i18n.js';

/** The sign-in form; calls `done(profile)` once signed in. */
export function signIn(done) {
  const error = h('p', { class: 'error', role: 'alert' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('signIn.submit'));
  const form = h('form', {
    async onSubmit(event) {
      event.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        done(await api('POST', '/session', { email: email.value, password: password.value }));
      } catch (e) {
        error.textContent = e.status ? e.message : t('error.network');
        password.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, t('signIn.title')),
  h('p', {}, h('label', {}, t('signIn.email'), email)),
  h('p', {}, h('label', {}, t('signIn.password'), password)),
  error,
  submit);
  show(h('div', { class: 'card narrow' }, form));
  email.focus();
}
