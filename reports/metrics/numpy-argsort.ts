/**
 * `np.argsort(x)` (default kind 'quicksort') for float arrays, reproducing numpy's generic
 * introsort (`aquicksort_` in numpy/core/src/npysort/quicksort.cpp and `aheapsort_` in
 * npysort_heapsort.h @ numpy v1.24.2) step by step, so that the order of EQUAL values is the
 * one numpy produces. LAVIS ranks retrieval candidates with `np.argsort(score)[::-1]`; the sort
 * is not stable, and where a ground-truth item ties with others at position K the recall depends
 * on this order.
 *
 * Scope of the parity: this is the portable path numpy takes for float32/float64 argsort in
 * every release up to 1.24 on every CPU, and in later releases wherever its SIMD sort is not
 * used for the dtype and CPU (longdouble, for one, always takes it). numpy >= 1.25 dispatches
 * argsort of 32/64-bit types to x86-simd-sort on AVX-512 CPUs, and numpy 2.x also on AVX2
 * (checked: numpy 2.4.6 on an AVX2 CPU orders ties differently, and the same LAVIS code with
 * the scores cast to longdouble matches this port), so LAVIS itself gives numpy- and
 * CPU-dependent recalls on exact ties. Ties only matter when they straddle position 1, 5 or 10
 * (recall-ties.ts gives the range of values any order allows, and `vlbench score retrieval`
 * prints it); LAVIS's -100 fill for non-reranked pairs ties massively, but below position
 * k_test >= 128.
 *
 * NaN handling follows numpy's `a < b || (b != b && a == a)` (NaN sorts last), although the
 * retrieval readers reject NaN before it gets here.
 */

/** Rows shorter than this are insertion-sorted (`(pr - pl) > SMALL_QUICKSORT`, 15). */
const SMALL_QUICKSORT = 15;

function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** floor(log2(n)) for n >= 1 (`npy_get_msb`); 0 for n <= 1. */
function msb(n: number): number {
  let depth = 0;
  while (n > 1) {
    n = Math.floor(n / 2);
    depth += 1;
  }
  return depth;
}

/** Ascending argsort with numpy's tie order. */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const num = values.length;
  const tosort = new Int32Array(num);
  for (let i = 0; i < num; i++) tosort[i] = i;
  if (num > 1) introsort(values, tosort, num);
  return tosort;
}

/** Indices in the order of `np.argsort(values)[::-1]` (descending, numpy's tie order reversed). */
export function numpyArgsortDescending(values: ArrayLike<number>): Int32Array {
  return numpyArgsort(values).reverse();
}

function introsort(v: ArrayLike<number>, t: Int32Array, num: number): void {
  const stack: number[] = [];
  const depthStack: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = msb(num) * 2;
  for (;;) {
    if (cdepth < 0) {
      heapsort(v, t, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pi = partition(v, t, pl, pr);
        // Push the larger side, keep working on the smaller one.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      insertionSort(v, t, pl, pr);
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depthStack.pop() as number;
  }
}

/** Median-of-three partition of t[pl..pr]; returns the pivot's final position. */
function partition(v: ArrayLike<number>, t: Int32Array, pl: number, pr: number): number {
  const pm = pl + ((pr - pl) >> 1);
  if (less(v[t[pm]!]!, v[t[pl]!]!)) swap(t, pm, pl);
  if (less(v[t[pr]!]!, v[t[pm]!]!)) swap(t, pr, pm);
  if (less(v[t[pm]!]!, v[t[pl]!]!)) swap(t, pm, pl);
  const vp = v[t[pm]!]!;
  let pi = pl;
  let pj = pr - 1;
  swap(t, pm, pj);
  for (;;) {
    do ++pi; while (less(v[t[pi]!]!, vp));
    do --pj; while (less(vp, v[t[pj]!]!));
    if (pi >= pj) break;
    swap(t, pi, pj);
  }
  swap(t, pi, pr - 1);
  return pi;
}

function insertionSort(v: ArrayLike<number>, t: Int32Array, pl: number, pr: number): void {
  for (let pi = pl + 1; pi <= pr; ++pi) {
    const vi = t[pi]!;
    const vp = v[vi]!;
    let pj = pi;
    let pk = pi - 1;
    while (pj > pl && less(vp, v[t[pk]!]!)) t[pj--] = t[pk--]!;
    t[pj] = vi;
  }
}

/** `aheapsort_` on t[start .. start+n-1] (1-based heap indexing, as numpy). */
function heapsort(v: ArrayLike<number>, t: Int32Array, start: number, n: number): void {
  const a = (k: number): number => t[start + k - 1]!;
  const set = (k: number, value: number): void => {
    t[start + k - 1] = value;
  };
  const siftDown = (top: number, tmp: number, size: number): void => {
    let i = top;
    for (let j = top << 1; j <= size; ) {
      if (j < size && less(v[a(j)]!, v[a(j + 1)]!)) j += 1;
      if (!less(v[tmp]!, v[a(j)]!)) break;
      set(i, a(j));
      i = j;
      j += j;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) siftDown(l, a(l), n);
  for (let size = n; size > 1; ) {
    const tmp = a(size);
    set(size, a(1));
    size -= 1;
    siftDown(1, tmp, size);
  }
}

function swap(t: Int32Array, i: number, j: number): void {
  const tmp = t[i]!;
  t[i] = t[j]!;
  t[j] = tmp;
}
