// The console's words in French and English. Business messages (field
// errors) come from the core through the wasm package instead.
import { preferredLanguage } from './pkg/roster_wasm.js';

const WORDS = {
  en: {
    'nav.users': 'Users', 'nav.groups': 'Groups', 'nav.signOut': 'Sign out',
    'signIn.title': 'Sign in to Roster', 'signIn.email': 'E-mail address', 'signIn.password': 'Password',
    'signIn.submit': 'Sign in', 'signIn.failed': 'Signing in failed.',
    'signIn.tooMany': 'Too many attempts from here for this account. Wait 15 minutes, or sign in from a browser you used before.',
    'signIn.chooseCompany': 'Choose a company',
    'signIn.severalCompanies': 'This address administers several companies. Which one do you want to open?',
    'users.title': 'Users', 'users.search': 'Search by name, e-mail, mobile or employee id',
    'users.allStatuses': 'All statuses (except deleted)', 'users.allGroups': 'All groups', 'users.new': 'New user',
    'users.name': 'Name', 'users.email': 'E-mail', 'users.mobile': 'Mobile', 'users.type': 'Type', 'users.role': 'Role',
    'users.status': 'Status', 'users.lastAccess': 'Last access', 'users.none': 'No user matches.',
    'users.next': 'Next page', 'users.previous': 'Previous page', 'users.page': 'Page {n}',
    'form.title': 'New user', 'form.intro': 'The user is created without being told and cannot sign in until invited or activated.',
    'form.last_name': 'Last name', 'form.first_name': 'First name', 'form.email': 'E-mail address', 'form.mobile': 'Mobile',
    'form.mobileHint': 'International (+33 6 …) or national', 'form.employee_id': 'Employee id', 'form.department': 'Department',
    'form.user_type': 'User type', 'form.role': 'Rights', 'form.licence_level': 'Licence',
    'form.preferred_channel': 'Preferred channel', 'form.channelAuto': 'Automatic (e-mail if given, else SMS)',
    'form.language': 'Language', 'form.submit': 'Create user', 'form.cancel': 'Cancel', 'form.created': 'User {name} created.',
    'user.groups': 'Groups', 'user.noGroups': 'In no group.', 'user.back': 'Back to users',
    'user.created': 'Created', 'user.invited': 'Invited', 'user.activated': 'Activated',
    'groups.title': 'Groups', 'groups.name': 'Name', 'groups.users': 'Users', 'groups.contacts': 'Contacts',
    'groups.new': 'New group name', 'groups.create': 'Create group', 'groups.archived': 'archived',
    'groups.rename': 'Rename', 'groups.save': 'Save', 'groups.cancel': 'Cancel', 'groups.archive': 'Archive',
    'groups.unarchive': 'Unarchive', 'groups.delete': 'Delete', 'groups.members': 'Members',
    'groups.confirmDelete': 'Delete the group “{name}”? Its members stay in the directory.',
    'groups.none': 'No group yet.', 'groups.deleted': 'Group deleted.',
    'import.title': 'Import users', 'import.intro': 'The file is checked in your browser: you see every problem and every change before anything is sent.',
    'import.sample': 'Download the sample file', 'import.sampleName': 'roster-users-sample.xlsx', 'import.pick': 'XLSX or CSV file',
    'import.checking': 'Checking {name}…', 'import.checked': '{name} checked in {seconds} s.',
    'import.outcome.failed': 'Blocked: nothing would be imported', 'import.outcome.partial': 'Ready, with warnings', 'import.outcome.succeeded': 'Ready to import',
    'import.counts': '{rows} rows, {blocking} blocking problems, {warnings} warnings.',
    'import.plan': '{creates} users to create, {updates} to update, {unchanged} unchanged, {groups} groups to create.',
    'import.newGroups': 'New groups:', 'import.remarks': 'Remarks', 'import.allRemarks': 'All remarks', 'import.noRemark': 'No remark.',
    'import.blocking': 'Blocking', 'import.warning': 'Warning', 'import.info': 'Info', 'import.omitted': '{n} more remarks not listed.',
    'import.row': 'Row', 'import.column': 'Column', 'import.severity': 'Severity', 'import.message': 'Message',
    'import.updates': 'Changes to existing users', 'import.user': 'User', 'import.changes': 'Changes',
    'nav.import': 'Import',
    'import.report.csv': 'Download the report (CSV)', 'import.report.xlsx': 'Download the report (XLSX)', 'import.reportName': 'import-report',
    'import.apply': 'Import these {rows} rows', 'import.sending': 'Sending the file…', 'import.running': 'Importing on the server: {progress} %',
    'import.done': 'Imported', 'import.failed': 'Import failed: nothing was saved',
    'import.applied': '{created} users created, {updated} updated, {unchanged} unchanged, {groups} groups created.',
    'nav.jobs': 'Imports & exports', 'nav.outbox': 'Outbox',
    'users.exportList': 'Export this list:', 'users.export.csv': 'CSV', 'users.export.xlsx': 'XLSX',
    'users.exporting': 'Building the file: {rows} of {total} users ({percent} %)…', 'users.exported': 'File built with {rows} users.',
    'users.exportName': 'users', 'users.exportAll': 'Export all users in three files…',
    'jobs.title': 'Imports and exports', 'jobs.intro': 'The last 30 days. Finished files can be downloaded for 4 days; you are notified when an export is ready.',
    'jobs.request.csv': 'Export all users (CSV)', 'jobs.request.xlsx': 'Export all users (XLSX)', 'jobs.requested': 'Export requested: it is being built.',
    'jobs.kind': 'What', 'jobs.askedOn': 'Asked on', 'jobs.status': 'Status', 'jobs.files': 'Files',
    'jobs.import': 'Import of {name}', 'jobs.export': 'Users export ({format})', 'jobs.none': 'Nothing in the last 30 days.',
    'jobs.done': 'Done', 'jobs.failed': 'Failed', 'jobs.rows': '{n} rows', 'jobs.until': 'Downloadable until {at}', 'jobs.expired': 'Expired: files deleted after 4 days',
    'outbox.title': 'Outbox', 'outbox.intro': 'E-mails and text messages the product sends, newest first.',
    'outbox.none': 'No message yet.', 'outbox.localOnly': 'The outbox is readable only on a local console.',
    'error.generic': 'Something went wrong. Try again.', 'error.network': 'The server cannot be reached.',
  },
  fr: {
    'nav.users': 'Utilisateurs', 'nav.groups': 'Groupes', 'nav.signOut': 'Se déconnecter',
    'signIn.title': 'Connexion à Roster', 'signIn.email': 'Adresse e-mail', 'signIn.password': 'Mot de passe',
    'signIn.submit': 'Se connecter', 'signIn.failed': 'La connexion a échoué.',
    'signIn.tooMany': 'Trop de tentatives d’ici pour ce compte. Patientez 15 minutes, ou connectez-vous depuis un navigateur déjà utilisé.',
    'signIn.chooseCompany': 'Choisissez une entreprise',
    'signIn.severalCompanies': 'Cette adresse administre plusieurs entreprises. Laquelle voulez-vous ouvrir ?',
    'users.title': 'Utilisateurs', 'users.search': 'Rechercher par nom, e-mail, mobile ou matricule',
    'users.allStatuses': 'Tous les statuts (sauf supprimés)', 'users.allGroups': 'Tous les groupes', 'users.new': 'Nouvel utilisateur',
    'users.name': 'Nom', 'users.email': 'E-mail', 'users.mobile': 'Mobile', 'users.type': 'Type', 'users.role': 'Rôle',
    'users.status': 'Statut', 'users.lastAccess': 'Dernier accès', 'users.none': 'Aucun utilisateur ne correspond.',
    'users.next': 'Page suivante', 'users.previous': 'Page précédente', 'users.page': 'Page {n}',
    'form.title': 'Nouvel utilisateur', 'form.intro': 'L’utilisateur est créé sans être prévenu et ne peut pas se connecter avant d’être invité ou activé.',
    'form.last_name': 'Nom', 'form.first_name': 'Prénom', 'form.email': 'Adresse e-mail', 'form.mobile': 'Mobile',
    'form.mobileHint': 'International (+33 6 …) ou national', 'form.employee_id': 'Matricule', 'form.department': 'Service',
    'form.user_type': 'Type d’utilisateur', 'form.role': 'Droits', 'form.licence_level': 'Licence',
    'form.preferred_channel': 'Canal préféré', 'form.channelAuto': 'Automatique (e-mail si renseigné, sinon SMS)',
    'form.language': 'Langue', 'form.submit': 'Créer l’utilisateur', 'form.cancel': 'Annuler', 'form.created': 'Utilisateur {name} créé.',
    'user.groups': 'Groupes', 'user.noGroups': 'Dans aucun groupe.', 'user.back': 'Retour aux utilisateurs',
    'user.created': 'Créé', 'user.invited': 'Invité', 'user.activated': 'Activé',
    'groups.title': 'Groupes', 'groups.name': 'Nom', 'groups.users': 'Utilisateurs', 'groups.contacts': 'Contacts',
    'groups.new': 'Nom du nouveau groupe', 'groups.create': 'Créer le groupe', 'groups.archived': 'archivé',
    'groups.rename': 'Renommer', 'groups.save': 'Enregistrer', 'groups.cancel': 'Annuler', 'groups.archive': 'Archiver',
    'groups.unarchive': 'Désarchiver', 'groups.delete': 'Supprimer', 'groups.members': 'Membres',
    'groups.confirmDelete': 'Supprimer le groupe « {name} » ? Ses membres restent dans l’annuaire.',
    'groups.none': 'Aucun groupe pour l’instant.', 'groups.deleted': 'Groupe supprimé.',
    'import.title': 'Importer des utilisateurs', 'import.intro': 'Le fichier est vérifié dans votre navigateur : vous voyez chaque problème et chaque changement avant tout envoi.',
    'import.sample': 'Télécharger le fichier exemple', 'import.sampleName': 'roster-exemple-utilisateurs.xlsx', 'import.pick': 'Fichier XLSX ou CSV',
    'import.checking': 'Vérification de {name}…', 'import.checked': '{name} vérifié en {seconds} s.',
    'import.outcome.failed': 'Bloqué : rien ne serait importé', 'import.outcome.partial': 'Prêt, avec des avertissements', 'import.outcome.succeeded': 'Prêt à importer',
    'import.counts': '{rows} lignes, {blocking} problèmes bloquants, {warnings} avertissements.',
    'import.plan': '{creates} utilisateurs à créer, {updates} à mettre à jour, {unchanged} inchangés, {groups} groupes à créer.',
    'import.newGroups': 'Nouveaux groupes :', 'import.remarks': 'Remarques', 'import.allRemarks': 'Toutes les remarques', 'import.noRemark': 'Aucune remarque.',
    'import.blocking': 'Bloquant', 'import.warning': 'Avertissement', 'import.info': 'Information', 'import.omitted': '{n} autres remarques non listées.',
    'import.row': 'Ligne', 'import.column': 'Colonne', 'import.severity': 'Gravité', 'import.message': 'Message',
    'import.updates': 'Changements sur les utilisateurs existants', 'import.user': 'Utilisateur', 'import.changes': 'Changements',
    'nav.import': 'Import',
    'import.report.csv': 'Télécharger le rapport (CSV)', 'import.report.xlsx': 'Télécharger le rapport (XLSX)', 'import.reportName': 'rapport-import',
    'import.apply': 'Importer ces {rows} lignes', 'import.sending': 'Envoi du fichier…', 'import.running': 'Import sur le serveur : {progress} %',
    'import.done': 'Importé', 'import.failed': 'Échec de l’import : rien n’a été enregistré',
    'import.applied': '{created} utilisateurs créés, {updated} mis à jour, {unchanged} inchangés, {groups} groupes créés.',
    'nav.jobs': 'Imports et exports', 'nav.outbox': 'Messages',
    'users.exportList': 'Exporter cette liste :', 'users.export.csv': 'CSV', 'users.export.xlsx': 'XLSX',
    'users.exporting': 'Construction du fichier : {rows} sur {total} utilisateurs ({percent} %)…', 'users.exported': 'Fichier construit avec {rows} utilisateurs.',
    'users.exportName': 'utilisateurs', 'users.exportAll': 'Exporter tous les utilisateurs en trois fichiers…',
    'jobs.title': 'Imports et exports', 'jobs.intro': 'Les 30 derniers jours. Les fichiers terminés se téléchargent pendant 4 jours ; vous êtes prévenu quand un export est prêt.',
    'jobs.request.csv': 'Exporter tous les utilisateurs (CSV)', 'jobs.request.xlsx': 'Exporter tous les utilisateurs (XLSX)', 'jobs.requested': 'Export demandé : il est en préparation.',
    'jobs.kind': 'Quoi', 'jobs.askedOn': 'Demandé le', 'jobs.status': 'État', 'jobs.files': 'Fichiers',
    'jobs.import': 'Import de {name}', 'jobs.export': 'Export des utilisateurs ({format})', 'jobs.none': 'Rien ces 30 derniers jours.',
    'jobs.done': 'Terminé', 'jobs.failed': 'Échec', 'jobs.rows': '{n} lignes', 'jobs.until': 'Téléchargeable jusqu’au {at}', 'jobs.expired': 'Expiré : fichiers supprimés après 4 jours',
    'outbox.title': 'Messages', 'outbox.intro': 'Les e-mails et SMS envoyés par le produit, du plus récent au plus ancien.',
    'outbox.none': 'Aucun message.', 'outbox.localOnly': 'Les messages ne sont lisibles que sur une console locale.',
    'error.generic': 'Une erreur est survenue. Réessayez.', 'error.network': 'Le serveur est injoignable.',
  },
};

const KEY = 'roster.language';
let current = localStorage.getItem(KEY)
  || preferredLanguage((navigator.languages || [navigator.language]).join(','));
if (!WORDS[current]) current = 'en';

/** The console's language code. */
export const lang = () => current;

/** Switches the console's language and remembers it. */
export function setLang(code) {
  if (!WORDS[code]) return;
  current = code;
  localStorage.setItem(KEY, code);
  document.documentElement.lang = code;
}

/** The text for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = WORDS[current][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** A date-time for people, in the console's language. */
export function when(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(current === 'fr' ? 'fr-FR' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric' });
}
