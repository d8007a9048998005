// Checks an import file with the core, off the page's thread, so the console
// stays responsive on 100,000-row files. Posts {progress} then {result}.
import init, { validateUsers } from '../pkg/roster_wasm.js';

const ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  const { bytes, lang, role, countryCode, snapshot } = data;
  try {
    let last = 0;
    const result = validateUsers(new Uint8Array(bytes), lang, role, countryCode, snapshot, (share) => {
      if (share - last >= 0.01 || share === 1) {
        last = share;
        self.postMessage({ progress: share });
      }
    });
    self.postMessage({ result });
  } catch (error) {
    self.postMessage({ result: { ok: false, error: { code: 'internal', message: String(error) } } });
  }
};
