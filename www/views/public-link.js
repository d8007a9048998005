import { api } from '../api.js';
import { h, toast } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { labels, options } from './labels.js';

const problems = (error) => Object.entries(error.fields || {})
  .map(([field, p]) => `${t(`public.field.${field}`)} : ${messageText(p.code, lang()) || p.message}`)
  .join(' · ') || (error.status ? error.message : t('error.network'));

/** A person's name as the results show it. */
export const attemptName = (a) => [a.first_name, a.last_name].filter(Boolean).join(' ') || a.email || '—';

/**
 * The public link of a questionnaire or module (I1–I3): on/off, closing
 * date, identification form, address and QR code, regeneration.
 */
export function publicLinkCard(activity) {
  const card = h('div', { class: 'card', dataset: { publicLink: '' } });
  const fields = options('form_field');

  async function load() {
    try {
      draw(await api('GET', `/activities/${activity.id}/public-link`));
    } catch (e) {
      if (e.status === 404) draw(null); else card.replaceChildren(h('p', { class: 'error' }, problems(e)));
    }
  }

  function draw(link) {
    const error = h('p', { class: 'error', role: 'alert' });
    if (!link) {
      card.replaceChildren(h('h2', {}, t('public.title')), h('p', { class: 'muted' }, t('public.notYet')),
        h('button', { type: 'button', class: 'primary', dataset: { action: 'make-public' }, async onClick() {
          try { draw(await api('PUT', `/activities/${activity.id}/public-link`, {})); } catch (e) { error.textContent = problems(e); }
        } }, t('public.make')), error);
      return;
    }
    const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: link.enabled });
    const closes = h('input', { type: 'datetime-local', name: 'closes_at', value: link.closes_at_local || '' });
    const withForm = h('input', { type: 'checkbox', name: 'with_form', checked: Boolean(link.form) });
    const rules = new Map((link.form?.fields || []).map((r) => [r.field, r.required]));
    const rows = fields.map(({ code, label }) => ({
      code,
      ask: h('input', { type: 'checkbox', checked: rules.has(code), dataset: { ask: code }, 'aria-label': t('public.ask', { field: label }) }),
      required: h('input', { type: 'checkbox', checked: rules.get(code) === true, dataset: { required: code }, 'aria-label': t('public.required', { field: label }) }),
      label,
    }));
    const authRequired = h('input', { type: 'checkbox', name: 'authentication_required', checked: Boolean(link.form?.authentication_required) });
    const formBox = h('fieldset', { hidden: !withForm.checked }, h('legend', {}, t('public.formFields')),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('public.field')), h('th', {}, t('public.asked')), h('th', {}, t('public.mandatory')))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('td', {}, r.label), h('td', {}, r.ask), h('td', {}, r.required))))),
      h('label', { class: 'check' }, authRequired, ' ', t('public.authRequired')),
      h('p', { class: 'muted' }, t('public.authHelp')));
    withForm.addEventListener('change', () => { formBox.hidden = !withForm.checked; });
    const state = link.open
      ? h('span', { class: 'badge active', dataset: { linkState: 'open' } }, t('public.open'))
      : h('span', { class: 'badge inactive', dataset: { linkState: link.closed_reason } }, t(`public.closed.${link.closed_reason}`));
    const url = h('input', { type: 'text', readonly: true, value: link.url, size: 60, dataset: { linkUrl: '' }, 'aria-label': t('public.address') });
    const save = h('button', { type: 'submit', class: 'primary' }, t('public.save'));
    const form = h('form', { async onSubmit(event) {
      event.preventDefault();
      error.textContent = '';
      const body = {
        enabled: enabled.checked,
        closes_at: closes.value || null,
        form: withForm.checked ? {
          fields: rows.filter((r) => r.ask.checked).map((r) => ({ field: r.code, required: r.required.checked })),
          authentication_required: authRequired.checked,
        } : null,
      };
      try {
        draw(await api('PUT', `/activities/${activity.id}/public-link`, body));
        toast(t('public.saved'));
      } catch (e) {
        error.textContent = problems(e);
      }
    } },
    h('p', {}, h('label', { class: 'check' }, enabled, ' ', t('public.enabled'))),
    h('p', {}, h('label', {}, t('public.closesAt'), ' ', closes), ' ', h('span', { class: 'muted' }, t('public.closesHelp'))),
    h('p', {}, h('label', { class: 'check' }, withForm, ' ', t('public.withForm'))),
    formBox,
    h('p', { class: 'inline' }, save, ' ', error));
    card.replaceChildren(
      h('h2', {}, t('public.title'), ' ', state),
      h('div', { class: 'public-link' },
        h('div', {},
          h('p', {}, url, ' ', h('button', { type: 'button', onClick: async () => {
            await navigator.clipboard?.writeText(link.url).catch(() => {});
            toast(t('public.copied'));
          } }, t('public.copy')), ' ', h('a', { href: link.url, target: '_blank', rel: 'noopener' }, t('public.openPage'))),
          h('p', {}, h('a', { href: link.qr_svg, download: '' }, t('public.downloadSvg')), ' · ',
            h('a', { href: link.qr_png, download: '' }, t('public.downloadPng')), ' · ',
            h('button', { type: 'button', class: 'link', dataset: { action: 'regenerate' }, async onClick() {
              if (!confirm(t('public.confirmRegenerate'))) return;
              try { draw(await api('POST', `/activities/${activity.id}/public-link/regenerate`)); toast(t('public.regenerated')); } catch (e) { error.textContent = problems(e); }
            } }, t('public.regenerate')))),
        h('img', { src: `${link.qr_svg}?v=${encodeURIComponent(link.url)}`, alt: t('public.qrAlt'), width: 160, height: 160, class: 'qr' })),
      form);
  }

  load();
  return card;
}

/** The "free and public tests" tab (I6): attempts by users, contacts and guests. */
export function publicAttemptsTab(activity) {
  const body = h('tbody');
  const party = labels('party');
  async function reload() {
    const { items } = await api('GET', `/activities/${activity.id}/public-attempts`);
    body.replaceChildren(...(items.length ? items.map((a) => h('tr', { dataset: { attemptParty: a.party } },
      h('td', {}, h('span', { class: `badge ${a.party}` }, party[a.party])),
      h('td', {}, a.user_id ? h('a', { href: `#/users/${a.user_id}` }, attemptName(a)) : attemptName(a)),
      h('td', {}, a.email || ''), h('td', {}, a.company_name || ''),
      h('td', {}, when(a.started_at)), h('td', {}, a.finished_at ? when(a.finished_at) : t('public.inProgress')),
      h('td', {}, a.score ?? '')))
      : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('public.noAttempt')))]));
  }
  const node = h('section', { dataset: { tab: 'public-attempts' } },
    h('p', {}, h('button', { type: 'button', onClick: reload }, t('public.refresh'))),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('public.party')), h('th', {}, t('users.name')), h('th', {}, t('users.email')),
      h('th', {}, t('public.company')), h('th', {}, t('public.started')), h('th', {}, t('public.finished')), h('th', {}, t('public.score')))), body));
  node.reload = reload; // the tab refreshes whenever it is opened
  reload();
  return node;
}
