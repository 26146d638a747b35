/**
 * Python 3 `round(x, ndigits)` for display: correctly rounded from the exact binary value of x,
 * exact ties to even (`round(0.125, 2)` = 0.12, `round(2.675, 2)` = 2.67 because 2.675 is
 * really 2.67499999...). The official VQA evaluator under Python 2.7 rounded exact ties away from
 * zero instead (0.13); LAVIS runs Python 3, so this is the rule vlbench displays with.
 *
 * `Number.prototype.toFixed` already rounds the exact binary value correctly and differs only on
 * exact ties (it picks the larger magnitude), so only those need work.
 */

/** `round(x, ndigits)` rendered with exactly `ndigits` decimals, as `'%.{n}f' % round(x, n)` prints. */
export function formatPythonRounded(x: number, ndigits: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`formatPythonRounded: ${x} is not a finite number`);
  if (!Number.isInteger(ndigits) || ndigits < 0 || ndigits > 20) {
    throw new RangeError(`formatPythonRounded: ndigits must be an integer in 0..20, got ${ndigits}`);
  }
  const magnitude = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const awayFromZero = magnitude.toFixed(ndigits);
  if (!isExactTie(magnitude, ndigits)) return sign + awayFromZero;
  const truncated = truncateDecimal(magnitude, ndigits);
  const lastDigit = Number(truncated.at(-1));
  return sign + (lastDigit % 2 === 0 ? truncated : awayFromZero);
}

/** Python 3 `round(x, ndigits)` as a number. */
export function pythonRound(x: number, ndigits: number): number {
  return Number(formatPythonRounded(x, ndigits));
}

/**
 * True when x lies exactly halfway between two multiples of 10^-ndigits. Such values are dyadic
 * with few fraction digits, so 100 exact digits (toFixed is exact per the spec) always suffice to
 * tell; values with longer expansions are never ties.
 */
function isExactTie(magnitude: number, ndigits: number): boolean {
  if (magnitude >= 1e21) return false; // toFixed switches to exponent form; such x are integers
  const exact = magnitude.toFixed(100);
  const fraction = exact.slice(exact.indexOf('.') + 1);
  return fraction[ndigits] === '5' && /^0*$/.test(fraction.slice(ndigits + 1));
}

function truncateDecimal(magnitude: number, ndigits: number): string {
  const exact = magnitude.toFixed(100);
  const dot = exact.indexOf('.');
  return ndigits === 0 ? exact.slice(0, dot) : exact.slice(0, dot + 1 + ndigits);
}
