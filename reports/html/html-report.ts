/**
 * One self-contained HTML report: tables, interactive charts (vega + vega-lite + vega-embed
 * inlined, nothing fetched), a sample browser with inlined thumbnails, and each run's
 * provenance. Opens offline from a file.
 */
import type { ChartSpec } from '../charts/specs.js';
import { FAMILY_STYLES, familyColourScale } from '../families.js';
import type { ReportData } from '../report-model.js';
import type { RunManifest } from '../records.js';
import type { LoadedRun } from '../run-reader.js';
import type { Table } from '../tables/build-tables.js';
import { escapeHtml, jsonForScript, scriptSafe } from './escape.js';
import { sampleBrowserHtml } from './sample-browser.js';
import { vendorScripts } from './vendor.js';

const STYLE = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:0 auto;max-width:1400px;padding:0 24px 48px;color:#222;line-height:1.45}
h1{margin:24px 0 4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:40px}
nav a{margin-right:16px}
table{border-collapse:collapse;margin:8px 0 4px;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.published{font-style:italic;color:#555}
.notes{font-size:12px;color:#555;margin:0 0 18px}
.warning{background:#fff4e5;border-left:4px solid #e8a33d;padding:6px 10px}
figure.chart{margin:12px 0 28px;overflow-x:auto}
.sample{display:flex;gap:16px;border:1px solid #e4e4e4;border-radius:6px;padding:10px;margin:10px 0}
.thumb img{image-rendering:pixelated;border:1px solid #ccc}
.sid{font-family:monospace;color:#666;margin:0}
.tag{font-size:11px;background:#eee;border-radius:3px;padding:1px 5px;margin-left:4px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.refs{margin:4px 0}
dl.prov{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:13px}
dl.prov dt{font-weight:bold}
pre{font-size:11px;background:#f7f7f7;padding:8px;overflow-x:auto}
`;

function swatchStyles(data: ReportData): string {
  const labels = [...new Set([...FAMILY_STYLES.map((s) => s.label), ...data.models.map((m) => m.familyLabel)])];
  const scale = familyColourScale(labels);
  return scale.domain.map((label, i) => `.swatch[data-family="${label.replace(/"/g, '\\"')}"]{background:${scale.range[i]}}`).join('\n');
}

export function tableHtml(table: Table): string {
  const head = table.columns.map((c) => `<th class="${c.align === 'right' ? 'num' : ''}${c.published ? ' published' : ''}">${escapeHtml(c.label)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((cell, i) => {
    const column = table.columns[i];
    return `<td class="${column?.align === 'right' ? 'num' : ''}${column?.published ? ' published' : ''}">${escapeHtml(cell.text)}</td>`;
  }).join('')}</tr>`);
  const notes = table.notes.length ? `<div class="notes">${table.notes.map((n) => escapeHtml(n)).join('<br>')}</div>` : '';
  return `<h3 id="${escapeHtml(table.id)}">${escapeHtml(table.title)}</h3><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>${notes}`;
}

function provenanceHtml(manifest: RunManifest, dir: string): string {
  const row = (term: string, value: string): string => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`;
  const env = manifest.environment;
  const models = manifest.models.map((m) => `<tr><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.family)}</td><td>${escapeHtml(m.variant)}</td><td>${escapeHtml(m.provider.used)} (requested ${escapeHtml(m.provider.requested)})</td><td><code>${escapeHtml(m.manifestSha256.slice(0, 12))}</code></td></tr>`);
  return `<h3>${escapeHtml(manifest.runId)}</h3><dl class="prov">${[
    row('directory', dir), row('created', manifest.createdAt), row('vlbench', `${manifest.vlbench.version} (commit ${manifest.vlbench.gitCommit ?? 'unknown'})`),
    row('suites', manifest.suites.map((s) => `${s.name} (${s.file}, sha256 ${s.sha256.slice(0, 12)})`).join('; ')),
    row('onnxruntime', env.onnxruntime), row('node', env.node), row('platform', env.platform), row('cpu', env.cpu), row('gpu', env.gpu ?? 'none'),
    row('seeds', JSON.stringify(manifest.seeds)), row('limit', manifest.limit === null ? 'none' : String(manifest.limit)),
    row('shard', manifest.shard ? `${manifest.shard.index}/${manifest.shard.count} (--shard, 0-based): a part of the run, not the whole` : 'none (the whole run)'),
  ].join('')}</dl><table><thead><tr><th>model</th><th>family</th><th>variant</th><th>provider</th><th>manifest sha256</th></tr></thead><tbody>${models.join('')}</tbody></table>
<details><summary>tasks and resolved settings</summary><pre>${escapeHtml(JSON.stringify(manifest.tasks, null, 1))}</pre></details>`;
}

const EMBED_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  Object.keys(specs).forEach(function (name) {
    var el = document.getElementById('chart-' + name);
    // logLevel Error: the one known vega-lite warning (the latency chart's layers under
    // independent facet scales, charts/render.ts) is benign; the specs are checked warning-free
    // otherwise when the report is built.
    vegaEmbed(el, specs[name], { renderer: 'svg', logLevel: vega.Error, actions: { export: true, source: true, compiled: false, editor: false } })
      .then(function () { el.setAttribute('data-rendered', 'true'); })
      .catch(function (error) { el.setAttribute('data-rendered', 'error'); el.textContent = 'chart failed: ' + error.message; console.error(error); });
  });
})();
`;

export interface HtmlReportInput {
  readonly data: ReportData;
  readonly tables: readonly Table[];
  readonly charts: readonly ChartSpec[];
  readonly title: string;
  /** The runs `data` was built from, in the order of `data.runs` (read once, by the caller). */
  readonly runs: readonly LoadedRun[];
  /** Shown above the tables: runs that measured a task on different samples (comparability.ts). */
  readonly warnings?: readonly string[];
}

export async function renderHtmlReport(input: HtmlReportInput): Promise<string> {
  const { data, tables, charts } = input;
  const vendors = vendorScripts();
  const specs = Object.fromEntries(charts.map((c) => [c.name, c.spec]));
  const runsLine = data.runs.map((r) => `${escapeHtml(r.label)} (${escapeHtml(r.createdAt)})`).join(', ');
  const provenance = data.runs.map((r, i) => provenanceHtml(input.runs[i]!.manifest, r.dir)).join('\n');
  const samples = await sampleBrowserHtml(data, input.runs);
  const licences = vendors.map((v) => `<details><summary>${escapeHtml(v.name)} ${escapeHtml(v.version)} (inlined)</summary><pre>${escapeHtml(v.licence)}</pre></details>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}
${swatchStyles(data)}</style>
${vendors.map((v) => `<script data-vendor="${v.name}">${scriptSafe(v.source)}</script>`).join('\n')}
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>Runs: ${runsLine}</p>
${(input.warnings ?? []).map((w) => `<p class="warning"><strong>Warning:</strong> ${escapeHtml(w)}</p>`).join('\n')}
<nav><a href="#tables">Tables</a><a href="#charts">Charts</a><a href="#samples">Samples</a><a href="#provenance">Provenance</a><a href="#licences">Licences</a></nav>
<section id="tables"><h2>Tables</h2>
${tables.map(tableHtml).join('\n')}
</section>
<section id="charts"><h2>Charts</h2>
${charts.map((c) => `<figure class="chart" id="chart-${escapeHtml(c.name)}" data-chart="${escapeHtml(c.name)}" aria-label="${escapeHtml(c.title)}"></figure>`).join('\n')}
</section>
<section id="samples"><h2>Samples</h2>
<p>A few inputs per task, those on which the models disagree most first, with each model's prediction and per-sample score.</p>
${samples}
</section>
<section id="provenance"><h2>Provenance</h2>
${provenance}
</section>
<section id="licences"><h2>Licences</h2>
<p>This file inlines the following BSD-3-Clause libraries, whose licences require these notices.</p>
${licences}
</section>
<script id="chart-specs" type="application/json">${jsonForScript(specs)}</script>
<script>${EMBED_SCRIPT}</script>
</body>
</html>
`;
}
