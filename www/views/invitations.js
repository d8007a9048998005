import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t, when } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';
import { options } from './labels.js';

const explain = (error) => {
  const first = Object.values(error.fields || {})[0];
  return first ? (messageText(first.code, lang()) || first.message) : (error.status ? error.message : t('error.network'));
};

/** Simple invitation (B2): paste addresses, see what will happen, send; pending invitations below. */
export async function invitations() {
  const { items: groups } = await api('GET', '/groups');
  const text = h('textarea', { name: 'text', rows: 8, 'aria-label': t('invite.paste'), placeholder: t('invite.placeholder') });
  const type = h('select', { name: 'user_type', 'aria-label': t('form.user_type') },
    options('user_type').map((o) => h('option', { value: o.code }, o.label)));
  const group = h('select', { name: 'group', 'aria-label': t('invite.group') },
    h('option', { value: '' }, t('invite.noGroup')),
    groups.filter((g) => !g.archived).map((g) => h('option', { value: g.id }, g.name)));
  const plan = h('div', { class: 'plan', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', class: 'primary', disabled: true, dataset: { action: 'send' } }, t('invite.send'));
  const pendingBody = h('tbody');
  const body = () => ({ text: text.value, user_type: type.value, ...(group.value ? { group: Number(group.value) } : {}) });

  function showPlan(result) {
    const c = result.counts;
    plan.replaceChildren(
      h('p', { dataset: { counts: '' } }, t('invite.counts', { invite: c.invite, users: c.already_user, invited: c.already_invited, duplicates: c.duplicate, invalid: c.invalid })),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('invite.entry')), h('th', {}, t('invite.outcome')))),
        h('tbody', {}, result.lines.map((l) => h('tr', { dataset: { verdict: l.verdict } },
          h('td', {}, l.text),
          h('td', {}, h('span', { class: `badge ${l.verdict}` }, t(`invite.verdict.${l.verdict}`)),
            l.problem ? ` ${messageText(l.problem, lang()) || l.message}` : ''))))));
    send.disabled = c.invite === 0;
  }

  async function preview() {
    try {
      showPlan(await api('POST', '/invitations/preview', body()));
    } catch (e) {
      send.disabled = true;
      plan.replaceChildren(h('p', { class: 'error', role: 'alert' }, explain(e)));
    }
  }

  send.addEventListener('click', async () => {
    send.disabled = true;
    try {
      const result = await api('POST', '/invitations', body());
      toast(t('invite.sent', { n: result.counts.invite }));
      text.value = '';
      plan.replaceChildren();
      await reload();
    } catch (e) {
      plan.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.status === 409 ? t('invite.clash') : explain(e)));
    }
  });

  async function reload() {
    const { items } = await api('GET', '/invitations');
    pendingBody.replaceChildren(...(items.length ? items.map((i) => h('tr', { dataset: { invitationId: i.id } },
      h('td', {}, i.address, i.bounced_at ? h('span', { class: 'badge bounced' }, ' ', t('invite.bounced')) : ''),
      h('td', {}, [i.first_name, i.last_name].filter(Boolean).join(' ') || '—'),
      h('td', {}, t('invite.sentOn', { at: when(i.sent_at) })),
      h('td', {}, i.expired ? h('span', { class: 'badge failed' }, t('invite.expired')) : t('invite.until', { at: when(i.expires_at) })),
      h('td', {},
        h('button', { type: 'button', class: 'link', async onClick() {
          await api('POST', `/invitations/${i.id}/resend`, {}).then(() => toast(t('invite.resent')), (e) => toast(explain(e)));
          await reload();
        } }, t('invite.resend')),
        h('button', { type: 'button', class: 'link danger', async onClick() {
          if (!confirm(t('invite.confirmDestroy', { address: i.address }))) return;
          await api('DELETE', `/invitations/${i.id}`).catch((e) => toast(explain(e)));
          await reload();
        } }, t('invite.destroy')))))
      : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, t('invite.nonePending')))]));
  }

  show(
    h('h1', {}, t('invite.title')),
    h('p', { class: 'muted' }, t('invite.intro')),
    h('div', { class: 'card' }, text, h('div', { class: 'toolbar' }, type, group,
      h('button', { type: 'button', dataset: { action: 'preview' }, onClick: preview }, t('invite.preview')), send), plan),
    h('h2', {}, t('invite.pending')),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('invite.address')), h('th', {}, t('users.name')),
      h('th', {}, t('invite.sentColumn')), h('th', {}, t('invite.link')), h('th', {}))), pendingBody),
  );
  await reload();
}
