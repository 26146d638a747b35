/** Per-category breakdown charts (VQA per answer type, instruction tasks per category). */
import { breakdownName, isPartial, type ReportData } from '../report-model.js';
import { chartSpec, colourEncoding, modelAxis, modelOrder, PARTIAL_HOW, PARTIAL_STYLE, pointLabel, TWO_LINE_HEADER, type ChartSpec } from './common.js';
import { notDrawnLines, partialLines } from './notes.js';

/** 'perAnswerType' -> 'per answer type'. */
export function humaniseBreakdown(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * One chart per (task, breakdown): categories differ between tasks, so no shared facet scales.
 * One panel per category with the models along its x axis, as in the quality chart: models of one
 * family share a colour, so only an axis label tells them apart. Panels in the tables' column
 * order (categories as the results first list them).
 */
export function breakdownCharts(data: ReportData): ChartSpec[] {
  return data.tasks.flatMap((task) => {
    const results = data.results.filter((r) => r.task === task.id);
    const names = [...new Set(results.flatMap((r) => Object.keys(r.scores.breakdowns)))];
    return names.map((name): ChartSpec => {
      const drawn = results.filter((r) => Object.keys(r.scores.breakdowns[name] ?? {}).length > 0);
      const values = drawn.flatMap((r) => Object.entries(r.scores.breakdowns[name]!).map(([category, value]) => ({ model: pointLabel(r), family: r.model.familyLabel, category, value, partial: isPartial(r) })));
      const categories = [...new Set(values.map((v) => v.category))];
      const { metric, grouping } = breakdownName(name, task);
      const title = `${task.id}: ${metric} ${humaniseBreakdown(grouping)}`;
      const notes = [...partialLines(drawn, PARTIAL_HOW), ...notDrawnLines(results)];
      return chartSpec({ name: `breakdown-${task.id}-${name}`, title, heading: title, subtitle: 'one panel per category; bars in model order', notes }, values, {
        facet: { column: { field: 'category', type: 'nominal', title: null, header: TWO_LINE_HEADER, sort: categories } },
        spec: {
          width: { step: 30 },
          height: 220,
          mark: { type: 'bar', stroke: '#444444' },
          encoding: {
            x: { ...modelAxis(data), sort: modelOrder(data).filter((m) => values.some((v) => v.model === m)) },
            // '.4~g' keeps tick labels short when every value is the same (a zero-span domain).
            y: { field: 'value', type: 'quantitative', title: metric, axis: { format: '.4~g' } },
            color: colourEncoding(data, values),
            ...PARTIAL_STYLE,
            tooltip: [{ field: 'model' }, { field: 'category' }, { field: 'value', format: '.2f' }],
          },
        },
      });
    });
  });
}
