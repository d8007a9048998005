import { api } from '../api.js';
import { download, h, show, toast } from '../dom.js';
import { lang, t } from '../i18n.js';
import { insightsCsv } from '../pkg/roster_wasm.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (the console's `h` makes HTML ones). */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children.flat()) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

/** The months' short names in the console's language: "nov. 26". */
function monthLabel(month) {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 15)).toLocaleDateString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });
}

/** A bar chart of one figure over the months, each bar with its value. */
function chart(months, key, title) {
  const width = 720;
  const height = 260;
  const top = 28;
  const bottom = 36;
  const left = 16;
  const most = Math.max(1, ...months.map((m) => m[key]));
  const slot = (width - 2 * left) / months.length;
  const bars = months.map((m, i) => {
    const barHeight = ((height - top - bottom) * m[key]) / most;
    const x = left + i * slot;
    const y = height - bottom - barHeight;
    return svg('g', { 'data-month': m.month },
      svg('rect', { x: x + slot * 0.15, y, width: slot * 0.7, height: barHeight, fill: '#2f5fb3', rx: 2 }),
      svg('text', { x: x + slot / 2, y: y - 4, 'text-anchor': 'middle', 'font-size': 12, fill: '#1b2330' }, m[key]),
      svg('text', { x: x + slot / 2, y: height - bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#5b6575' }, monthLabel(m.month)));
  });
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, width: '100%' },
    svg('title', {}, title),
    svg('line', { x1: left, x2: width - left, y1: height - bottom, y2: height - bottom, stroke: '#c9d1dc' }),
    bars);
}

/**
 * Insights (J5): monthly active users and accounts over twelve months,
 * each chart with its definition and its downloads: the data (CSV) and
 * the list of the users a month counted (an export job).
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
        h('p', { class: 'inline' }, month, ' ', h('button', { type: 'button', dataset: { download: 'users' }, async onClick() {
          try {
            const job = await api('POST', '/exports', { kind: 'monthly_active', format: 'csv', month: month.value, measure });
            location.hash = `#/jobs/${job.id}`;
          } catch (e) {
            toast(e.message);
          }
        } }, t('insights.downloadUsers')))));
    return h('section', { class: 'card', dataset: { insight: measure } },
      h('div', { class: 'toolbar' }, h('h2', {}, title), menu),
      h('p', { class: 'muted' }, data.definitions[measure]),
      chart(data.months, key, title));
  };
  show(
    h('h1', {}, t('insights.title')),
    h('p', { class: 'muted' }, t('insights.intro', { zone: data.time_zone })),
    card('mau', 'active_users'),
    card('maa', 'active_accounts'),
  );
}
