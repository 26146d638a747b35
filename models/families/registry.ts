/**
 * Family name -> adapter factory. Exhaustive: adding a family to FamilyName without a factory
 * does not compile. A factory wires exactly the capabilities the manifest declares and refuses
 * one it cannot serve, so a declared capability never silently does nothing.
 */
import type { FamilyAdapter, FamilyName } from '../capabilities.js';
import type { FamilyContext } from './context.js';
import { albefAdapter } from './albef.js';
import { blipAdapter } from './blip.js';
import { blip2Adapter } from './blip2.js';
import { instructBlipAdapter } from './instructblip.js';
import { xInstructBlipAdapter } from './xinstructblip.js';

export type AdapterParts = Omit<FamilyAdapter, 'dispose'>;
export type FamilyFactory = (ctx: FamilyContext) => AdapterParts;

export const FAMILY_FACTORIES: Record<FamilyName, FamilyFactory> = {
  albef: albefAdapter,
  blip: blipAdapter,
  blip2: blip2Adapter,
  instructblip: instructBlipAdapter,
  xinstructblip: xInstructBlipAdapter,
};
