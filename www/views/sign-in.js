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
        const credentials = { email: email.value, password: password.value };
        const profile = await api('POST', '/session', credentials);
        if ((profile.companies || []).length > 1) return chooseCompany(credentials, profile, done);
        done(profile);
      } catch (e) {
        error.textContent = !e.status ? t('error.network')
          : e.code === 'too_many_attempts' ? t('signIn.tooMany') : e.message;
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

/**
 * An address that administers several companies is signed in to the first
 * by name; it may stay there or pick another, which signs in again.
 */
function chooseCompany(credentials, profile, done) {
  const error = h('p', { class: 'error', role: 'alert' });
  const choices = profile.companies.map((company) => h('li', {}, h('button', {
    type: 'button',
    class: company.id === profile.company.id ? 'primary' : '',
    dataset: { companyId: company.id },
    async onClick(event) {
      if (company.id === profile.company.id) return done(profile);
      event.currentTarget.disabled = true;
      try {
        done(await api('POST', '/session', { ...credentials, company_id: company.id }));
      } catch (e) {
        error.textContent = e.status ? e.message : t('error.network');
      }
    },
  }, company.name)));
  show(h('div', { class: 'card narrow', dataset: { chooseCompany: '' } },
    h('h1', {}, t('signIn.chooseCompany')),
    h('p', { class: 'muted' }, t('signIn.severalCompanies')),
    h('ul', { class: 'choices' }, choices),
    error));
}
