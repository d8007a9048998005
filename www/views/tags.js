import { namedList } from './named-list.js';

/** Tags: create, rename, delete (F2); users carry them from their page. */
export function tags() {
  return namedList({ kind: 'tags', columns: [['tags.users', (tag) => tag.users]] });
}
