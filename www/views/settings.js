import { api } from '../api.js';
import { h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { messageText } from '../pkg/roster_wasm.js';

/** The company's settings page (A1): every administrator sees them; company
 * administrators change them. */
export async function settings(session, onChange) {
  const current = await api('GET', '/company/settings');
  const editable = session.role === 'company_admin';
  const importOn = h('input', { type: 'checkbox', name: 'invitation_file_import', checked: current.invitation_file_import, disabled: !editable });
  const challengeOn = h('input', { type: 'checkbox', name: 'public_link_challenge', checked: current.public_link_challenge, disabled: !editable });
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  if (!zones.includes(current.time_zone)) zones.unshift(current.time_zone);
  const zone = h('select', { name: 'time_zone', disabled: !editable },
    zones.map((z) => h('option', { value: z, selected: z === current.time_zone }, z)));
  const number = (name, max) => h('input', { type: 'number', name, min: 1, max, step: 1, value: current[name], disabled: !editable, required: true });
  const guardUsers = number('mass_action_guard_users', 1000000);
  const guardPercent = number('mass_action_guard_percent', 100);
  const gold = current.plan === 'gold';
  const advancedOn = h('input', { type: 'checkbox', name: 'advanced_permissions', checked: current.advanced_permissions, disabled: !editable || !gold });
  const optional = ['mobile', 'employee_id', 'department'].map((name) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'optional_fields', value: name, checked: current.optional_fields.includes(name), disabled: !editable }), ' ', t(`form.${name}`)));
  const error = h('span', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary', hidden: !editable }, t('settings.save'));
  const form = h('form', { class: 'card', novalidate: true, dataset: { settings: '' } },
    h('dl', {},
      h('dt', { class: 'muted' }, t('settings.plan')), h('dd', { dataset: { plan: current.plan } }, t(`settings.plan.${current.plan}`)),
      h('dt', { class: 'muted' }, t('settings.licenceCapacity')), h('dd', {}, String(current.licence_capacity))),
    h('p', { class: 'muted' }, t('settings.platformSet')),
    h('label', { class: 'check' }, advancedOn, ' ', t('settings.advancedPermissions')),
    h('p', { class: 'muted' }, t(gold ? 'settings.advancedPermissionsHelp' : 'settings.advancedPermissionsGold')),
    h('fieldset', { class: 'inline' }, h('legend', {}, t('settings.optionalFields')), optional),
    h('p', { class: 'muted' }, t('settings.optionalFieldsHelp')),
    h('label', { class: 'check' }, importOn, ' ', t('settings.invitationFileImport')),
    h('p', { class: 'muted' }, t('settings.invitationFileImportHelp')),
    h('label', { class: 'check' }, challengeOn, ' ', t('settings.publicLinkChallenge')),
    h('p', { class: 'muted' }, t('settings.publicLinkChallengeHelp')),
    h('label', {}, t('settings.timeZone'), zone),
    h('p', { class: 'muted' }, t('settings.timeZoneHelp')),
    h('fieldset', { class: 'inline' }, h('legend', {}, t('settings.massGuard')),
      h('label', {}, t('settings.massGuardUsers'), guardUsers),
      h('label', {}, t('settings.massGuardPercent'), guardPercent)),
    h('p', { class: 'muted' }, t('settings.massGuardHelp')),
    editable ? '' : h('p', { class: 'muted' }, t('settings.companyAdminsOnly')),
    h('p', { class: 'inline' }, save, ' ', error));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    save.disabled = true;
    try {
      const saved = await api('PATCH', '/company/settings', {
        invitation_file_import: importOn.checked, public_link_challenge: challengeOn.checked, time_zone: zone.value,
        mass_action_guard_users: Number(guardUsers.value), mass_action_guard_percent: Number(guardPercent.value),
        optional_fields: [...form.querySelectorAll('input[name="optional_fields"]:checked')].map((i) => i.value),
        ...(gold ? { advanced_permissions: advancedOn.checked } : {}),
      });
      toast(t('settings.saved'));
      onChange(saved);
    } catch (e) {
      const field = Object.values(e.fields ?? {})[0];
      error.textContent = field ? (messageText(field.code, lang()) || field.message) : e.message;
    } finally {
      save.disabled = false;
    }
  });
  show(h('h1', {}, t('settings.title')), form);
}
