/**
 * One fixed family -> colour map and display order for every table and chart, so a family has
 * the same colour in every figure of every report (writers place figures side by side).
 * Colours are Tableau 10, chosen to stay distinguishable for the common colour-vision deficiencies.
 */

export interface FamilyStyle {
  readonly key: string;
  readonly label: string;
  readonly colour: string;
}

export const FAMILY_STYLES: readonly FamilyStyle[] = [
  { key: 'albef', label: 'ALBEF', colour: '#4e79a7' },
  { key: 'blip', label: 'BLIP', colour: '#f28e2b' },
  { key: 'blip2', label: 'BLIP-2', colour: '#59a14f' },
  { key: 'instructblip', label: 'InstructBLIP', colour: '#e15759' },
  { key: 'xinstructblip', label: 'X-InstructBLIP', colour: '#b07aa1' },
];

/** Families outside the five (a user's own adapter) get these, in order of first appearance. */
const EXTRA_COLOURS = ['#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

/** The five families' keys, as normaliseFamilyKey writes them. */
export const FAMILY_KEYS: readonly string[] = FAMILY_STYLES.map((s) => s.key);

/** 'BLIP-2', 'blip-2' and 'blip2' are one family. */
export function normaliseFamilyKey(family: string): string {
  return family.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The style of a family name as the manifest spells it ('blip2', 'BLIP-2' and 'blip-2' are one family). */
export function familyStyle(family: string, extrasSeen: readonly string[] = []): FamilyStyle {
  const key = normaliseFamilyKey(family);
  const known = FAMILY_STYLES.find((style) => style.key === key);
  if (known) return known;
  const index = Math.max(0, extrasSeen.indexOf(family));
  return { key, label: family, colour: EXTRA_COLOURS[index % EXTRA_COLOURS.length] ?? '#bab0ac' };
}

/** Sort rank of a family: the five in publication order, unknown ones after them. */
export function familyRank(family: string): number {
  const key = normaliseFamilyKey(family);
  const index = FAMILY_STYLES.findIndex((style) => style.key === key);
  return index === -1 ? FAMILY_STYLES.length : index;
}

/** Vega-Lite colour scale for the families present, with their fixed colours. */
export function familyColourScale(familyLabels: readonly string[]): { domain: string[]; range: string[] } {
  const extras: string[] = [];
  const domain: string[] = [];
  const range: string[] = [];
  for (const label of familyLabels) {
    if (domain.includes(label)) continue;
    const known = FAMILY_STYLES.find((style) => style.label === label);
    if (!known) extras.push(label);
    domain.push(label);
    range.push(known ? known.colour : familyStyle(label, extras).colour);
  }
  return { domain, range };
}
