// Checks an import file with the core, off the page's thread, so the console
// stays responsive on 100,000-row files. Posts {progress} then {result}.
// `kind` is `users` or `invitations`.
import init, { validateInvitations, validateUsers } from '../pkg/roster_wasm.js';

const ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  const { kind, bytes, lang, role, countryCode, snapshot, now } = data;
  let last = 0;
  const onProgress = (share) => {
    if (share - last >= 0.01 || share === 1) {
      last = share;
      self.postMessage({ progress: share });
    }
  };
  try {
    const file = new Uint8Array(bytes);
    const result = kind === 'invitations'
      ? validateInvitations(file, lang, countryCode, snapshot, now, onProgress)
      : validateUsers(file, lang, role, countryCode, snapshot, onProgress);
    self.postMessage({ result });
  } catch (error) {
    self.postMessage({ result: { ok: false, error: { code: 'internal', message: String(error) } } });
  }
};
