import { vocabulary } from '../pkg/roster_wasm.js';
import { lang } from '../i18n.js';

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** `<option>` data for one of the core's vocabularies, in the console's language: `[{code, label}]`. */
export function options(name) {
  return vocabulary(name, lang()).map(({ code, label }) => ({ code, label: capitalised(label) }));
}

/** `{code: label}` for one of the core's vocabularies, as written inside a sentence. */
export function inlineLabels(name) {
  return Object.fromEntries(vocabulary(name, lang()).map(({ code, label }) => [code, label]));
}

/** `{code: label}` for one of the core's vocabularies. */
export function labels(name) {
  return Object.fromEntries(options(name).map(({ code, label }) => [code, label]));
}
