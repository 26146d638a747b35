/**
 * Gate verdicts as a Markdown summary (a CI job summary), JUnit XML (one test case per verdict,
 * for CI test-report views) and JSON. A verdict's `reason` (samples that failed in the run) is
 * printed next to its result in every format: a check that fails although its numbers look fine
 * must say why. Its `notes` are in every format too (Markdown: footnotes under the table).
 */
import type { GateReport, GateVerdict } from './evaluate.js';

export function formatNumber(value: number | null, digits = 4): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(2);
  return Number(value.toFixed(digits)).toString();
}

function signed(value: number | null, unit: GateVerdict['unit']): string {
  if (value === null) return '—';
  const text = formatNumber(value, unit === '%' ? 2 : 4);
  return `${value > 0 ? '+' : ''}${text}${unit === '%' ? '%' : ''}`;
}

function intervalText(v: GateVerdict): string {
  if (!v.interval) return '—';
  return `[${signed(v.interval[0], v.unit)}, ${signed(v.interval[1], v.unit)}]`;
}

const STATUS_TEXT: Record<GateVerdict['status'], string> = { pass: 'pass', fail: '**FAIL**', 'no-baseline': 'skipped: no baseline', 'not-applicable': 'skipped: not applicable' };
const isSkipped = (v: GateVerdict): boolean => v.status === 'no-baseline' || v.status === 'not-applicable';

function resultText(v: GateVerdict): string {
  return v.reason === null ? STATUS_TEXT[v.status] : `${STATUS_TEXT[v.status]}: ${v.reason}`;
}

function headline(report: GateReport): string {
  const count = (status: GateVerdict['status']): number => report.verdicts.filter((v) => v.status === status).length;
  const skipped = report.verdicts.filter(isSkipped).length;
  const kinds = [count('no-baseline') > 0 ? 'no baseline' : '', count('not-applicable') > 0 ? 'not applicable' : ''].filter(Boolean).join(', ');
  const skippedText = skipped > 0 ? ` (${skipped} skipped: ${kinds})` : '';
  return report.passed
    ? `### vlbench gate: all ${report.verdicts.length - skipped} checks passed${skippedText}`
    : `### vlbench gate: ${count('fail')} of ${report.verdicts.length} checks FAILED${skippedText}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The verdicts' notes as numbered footnotes, each text once: a note that many rows share (how
 * the metric was recomputed, an unchecked baseline) would otherwise repeat down the table.
 */
function footnotes(verdicts: readonly GateVerdict[]): { refs: string[]; lines: string[] } {
  const numbers = new Map<string, number>();
  const refs = verdicts.map((v) => v.notes.map((note) => {
    if (!numbers.has(note)) numbers.set(note, numbers.size + 1);
    return numbers.get(note)!;
  }).join(', '));
  return { refs, lines: [...numbers].map(([note, n]) => `${n}. ${note}`) };
}

/**
 * One row per verdict, failures first; each row's notes (a zero-width interval, a value
 * recomputed on a subset) are footnotes under the table, as JUnit's detail carries them.
 */
export function gateMarkdown(report: GateReport): string {
  const sorted = [...report.verdicts].sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail'));
  const notes = footnotes(sorted);
  const rows = sorted.map((v, i) => `| ${[v.gate, v.model, v.task, v.metric, formatNumber(v.baseline), formatNumber(v.current), signed(v.difference, v.unit), intervalText(v), resultText(v), notes.refs[i]!].map(escapeCell).join(' | ')} |`);
  const pct = Math.round(report.confidence * 1000) / 10;
  return [
    headline(report),
    '',
    `Run \`${report.runId}\` against baseline \`${report.baselineRunId ?? 'none'}\`; ${pct}% bootstrap intervals, ${report.replicates} replicates, seed ${report.seed}.`,
    '',
    `| gate | model | task | metric | baseline | current | difference | ${pct}% interval | result | notes |`,
    '|---|---|---|---|---:|---:|---:|---|---|---|',
    ...rows,
    ...(notes.lines.length > 0 ? ['', 'Notes:', '', ...notes.lines] : []),
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function gateJUnit(report: GateReport): string {
  const failures = report.verdicts.filter((v) => v.status === 'fail').length;
  const skipped = report.verdicts.filter(isSkipped).length;
  const cases = report.verdicts.map((v) => {
    const why = v.reason === null ? '' : `${v.reason}; `;
    const detail = `${why}baseline ${formatNumber(v.baseline)}, current ${formatNumber(v.current)}, difference ${signed(v.difference, v.unit)}, interval ${intervalText(v)}${v.notes.length ? `; ${v.notes.join('; ')}` : ''}`;
    const name = xml(`${v.gate} [${v.model} / ${v.task}]`);
    const body = v.status === 'fail' ? `<failure message="${xml(v.reason ?? `${v.gate} failed`)}">${xml(detail)}</failure>` : isSkipped(v) ? `<skipped message="${xml(v.status === 'no-baseline' ? 'no baseline' : `not applicable: ${v.reason ?? ''}`)}"/>` : `<system-out>${xml(detail)}</system-out>`;
    return `    <testcase classname="vlbench.gate.${xml(v.task)}" name="${name}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vlbench gate" tests="${report.verdicts.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="${xml(report.runId)}" tests="${report.verdicts.length}" failures="${failures}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function gateJson(report: GateReport): string {
  return JSON.stringify({ formatVersion: 1, ...report }, null, 2) + '\n';
}
