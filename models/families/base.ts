/**
 * The parts every adapter shares: identity, input preparation and the task defaults read from
 * the manifest (LAVIS evaluation settings of the family, before suite overrides).
 */
import type { FamilyAdapter, TaskDefaults } from '../capabilities.js';
import type { GenerationConfig } from '../generation/config.js';
import type { Capability } from '../manifest-types.js';
import type { FamilyContext } from './context.js';
import { generationOf, taskDefaultsOf } from './defaults.js';
import { prepareMedia } from './media.js';

/*
 * Batching: a capability runs the requests of one call as one ONNX batch (images, questions,
 * prompts, texts, pairs), never re-chunked here. The caller decides the batch: the runner passes
 * each batch of the task's `batchSize` (the suite's "samples per ONNX Runtime batch"), so a
 * batch of 40 reaches the vision encoder as 40 rows, not 16 + 16 + 8 behind the suite's back.
 */

export function has(ctx: FamilyContext, capability: Capability): boolean {
  return ctx.manifest.capabilities.includes(capability);
}

export function generationFor(ctx: FamilyContext, task: 'caption' | 'vqa' | 'instruction'): GenerationConfig {
  return generationOf(ctx.manifest, task);
}

export function taskDefaults(ctx: FamilyContext): TaskDefaults {
  return taskDefaultsOf(ctx.manifest);
}

export function baseParts(ctx: FamilyContext): Pick<FamilyAdapter, 'family' | 'variant' | 'id' | 'modalities' | 'prepare' | 'defaults'> {
  const m = ctx.manifest;
  return {
    family: m.family,
    variant: m.variant,
    id: m.name,
    modalities: m.modalities,
    prepare: (media, inference) => prepareMedia(m, ctx.manifestPath, media, inference),
    defaults: taskDefaults(ctx),
  };
}

/** A capability the manifest declares but this adapter cannot serve is an error at load. */
export function refuseUnwired(ctx: FamilyContext, wired: readonly Capability[]): void {
  const unwired = ctx.manifest.capabilities.filter((c) => !wired.includes(c));
  if (unwired.length > 0) {
    throw new Error(`${ctx.manifestPath}: the ${ctx.manifest.family} adapter does not implement ${unwired.join(', ')}; remove it from /capabilities`);
  }
}
