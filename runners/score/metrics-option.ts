/**
 * `--metrics` for `vlbench score`: every name goes through the registry, so METEOR/SPICE get the
 * registry's "not available" error (exit 1) and typos a did-you-mean (usage error, exit 2).
 */
import { UnknownMetricError, didYouMean, lookupMetric } from '../../reports/metrics/registry.js';
import type { MetricName } from '../../reports/metrics/registry.js';
import { UsageError } from '../errors.js';

/**
 * The metrics to report, in the subcommand's own order: `produced` when `requested` is undefined,
 * else the requested subset. A known metric this subcommand does not produce is a usage error.
 */
export function selectMetrics<Name extends MetricName>(subcommand: string, requested: readonly string[] | undefined, produced: readonly Name[]): Name[] {
  if (requested === undefined) return [...produced];
  if (requested.length === 0) throw new UsageError(`${subcommand}: --metrics is empty`);
  for (const name of requested) {
    try {
      lookupMetric(name);
    } catch (error) {
      // The registry's message lists every metric of every task; here only these can be asked for.
      if (error instanceof UnknownMetricError) {
        const close = didYouMean(name, produced);
        const hint = close.length > 0 ? ` Did you mean ${close.map((s) => `'${s}'`).join(' or ')}?` : '';
        throw new UsageError(`${subcommand}: unknown metric '${name}'.${hint} The ${subcommand} metrics are ${produced.join(', ')}`);
      }
      throw error;
    }
    if (!(produced as readonly string[]).includes(name)) {
      throw new UsageError(`${subcommand}: metric '${name}' is not produced by this subcommand; it produces ${produced.join(', ')}`);
    }
  }
  return produced.filter((name) => requested.includes(name));
}
