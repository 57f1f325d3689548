/** Inline SVG charts for the HTML report: per-seed resolve-rate bars, and the nightly trend. */
import { escapeHtml } from './html-escape.js';
import type { HistoryEntry } from './nightly-history.js';
import { ALL_REPOS, formatRate, repoLabel, type ContextRate } from './rates.js';

const WIDTH = 240;
const HEIGHT = 130;
const PLOT_TOP = 22;
const PLOT_BOTTOM = 108;
const y = (percent: number): number => PLOT_BOTTOM - ((PLOT_BOTTOM - PLOT_TOP) * Math.max(0, Math.min(100, percent))) / 100;

/** One bar per seed (0–100 %), a line at the mean, the rate as "mean ± std" in the title. */
export function seedBarsChart(title: string, rate: ContextRate): string {
  const bars = rate.seeds.filter((s) => s.graded > 0);
  const slot = (WIDTH - 40) / Math.max(1, bars.length);
  const parts = bars.map((s, i) => {
    const percent = (100 * s.resolved) / s.graded;
    const x = 30 + i * slot + slot * 0.15;
    const label = `seed ${s.seed}: ${s.resolved}/${s.graded} = ${percent.toFixed(2)}%`;
    return (
      `<rect class="bar" x="${x.toFixed(1)}" y="${y(percent).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" ` +
      `height="${(PLOT_BOTTOM - y(percent)).toFixed(1)}"><title>${escapeHtml(label)}</title></rect>` +
      `<text class="tick" x="${(x + slot * 0.35).toFixed(1)}" y="${PLOT_BOTTOM + 14}" text-anchor="middle">${escapeHtml(s.seed)}</text>`
    );
  });
  const meanLine =
    rate.rate.mean === undefined
      ? ''
      : `<line class="mean" x1="26" x2="${WIDTH - 6}" y1="${y(rate.rate.mean).toFixed(1)}" y2="${y(rate.rate.mean).toFixed(1)}"/>`;
  return (
    `<figure class="chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">` +
    `<text class="title" x="4" y="14">${escapeHtml(title)}: ${escapeHtml(formatRate(rate.rate))}%</text>` +
    `<line class="axis" x1="26" x2="26" y1="${PLOT_TOP}" y2="${PLOT_BOTTOM}"/>` +
    `<line class="axis" x1="26" x2="${WIDTH - 6}" y1="${PLOT_BOTTOM}" y2="${PLOT_BOTTOM}"/>` +
    `<text class="tick" x="22" y="${PLOT_TOP + 4}" text-anchor="end">100</text>` +
    `<text class="tick" x="22" y="${PLOT_BOTTOM}" text-anchor="end">0</text>` +
    `${parts.join('')}${meanLine}</svg></figure>`
  );
}

const TREND_WIDTH = 520;
const TREND_HEIGHT = 160;

/** Mean rate per night for one context, one line per repository row (All first). */
export function trendChart(history: readonly HistoryEntry[], context: string): string {
  const repos = [ALL_REPOS, ...new Set(history.flatMap((h) => h.rates.map((r) => r.repo)).filter((r) => r !== ALL_REPOS))].slice(0, 6);
  const step = (TREND_WIDTH - 50) / Math.max(1, history.length - 1);
  const lines = repos.map((repo, lineIndex) => {
    const points = history.flatMap((h, i) => {
      const rate = h.rates.find((r) => r.repo === repo && r.context === context);
      if (!rate || rate.mean === null) return [];
      return [{ x: 36 + i * step, y: y(rate.mean) + 30, label: `${h.run_id} ${repoLabel(repo)}: ${rate.mean.toFixed(2)}%` }];
    });
    if (points.length === 0) return '';
    const dots = points
      .map((p) => `<circle class="dot s${lineIndex}" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3"><title>${escapeHtml(p.label)}</title></circle>`)
      .join('');
    return (
      `<polyline class="trend s${lineIndex}" points="${points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>${dots}` +
      `<text class="legend s${lineIndex}" x="${TREND_WIDTH - 4}" y="${14 + lineIndex * 12}" text-anchor="end">${escapeHtml(repoLabel(repo))}</text>`
    );
  });
  const first = history[0];
  const last = history.at(-1);
  const xTicks =
    first && last
      ? `<text class="tick" x="36" y="${PLOT_BOTTOM + 42}">${escapeHtml(first.at.slice(0, 10))}</text>` +
        `<text class="tick" x="${TREND_WIDTH - 14}" y="${PLOT_BOTTOM + 42}" text-anchor="end">${escapeHtml(last.at.slice(0, 10))}</text>`
      : '';
  const notes = notComparable(history);
  return (
    `<figure class="chart trend-chart"><svg viewBox="0 0 ${TREND_WIDTH} ${TREND_HEIGHT + 24}" width="${TREND_WIDTH}" height="${TREND_HEIGHT + 24}" role="img" aria-label="trend ${escapeHtml(context)}">` +
    `<text class="title" x="4" y="14">Nightly trend, context ${escapeHtml(context)} (${history.length} nights)</text>` +
    `<line class="axis" x1="30" x2="30" y1="${PLOT_TOP + 30}" y2="${PLOT_BOTTOM + 30}"/>` +
    `<line class="axis" x1="30" x2="${TREND_WIDTH - 10}" y1="${PLOT_BOTTOM + 30}" y2="${PLOT_BOTTOM + 30}"/>` +
    `<text class="tick" x="26" y="${PLOT_TOP + 34}" text-anchor="end">100</text><text class="tick" x="26" y="${PLOT_BOTTOM + 30}" text-anchor="end">0</text>` +
    `<text class="axis-label" x="10" y="${(PLOT_TOP + PLOT_BOTTOM) / 2 + 30}" transform="rotate(-90 10 ${(PLOT_TOP + PLOT_BOTTOM) / 2 + 30})" text-anchor="middle">resolve rate %, excl. infra</text>` +
    `<text class="axis-label" x="${TREND_WIDTH / 2}" y="${PLOT_BOTTOM + 54}" text-anchor="middle">night (gate run date)</text>` +
    `${xTicks}${lines.join('')}</svg>` +
    `${notes.length > 0 ? `<figcaption class="not-comparable">Not comparable: ${notes.map(escapeHtml).join('; ')}</figcaption>` : ''}</figure>`
  );
}

/**
 * Why some nights of a trend cannot be read against each other: another model, another number of
 * seeds, or a night that measured too little (the gate failed closed).
 */
export function notComparable(history: readonly HistoryEntry[]): string[] {
  const notes: string[] = [];
  const models = [...new Set(history.map((h) => h.model))];
  if (models.length > 1) notes.push(`the nights ran different models (${models.join(', ')})`);
  const seeds = [...new Set(history.flatMap((h) => h.rates.filter((r) => r.repo === ALL_REPOS).map((r) => r.seeds)))];
  if (seeds.length > 1) notes.push(`the nights ran different numbers of seeds (${seeds.join(', ')})`);
  const unmeasured = history.filter((h) => (h.not_measured?.length ?? 0) > 0).map((h) => h.run_id);
  if (unmeasured.length > 0) notes.push(`not measured (incomplete or infrastructure failures): ${unmeasured.join(', ')}`);
  return notes;
}
