// The Roster console: boots the core's WebAssembly package, then routes
// between views by the URL's hash.
import init from './pkg/roster_wasm.js';
import { api, navigated } from './api.js';
import { show, h } from './dom.js';
import { may } from './access.js';

await init();
const { t, lang, setLang } = await import('./i18n.js');
const views = {
  signIn: (await import('./views/sign-in.js')).signIn,
  users: (await import('./views/users.js')).users,
  user: (await import('./views/user.js')).user,
  newUser: (await import('./views/user-form.js')).newUser,
  editUser: (await import('./views/user-form.js')).editUser,
  dashboard: (await import('./views/dashboard.js')).dashboard,
  insights: (await import('./views/insights.js')).insights,
  groups: (await import('./views/groups.js')).groups,
  memberships: (await import('./views/memberships.js')).memberships,
  tags: (await import('./views/tags.js')).tags,
  userImport: (await import('./views/import.js')).userImport,
  invitationImport: (await import('./views/invitation-import.js')).invitationImport,
  settings: (await import('./views/settings.js')).settings,
  jobs: (await import('./views/jobs.js')).jobs,
  outbox: (await import('./views/outbox.js')).outbox,
  invitations: (await import('./views/invitations.js')).invitations,
  activities: (await import('./views/activities.js')).activities,
  activity: (await import('./views/activities.js')).activity,
  contacts: (await import('./views/contacts.js')).contacts,
  signup: (await import('./views/signup.js')).signup,
  password: (await import('./views/password.js')).password,
  profiles: (await import('./views/profiles.js')).profiles,
};

/** The signed-in administrator and company, or null. */
let session = null;

function layout() {
  const bar = document.querySelector('.bar');
  bar.hidden = !session;
  if (session) {
    document.querySelector('[data-company]').textContent = session.company.name;
    const { first_name: first, last_name: last } = session.user;
    document.querySelector('[data-who]').textContent = [first, last].filter(Boolean).join(' ');
    // Only what the user may use is offered; the invitation file import
    // and permission profiles are company settings besides.
    for (const el of document.querySelectorAll('[data-nav]')) el.hidden = !offered(el.dataset.nav);
  }
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll('[data-lang]')) el.setAttribute('aria-pressed', String(el.dataset.lang === lang()));
  const section = location.hash.split('/')[1] || home();
  for (const el of document.querySelectorAll('[data-nav]')) el.classList.toggle('current', el.dataset.nav === section);
}

/** Whether the console offers the page `nav` to the signed-in user. */
function offered(nav) {
  const link = document.querySelector(`[data-nav="${nav}"]`);
  if (!link || !may(session, link.dataset.needs)) return false;
  if (nav === 'invitation-import') return session.invitation_file_import;
  if (nav === 'profiles') return session.advanced_permissions;
  return true;
}

/** The first page the user may see: the directory for most. */
function home() {
  if (!session || offered('users')) return 'users';
  return [...document.querySelectorAll('[data-nav]')].map((el) => el.dataset.nav).find(offered) ?? 'settings';
}

async function route() {
  navigated();
  layout();
  // The sign-up page of an invitation link is public.
  const signup = location.hash.match(/^#\/signup\/([^/?]+)/);
  if (signup) {
    document.querySelector('.bar').hidden = true;
    return views.signup(decodeURIComponent(signup[1])).catch(() => show(h('p', { class: 'error' }, t('error.network'))));
  }
  // So is the page of a link to choose a new password.
  const password = location.hash.match(/^#\/password\/([^/?]+)/);
  if (password) {
    document.querySelector('.bar').hidden = true;
    return views.password(decodeURIComponent(password[1])).catch(() => show(h('p', { class: 'error' }, t('error.network'))));
  }
  if (!session) {
    try {
      session = await api('GET', '/session');
      layout();
    } catch {
      return views.signIn(async (profile) => { session = profile; await route(); });
    }
  }
  const [, section = home(), param, sub] = location.hash.split('?')[0].split('/');
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  try {
    if (section === 'users' && param === 'new') return await views.newUser(session);
    if (section === 'users' && param && sub === 'edit') return await views.editUser(session, Number(param));
    if (section === 'users' && param) return await views.user(session, Number(param));
    if (section === 'dashboard') return await views.dashboard();
    if (section === 'insights') return await views.insights();
    if (section === 'groups' && param === 'matrix') return await views.memberships(null);
    if (section === 'groups' && param) return await views.memberships(Number(param));
    if (section === 'groups') return await views.groups(session);
    if (section === 'tags') return await views.tags(session);
    if (section === 'import') return await views.userImport(session);
    if (section === 'invitation-import' && session.invitation_file_import) return await views.invitationImport(session);
    if (section === 'settings') {
      return await views.settings(session, (saved) => {
        session = { ...session, ...saved };
        layout();
      });
    }
    if (section === 'jobs') return await views.jobs(session, param);
    if (section === 'outbox') return await views.outbox(session);
    if (section === 'invite') return await views.invitations(session);
    if (section === 'activities' && param) return await views.activity(session, Number(param));
    if (section === 'activities') return await views.activities(session);
    if (section === 'contacts') return await views.contacts(session);
    if (section === 'profiles' && session.advanced_permissions) return await views.profiles();
    return await views.users(session, query);
  } catch (error) {
    if (error.status === 401) return;
    // A refusal names what is missing, in the user's language.
    if (error.status === 403) return show(h('p', { class: 'error', dataset: { denied: error.permission ?? '' } }, error.message));
    show(h('p', { class: 'error' }, error.status ? t('error.generic') : t('error.network')));
    console.error(error);
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('roster:signed-out', () => { session = null; route(); });
document.querySelector('[data-action="sign-out"]').addEventListener('click', async () => {
  await api('DELETE', '/session').catch(() => {});
  session = null;
  location.hash = '#/users';
  route();
});
for (const button of document.querySelectorAll('[data-lang]')) {
  button.addEventListener('click', () => { setLang(button.dataset.lang); route(); });
}
document.documentElement.lang = lang();
route();
