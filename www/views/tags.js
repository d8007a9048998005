import { may } from '../access.js';
import { namedList } from './named-list.js';

/** Tags: create, rename, delete (F2); users carry them from their page. */
export function tags(session) {
  return namedList({ kind: 'tags', columns: [['tags.users', (tag) => tag.users]], deletable: may(session, 'administrator') });
}
