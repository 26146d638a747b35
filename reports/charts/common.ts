/**
 * What every chart shares: the look, the family colours (one fixed map, families.ts), the model
 * axis, facet order, and how a value computed on fewer samples than requested is drawn.
 */
import type { TopLevelSpec } from 'vega-lite';
import { familyColourScale, FAMILY_STYLES } from '../families.js';
import { isPartial, PARTIAL_MARK, type ReportData, type ReportResult } from '../report-model.js';

export interface ChartSpec {
  /** File stem: <name>.vl.json, <name>.svg, <name>.png. */
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const FONT = 'DejaVu Sans, Verdana, sans-serif';

/** Shared look: readable sizes, white background (PNG), no clipped labels. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180, titlePadding: 8 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 260 },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 360 },
  view: { stroke: '#dddddd' },
} as const;

/**
 * Colour by family, with the legend listing only the families drawn in this chart. Colours come
 * from every family of the report, so a user's own family keeps its colour in every chart.
 */
export function colourEncoding(data: ReportData, drawn: readonly { family: string }[]) {
  const present = new Set(data.models.map((m) => m.familyLabel));
  const ordered = [...FAMILY_STYLES.map((s) => s.label).filter((l) => present.has(l)), ...[...present].filter((l) => !FAMILY_STYLES.some((s) => s.label === l))];
  const all = familyColourScale(ordered);
  const keep = all.domain.map((label) => drawn.some((d) => d.family === label));
  const scale = { domain: all.domain.filter((_, i) => keep[i]), range: all.range.filter((_, i) => keep[i]) };
  // No symbol outline: the outline marks partial values, not a family.
  return { field: 'family', type: 'nominal', title: 'Family', scale, legend: { orient: 'right', symbolStrokeWidth: 0 } } as const;
}

/**
 * Model labels in report order; a partial value's label carries PARTIAL_MARK, so each label is
 * listed with and without it (a facet shows only the labels it has).
 */
export function modelOrder(data: ReportData): string[] {
  return data.models.flatMap((m) => [m.label, `${m.label}${PARTIAL_MARK}`]);
}

/** A result's label on a chart: the model, marked when its value is partial (the tables' rule). */
export function pointLabel(r: ReportResult): string {
  return isPartial(r) ? `${r.model.label}${PARTIAL_MARK}` : r.model.label;
}

/** Facet headers split at ' · ' onto two lines, so narrow facets do not run into each other. */
export const TWO_LINE_HEADER = { labelExpr: "split(datum.label, ' · ')", labelFontSize: 12 } as const;

export const modelAxis = (data: ReportData) => ({ field: 'model', type: 'nominal', title: null, sort: modelOrder(data), axis: { labelAngle: -40, labelAlign: 'right', labelLimit: 600 } } as const);

/** A facet by task in the suite's order (the tables' order), not alphabetically. */
export const taskFacet = (order: readonly string[]) => ({ field: 'task', type: 'nominal' as const, title: null, header: TWO_LINE_HEADER, sort: [...order] });

/**
 * Partial values (a `partial` field set on the row) drawn lighter with a dashed outline, beside
 * the PARTIAL_MARK in their label: the mark reads as "not the whole task" without the subtitle.
 */
export const PARTIAL_STYLE = {
  fillOpacity: { condition: { test: 'datum.partial', value: 0.3 }, value: 1 },
  strokeWidth: { condition: { test: 'datum.partial', value: 1.5 }, value: 0 },
  strokeDash: { condition: { test: 'datum.partial', value: [4, 2] }, value: [1, 0] },
};

export const PARTIAL_HOW = 'lighter, dashed outline';

/** The file stem, the chart's title in lists, its heading, and its subtitle with note lines. */
export interface ChartHead {
  readonly name: string;
  readonly title: string;
  readonly heading: string;
  readonly subtitle: string;
  readonly notes: readonly string[];
}

/** A chart: the shared envelope (schema, heading, look, inline data) around its own facets and marks. */
export function chartSpec(head: ChartHead, values: readonly unknown[], body: Record<string, unknown>): ChartSpec {
  const spec = { $schema: SCHEMA, title: { text: head.heading, subtitle: subtitle(head.subtitle, head.notes) }, config: CHART_CONFIG, data: { values }, ...body };
  return { name: head.name, title: head.title, spec: spec as TopLevelSpec };
}

/** The main subtitle alone, or followed by note lines (Vega-Lite draws an array as lines). */
function subtitle(main: string, notes: readonly string[]): string | string[] {
  return notes.length ? [main, ...notes] : main;
}
