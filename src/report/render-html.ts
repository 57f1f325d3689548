/**
 * The HTML report (inline CSS, JS and SVG; nothing fetched): the rate tables, a chart per repository ×
 * context, the nightly trend when a history is given, an instance list, and a page per instance. Either
 * one self-contained file (instance pages shown by a small router on the URL fragment), or, for runs
 * whose instances make that file hundreds of MB, a directory: a small index page plus one file per
 * instance. Both are written piece by piece, one instance's trajectories read at a time.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunData } from './load-run.js';
import { escapeHtml } from './html-escape.js';
import { seedBarsChart, trendChart } from './html-charts.js';
import { instanceSection, verdictBadge, type InstanceCell } from './html-instance.js';
import type { HistoryEntry } from './nightly-history.js';
import { SEEDS_NOTE, activityGrid, ratesGrid, reportPreamble, reportTitle, seedsGrid, type Grid } from './report-grid.js';
import { cellPatch, predictedPatches, type ReportView } from './report-view.js';
import { readTrajectoryView } from './trajectory-view.js';
import type { CellVerdict } from './verdicts.js';

export interface HtmlOptions {
  history?: readonly HistoryEntry[];
  /** Test output tails of cells that did not resolve, keyed `<context>/<seed>/<instance_id>`. */
  testOutputs?: ReadonlyMap<string, string>;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;padding:16px 24px;color:#1d2330;background:#fbfbfd}
h1{font-size:20px}h2{font-size:17px;margin-top:28px}h3{font-size:14px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d5d9e2;padding:3px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}thead th{background:#eef1f6}
.charts{display:flex;flex-wrap:wrap;gap:8px}.chart{margin:0;background:#fff;border:1px solid #e1e4ea}
.bar{fill:#4a78c2}.mean{stroke:#d0612c;stroke-width:2}.axis{stroke:#888}.tick{font-size:9px;fill:#555}.title{font-size:11px;font-weight:600}
.trend{fill:none;stroke-width:2}.legend{font-size:10px}
.s0{stroke:#1d2330;fill:#1d2330}.s1{stroke:#4a78c2;fill:#4a78c2}.s2{stroke:#2c9c5a;fill:#2c9c5a}.s3{stroke:#d0612c;fill:#d0612c}.s4{stroke:#8a4fc2;fill:#8a4fc2}.s5{stroke:#b8a11c;fill:#b8a11c}
.verdict{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;color:#fff}
.v-resolved{background:#2c9c5a}.v-unresolved{background:#c0392b}.v-empty_patch{background:#888}.v-error{background:#d0612c}
.v-infrastructure{background:#8a4fc2}.v-not_submitted{background:#bbb}.v-pending{background:#9aa7bd}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #e1e4ea;padding:6px;margin:4px 0}
.d-add{color:#19692c;background:#e6f6ea}.d-del{color:#a02222;background:#fbeaea}.d-hunk{color:#6a4fc2}.d-meta{color:#777;font-weight:600}
.t-fail{color:#a02222}.t-pass{color:#19692c}.error{color:#a02222}
.cell{border-top:1px solid #d5d9e2;margin-top:10px}.step{margin-bottom:10px}.step-head{color:#555;font-size:12px}
.step-requery .step-head{color:#d0612c}.call code{white-space:pre-wrap}
body.instance-view #overview{display:none}
.side-by-side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}.gold{position:sticky;top:0;align-self:start}
.exit{font-size:11px;color:#555}.axis-label{font-size:10px;fill:#333}.not-comparable{color:#a02222;font-size:12px;max-width:520px}#filter{padding:4px;width:280px}
`;

const SCRIPT = `
(function () {
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.instance'));
  function route() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var onInstance = !!(target && target.classList.contains('instance'));
    document.body.classList.toggle('instance-view', onInstance);
    sections.forEach(function (s) { s.hidden = !(onInstance && s === target); });
    if (onInstance) window.scrollTo(0, 0);
  }
  var filter = document.getElementById('filter');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#instance-table tbody tr'));
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    rows.forEach(function (r) { r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0; });
  });
  window.addEventListener('hashchange', route);
  route();
  document.body.setAttribute('data-ready', '1');
})();
`;

function gridHtml(grid: Grid, className: string): string {
  const head = `<thead><tr>${grid.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = grid.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="${className}">${head}<tbody>${body}</tbody></table>`;
}

function chartsHtml(view: ReportView): string {
  const charts = view.rows.flatMap((row) =>
    row.contexts.map((c) => seedBarsChart(c.context === '-' ? row.label : `${row.label} · ${c.context}`, c)),
  );
  return `<div class="charts" id="charts">${charts.join('')}</div>`;
}

function instancesByVerdict(view: ReportView): Map<string, CellVerdict[]> {
  const byInstance = new Map<string, CellVerdict[]>();
  for (const v of view.verdicts) byInstance.set(v.instanceId, [...(byInstance.get(v.instanceId) ?? []), v]);
  return byInstance;
}

function instanceList(
  byInstance: Map<string, CellVerdict[]>,
  anchors: Map<string, string>,
  view: ReportView,
  exitStatusOf: (v: CellVerdict) => string | undefined,
  href: (anchor: string) => string,
): string {
  const cellLabels = view.contexts.flatMap((c) => view.seeds.map((s) => `${c}/${s}`));
  const head = `<thead><tr><th>Instance</th><th>Repository</th>${cellLabels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr></thead>`;
  const rows = [...byInstance].map(([id, verdicts]) => {
    const badges = verdicts.map((v) => `<td>${verdictBadge(v.verdict, exitStatusOf(v))}</td>`).join('');
    return `<tr><td><a href="${href(anchors.get(id) as string)}">${escapeHtml(id)}</a></td><td>${escapeHtml(verdicts[0]?.repo ?? '')}</td>${badges}</tr>`;
  });
  return (
    `<h2 id="instances">Instances (${byInstance.size})</h2><input id="filter" type="search" placeholder="filter by id, repository or verdict">` +
    `<table id="instance-table">${head}<tbody>${rows.join('')}</tbody></table>`
  );
}

/** What the overview and the instance pages share: the cells' reports, patches and test outputs, by cell. */
class InstancePages {
  readonly byInstance: Map<string, CellVerdict[]>;
  readonly anchors: Map<string, string>;
  private readonly entries: Map<string, InstanceCell['entry']>;
  private readonly exitStatuses: Map<string, string>;
  private readonly patches: ReturnType<typeof predictedPatches>;

  constructor(
    private readonly view: ReportView,
    private readonly run: RunData,
    private readonly options: HtmlOptions,
  ) {
    this.entries = new Map(run.cells.map((c) => [key(c), c.entry]));
    this.exitStatuses = new Map(run.rollouts.map((r) => [key(r), r.rollout.exit_status]));
    this.patches = predictedPatches(run);
    this.byInstance = instancesByVerdict(view);
    this.anchors = new Map([...this.byInstance.keys()].map((id, i) => [id, `inst-${i}`]));
  }

  exitStatusOf(v: CellVerdict): string | undefined {
    return this.exitStatuses.get(key(v));
  }

  /** One instance's section, in pieces; its trajectories are read now, so only one instance's are in memory at a time. */
  async section(id: string, backHref: string): Promise<string[]> {
    const verdicts = this.byInstance.get(id) ?? [];
    const cells: InstanceCell[] = [];
    for (const v of verdicts) {
      cells.push({
        verdict: v,
        entry: this.entries.get(key(v)),
        patch: cellPatch(this.patches, v),
        trajectory: await readTrajectoryView(this.run.root, v),
        testOutput: this.options.testOutputs?.get(`${v.context}/${v.seed}/${v.instanceId}`),
      });
    }
    return instanceSection(
      {
        anchor: this.anchors.get(id) as string,
        instanceId: id,
        repo: verdicts[0]?.repo ?? '',
        problemStatement: this.run.problemStatements.get(id),
        goldPatch: this.run.goldPatches.get(id),
        backHref,
      },
      cells,
    );
  }

  /** The overview: run card, rates, charts, trend and the instance list, linking each instance to `href(anchor)`. */
  overview(href: (anchor: string) => string): string {
    const { view } = this;
    const activity = activityGrid(view);
    const seeds = seedsGrid(view);
    const flaky = view.seedStats
      .filter((s) => s.flaky.length > 0)
      .map((s) => `<p class="flaky">flaky${s.context === '-' ? '' : ` @ ${escapeHtml(s.context)}`}: ${s.flaky.map((id) => `<a href="${href(this.anchors.get(id) as string)}">${escapeHtml(id)}</a>`).join(' ')}</p>`)
      .join('');
    const seedsHtml = seeds ? `<h2 id="seeds">Across seeds</h2>${gridHtml(seeds, 'seeds')}${flaky}<p>${escapeHtml(SEEDS_NOTE)}</p>` : '';
    const history = this.options.history ?? [];
    const trend =
      history.length > 0 ? `<h2>Nightly trend</h2><div class="charts">${view.contexts.map((c) => trendChart(history, c)).join('')}</div>` : '';
    const title = escapeHtml(reportTitle(view));
    return (
      `<div id="overview"><h1>${title}</h1><section id="run-card"><h2>Run card</h2><ul>${view.card.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></section>` +
      `${reportPreamble(view).map((l) => `<p class="preamble">${escapeHtml(l)}</p>`).join('')}` +
      `<h2>Resolve rate (% per seed: mean ± sample std)</h2>${gridHtml(ratesGrid(view), 'rates')}` +
      `${seedsHtml}${activity ? `<h2>Rollouts per context (means per rollout)</h2>${gridHtml(activity, 'activity')}` : ''}` +
      `<h2>Per repository and context</h2>${chartsHtml(view)}${trend}${instanceList(this.byInstance, this.anchors, view, (v) => this.exitStatusOf(v), href)}</div>`
    );
  }
}

function key(v: Pick<CellVerdict, 'context' | 'seed' | 'instanceId'>): string {
  return `${v.context}\u0000${v.seed}\u0000${v.instanceId}`;
}

function pageHead(view: ReportView, bodyClass?: string): string {
  const title = escapeHtml(reportTitle(view));
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title}</title><style>${STYLE}</style></head><body${bodyClass ? ` class="${bodyClass}"` : ''}>`
  );
}

/**
 * The report as one page, written piece by piece (the overview, then each instance's section as its
 * trajectories are read), so no string holds the whole report: a full study's page runs to hundreds of
 * MB. For such runs `writeHtmlDirectory` is the one to open.
 */
export async function writeHtmlPage(view: ReportView, run: RunData, options: HtmlOptions, write: (text: string) => unknown): Promise<void> {
  const pages = new InstancePages(view, run, options);
  await write(pageHead(view) + pages.overview((anchor) => `#${anchor}`));
  let first = true;
  for (const id of pages.byInstance.keys()) {
    await write((first ? '' : '\n') + (await pages.section(id, '#instances')).join(''));
    first = false;
  }
  await write(`<script>${SCRIPT}</script></body></html>\n`);
}

/** Where `writeHtmlDirectory` puts each instance's page, relative to the index. */
export function instancePagePath(anchor: string): string {
  return `instances/${anchor}.html`;
}

/**
 * The report as a small index page (`index.html`: the overview and the instance list) plus one page
 * per instance under `instances/`, written one at a time: the index stays a few MB at 3,000 cells.
 * @returns the number of files written
 */
export async function writeHtmlDirectory(view: ReportView, run: RunData, options: HtmlOptions, dir: string): Promise<number> {
  const pages = new InstancePages(view, run, options);
  await mkdir(path.join(dir, 'instances'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), `${pageHead(view)}${pages.overview(instancePagePath)}<script>${SCRIPT}</script></body></html>\n`);
  for (const [id] of pages.byInstance) {
    const anchor = pages.anchors.get(id) as string;
    const pieces = [pageHead(view, 'instance-view'), ...(await pages.section(id, '../index.html#instances')), '</body></html>\n'];
    // each piece encoded on its own: one joined string would be copied whole, and widened to two bytes a character by any non-Latin-1 one
    writeFileSync(path.join(dir, instancePagePath(anchor)), Buffer.concat(pieces.map((piece) => Buffer.from(piece, 'utf8'))));
  }
  return pages.byInstance.size + 1;
}
