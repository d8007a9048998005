// What the signed-in user may use, as the session says: the console shows
// only that. The server decides every call on its own; this only spares
// people buttons that would be refused.

/** True when the session may use what `need` names: a permission code,
 * `administrator`, `company_administrator`, or nothing (anyone signed in). */
export function may(session, need) {
  if (!need) return true;
  if (need === 'company_administrator') return session.role === 'company_admin';
  if (need === 'administrator') return session.role === 'team_admin' || session.role === 'company_admin';
  return (session.permissions ?? []).includes(need);
}
