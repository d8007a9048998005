import { api } from '../api.js';
import { download, h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { insightsChartPng, insightsChartSvg, insightsCsv } from '../pkg/roster_wasm.js';

/** A month's short name and year, as the list of months shows them. */
function monthLabel(month) {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 15)).toLocaleDateString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** The core's drawing of a chart, as an element of the page. */
function chartElement(data, measure) {
  const holder = h('div', { class: 'chart' });
  // The SVG comes from the core, which escapes every text it writes.
  holder.innerHTML = insightsChartSvg(data.months, measure, data.time_zone, lang());
  const drawn = holder.firstElementChild;
  drawn.removeAttribute('width');
  drawn.removeAttribute('height');
  return holder;
}

/**
 * Insights (J5): monthly active users and accounts over twelve months,
 * each chart with its definition and its downloads: the data (CSV), the
 * chart (PNG, drawn by the core as the server draws it) and the list of
 * the users a month counted (an export job).
 */
export async function insights() {
  const data = await api('GET', '/insights');
  const card = (measure, key) => {
    const title = t(`insights.${measure}`);
    const month = h('select', { name: `${measure}-month`, 'aria-label': t('insights.month') },
      [...data.months].reverse().map((m) => h('option', { value: m.month }, `${monthLabel(m.month)} (${m[key]})`)));
    const menu = h('details', { class: 'menu', dataset: { chartMenu: measure } },
      h('summary', { 'aria-label': t('insights.downloads') }, '⋯'),
      h('div', { class: 'card' },
        h('button', { type: 'button', dataset: { download: 'data' }, onClick: () => {
          download(new TextEncoder().encode(insightsCsv(data.months, lang())), `${measure}-12-months.csv`);
        } }, t('insights.downloadData')),
        h('button', { type: 'button', dataset: { download: 'chart' }, onClick: () => {
          download(insightsChartPng(data.months, measure, data.time_zone, lang()), `${measure}-12-months.png`);
        } }, t('insights.downloadChart')),
        h('p', { class: 'inline' }, month, ' ', h('button', { type: 'button', dataset: { download: 'users' }, async onClick() {
          try {
            const job = await api('POST', '/exports', { kind: 'monthly_active', format: 'csv', month: month.value, measure });
            location.hash = `#/jobs/${job.id}`;
          } catch (e) {
            toast(e.message);
          }
        } }, t('insights.downloadUsers')))));
    // The chart carries its own title, as in the PNG; the menu sits beside it.
    return h('section', { class: 'card', dataset: { insight: measure }, 'aria-label': title },
      h('div', { class: 'toolbar' }, chartElement(data, measure), menu),
      h('p', { class: 'muted' }, data.definitions[measure]));
  };
  show(
    h('h1', {}, t('insights.title')),
    h('p', { class: 'muted' }, t('insights.intro', { zone: data.time_zone })),
    card('mau', 'active_users'),
    card('maa', 'active_accounts'),
  );
}
