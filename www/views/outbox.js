import { api } from '../api.js';
import { h, show } from '../dom.js';
import { t, when, whenExactly } from '../i18n.js';

/** The messages waiting to be sent, readable on a local console (K3). */
export async function outbox() {
  let items;
  try {
    ({ items } = await api('GET', '/outbox'));
  } catch (error) {
    if (error.status !== 404) throw error;
    return show(h('h1', {}, t('outbox.title')), h('p', { class: 'muted' }, t('outbox.localOnly')));
  }
  show(
    h('h1', {}, t('outbox.title')),
    h('p', { class: 'muted' }, t('outbox.intro')),
    ...(items.length ? items.map((m) => h('article', { class: 'card message', dataset: { messageId: m.id } },
      h('p', { class: 'muted' }, `${m.channel} → ${m.recipient} · ${when(m.created_at)} `,
        h('span', { class: `badge ${m.status}` }, t(`outbox.status.${m.status}`))),
      m.last_error ? h('p', { class: 'error' }, t('outbox.attempts', { n: m.attempts, error: m.last_error }),
        m.next_attempt_at ? ` · ${t('outbox.nextAttempt', { at: whenExactly(m.next_attempt_at) })}` : '') : '',
      m.subject ? h('h2', {}, m.subject) : '',
      h('pre', {}, m.body))) : [h('p', { class: 'muted' }, t('outbox.none'))]),
  );
}
