/**
 * The samples of one task in dataset order, after the limit and before the shard split: the
 * index is the position in that order, so every shard and every resumed session agrees on which
 * sample is which. Shard i of N takes the samples whose index is i modulo N.
 */
import type { LoaderInput } from '../../datasets/loader.js';
import type { LoaderItem } from '../../datasets/samples.js';
import type { Shard } from '../args.js';
import type { TaskPlan } from './plan.js';

export interface IndexedItem {
  readonly index: number;
  readonly item: LoaderItem;
}

export function loaderInput(plan: TaskPlan): LoaderInput {
  return { files: plan.task.dataset.files, mediaRoot: plan.task.dataset.mediaRoot ?? '', options: plan.task.dataset.options ?? {} };
}

export function inShard(index: number, shard: Shard | null): boolean {
  return shard === null || index % shard.count === shard.index;
}

export async function* taskItems(plan: TaskPlan, limit: number | null, shard: Shard | null): AsyncGenerator<IndexedItem> {
  let index = 0;
  for await (const item of plan.loader.load(loaderInput(plan))) {
    if (limit !== null && index >= limit) return;
    if (inShard(index, shard)) yield { index, item };
    index += 1;
  }
}
