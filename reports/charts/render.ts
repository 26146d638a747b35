/**
 * Headless chart rendering without a browser or the canvas package: Vega-Lite -> Vega
 * (vega-lite compile) -> a vega View with renderer 'none' -> SVG, then SVG -> PNG with resvg
 * using the system fonts (DejaVu Sans). Text widths are estimated by vega without canvas, so the
 * specs leave generous label limits and padding.
 *
 * vega and vega-lite are imported dynamically: vega's Node build (vega-canvas) uses top-level
 * await, which a CommonJS require of this module (uvu's `-r tsx` test hook) cannot load.
 */
import { Resvg } from '@resvg/resvg-js';
import type * as VegaModule from 'vega';
import type { TopLevelSpec } from 'vega-lite';

export interface RenderedChart {
  readonly svg: string;
  /** Number of mark items drawn (bars, points, lines, ...), to detect empty charts. */
  readonly markItems: number;
}

/** Vega-Lite -> Vega, failing on compile warnings that mean something is not drawn. */
export async function compileVegaLite(spec: TopLevelSpec): Promise<VegaModule.Spec> {
  const { compile } = await import('vega-lite');
  const warnings: string[] = [];
  const logger = {
    level: () => logger, error: (...args: unknown[]) => { throw new Error(`vega-lite: ${args.join(' ')}`); },
    warn: (...args: unknown[]) => { warnings.push(args.join(' ')); return logger; }, info: () => logger, debug: () => logger,
  };
  const compiled = compile(spec, { logger: logger as never }).spec;
  // The latency chart layers rule, bar, tick and point over one data source, under a facet with
  // independent step-sized model axes: vega-lite sizes each panel from the layers' domains,
  // names each layer's data apart while doing so, and warns that it assumes they are one source
  // (which they are). Only a fixed panel width instead of one step per model would silence it.
  const serious = warnings.filter((w) => !w.includes('from a different fork of the same data source'));
  if (serious.length > 0) throw new Error(`vega-lite compile warnings: ${serious.join('; ')}`);
  return compiled;
}

function countMarkItems(scene: unknown): number {
  const node = scene as { marktype?: string; items?: unknown[]; role?: string };
  if (!node || !Array.isArray(node.items)) return 0;
  let count = 0;
  for (const item of node.items) {
    const child = item as { items?: unknown[] };
    if (node.marktype && node.marktype !== 'group' && node.role === 'mark') count += 1;
    if (Array.isArray(child.items)) count += countMarkItems(child);
  }
  return count;
}

export async function renderSvg(spec: TopLevelSpec): Promise<RenderedChart> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(await compileVegaLite(spec)), { renderer: 'none' });
  try {
    await view.runAsync();
    const svg = await view.toSVG();
    const markItems = countMarkItems((view.scenegraph() as unknown as { root: unknown }).root);
    return { svg, markItems };
  } finally {
    view.finalize();
  }
}

/** SVG -> PNG at 2x, DejaVu Sans for the generic sans-serif family. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
