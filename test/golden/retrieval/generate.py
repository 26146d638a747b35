"""Generates retrieval golden cases and scores them with LAVIS's own `_report_metrics`.

Usage (see PROVENANCE.md):
    /usr/bin/python3 test/golden/retrieval/generate.py LAVIS_RETRIEVAL_PY OUT_DIR

LAVIS_RETRIEVAL_PY is lavis/tasks/retrieval.py from salesforce/LAVIS. Only the source of
`RetrievalTask._report_metrics` is taken from it (via ast, decorators dropped: @staticmethod and
@torch.no_grad() change nothing for numpy input) and executed unchanged with numpy, json, os and a
stand-in `registry` whose output_dir is a temporary folder (the function appends to evaluate.txt
there). Ranks are recorded with the same two numpy expressions the function uses.
"""
import ast
import json
import os
import sys
import tempfile

import numpy as np

SOURCE = open(sys.argv[1]).read()
OUT = sys.argv[2]
rng = np.random.default_rng(20261127)


def load_report_metrics():
    tree = ast.parse(SOURCE)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_report_metrics":
            node.decorator_list = []
            module = ast.Module(body=[node], type_ignores=[])
            tmp = tempfile.mkdtemp()

            class Registry:
                @staticmethod
                def get_path(name):
                    assert name == "output_dir"
                    return tmp

            scope = {"np": np, "json": json, "os": os, "registry": Registry}
            exec(compile(module, sys.argv[1], "exec"), scope)
            return scope["_report_metrics"]
    raise SystemExit("_report_metrics not found")


report_metrics = load_report_metrics()


def ranks_of(scores_i2t, scores_t2i, img2txt, txt2img):
    """The rank expressions of _report_metrics, kept per query."""
    text_ranks = []
    for index, score in enumerate(scores_i2t):
        inds = np.argsort(score)[::-1]
        rank = 1e20
        for i in img2txt[index]:
            tmp = np.where(inds == i)[0][0]
            if tmp < rank:
                rank = tmp
        text_ranks.append(float(rank))
    image_ranks = [int(np.where(np.argsort(score)[::-1] == txt2img[index])[0][0]) for index, score in enumerate(scores_t2i)]
    return text_ranks, image_ranks


def karpathy_layout(n_img, per_image, jitter=False):
    img2txt, txt2img, t = [], [], 0
    for i in range(n_img):
        k = per_image if not jitter else int(rng.integers(0, per_image + 3))
        img2txt.append(list(range(t, t + k)))
        txt2img += [i] * k
        t += k
    return img2txt, txt2img


def lavis_like(n_img, img2txt, txt2img, k_test, dtype):
    """ITC sims, ITM+ITC for the top k_test per row, -100 elsewhere (albef compute_sim_matrix)."""
    n_txt = len(txt2img)
    sims = rng.normal(0, 0.1, size=(n_img, n_txt))
    for t, i in enumerate(txt2img):
        sims[i, t] += rng.normal(0.25, 0.2)
    itm = rng.normal(0, 2, size=(n_img, n_txt))
    i2t = np.full((n_img, n_txt), -100.0)
    for i in range(n_img):
        top = np.argsort(sims[i])[::-1][:k_test]
        i2t[i, top] = itm[i, top] + sims[i, top]
    t2i = np.full((n_txt, n_img), -100.0)
    for t in range(n_txt):
        top = np.argsort(sims[:, t])[::-1][:k_test]
        t2i[t, top] = itm[top, t] + sims[top, t]
    return i2t.astype(dtype), t2i.astype(dtype)


def make_cases():
    cases = []
    # 1. Coarse scores (one decimal) so ties straddle K everywhere; one image without GT texts.
    img2txt, txt2img = karpathy_layout(12, 5, jitter=True)
    i2t = np.round(rng.uniform(0, 1, size=(12, len(txt2img))), 1)
    t2i = np.round(rng.uniform(0, 1, size=(len(txt2img), 12)), 1)
    cases.append(("coarse-ties", i2t, t2i, img2txt, txt2img, True))
    # 2. Integer scores 0..6 over a wider matrix: long tie runs through the quicksort partitions.
    img2txt, txt2img = karpathy_layout(40, 5)
    i2t = rng.integers(0, 7, size=(40, 200)).astype(np.float64)
    t2i = rng.integers(0, 7, size=(200, 40)).astype(np.float64)
    cases.append(("integer-ties", i2t, t2i, img2txt, txt2img, True))
    # 3. LAVIS-shaped float32 matrices: reranked top k_test, -100 elsewhere.
    img2txt, txt2img = karpathy_layout(40, 5)
    i2t, t2i = lavis_like(40, img2txt, txt2img, 16, np.float32)
    cases.append(("lavis-shaped-float32", i2t, t2i, img2txt, txt2img, True))
    # 4. Continuous scores, no ties; scores_t2i omitted (the transpose of scores_i2t is used).
    img2txt, txt2img = karpathy_layout(25, 5)
    i2t = rng.normal(size=(25, 125))
    for t, i in enumerate(txt2img):
        i2t[i, t] += 1.5
    cases.append(("continuous-transpose", i2t, np.ascontiguousarray(i2t.T), img2txt, txt2img, False))
    # 5. Everything tied: every position is decided by numpy's tie order alone.
    img2txt, txt2img = karpathy_layout(20, 5)
    cases.append(("all-equal", np.zeros((20, 100)), np.zeros((100, 20)), img2txt, txt2img, True))
    return cases


def argsort_cases():
    """np.argsort on tie-heavy rows of many lengths (insertion sort, partitions, both)."""
    out = []
    for n in [1, 2, 3, 15, 16, 17, 18, 33, 100, 257, 1000, 2000]:
        for levels in [1, 2, 3, 10, 1000]:
            level = rng.integers(0, levels, size=n)
            v = level.astype(np.float64) * 0.5 - 1  # the test rebuilds values the same way
            out.append({"levels": level.tolist(), "argsort": np.argsort(v).tolist()})
    for n in [100, 600, 2000]:
        level, heapsort = adversarial_levels(n)
        assert heapsort, "the adversary did not reach numpy's heapsort fallback"
        v = np.array(level, dtype=np.float64) * 0.5 - 1
        out.append({"levels": level, "argsort": np.argsort(v).tolist(), "reachesHeapsort": True})
    return out


def adversarial_levels(n):
    """An input that drives numpy's median-of-3 introsort past its depth limit into heapsort.

    McIlroy's "A killer adversary for quicksort" (1999): values are frozen lazily while a sort
    runs, so that every pivot is nearly the smallest. The sort used for the adversary is a
    comparator-driven transcription of numpy's aquicksort_ (quicksort.cpp @ v1.24.2); it only
    produces the input; the expected argsort is what real numpy returns for it. Returns the
    values and whether the transcription hit the heapsort fallback.
    """
    gas = n
    val = [gas] * n
    state = {"solid": 0, "candidate": 0, "heapsort": False}

    def less(x, y):  # the adversary's comparator
        if val[x] == gas and val[y] == gas:
            val[x if x == state["candidate"] else y] = state["solid"]
            state["solid"] += 1
        if val[x] == gas:
            state["candidate"] = x
        elif val[y] == gas:
            state["candidate"] = y
        return val[x] < val[y]

    t = list(range(n))
    stack = []
    pl, pr, cdepth = 0, n - 1, (n.bit_length() - 1) * 2
    while True:
        if cdepth < 0:
            state["heapsort"] = True  # numpy would heapsort t[pl..pr]; the adversary is done
            break
        while pr - pl > 15:
            pm = pl + ((pr - pl) >> 1)
            if less(t[pm], t[pl]): t[pm], t[pl] = t[pl], t[pm]
            if less(t[pr], t[pm]): t[pr], t[pm] = t[pm], t[pr]
            if less(t[pm], t[pl]): t[pm], t[pl] = t[pl], t[pm]
            vp = t[pm]
            pi, pj = pl, pr - 1
            t[pm], t[pj] = t[pj], t[pm]
            while True:
                pi += 1
                while less(t[pi], vp): pi += 1
                pj -= 1
                while less(vp, t[pj]): pj -= 1
                if pi >= pj: break
                t[pi], t[pj] = t[pj], t[pi]
            t[pi], t[pr - 1] = t[pr - 1], t[pi]
            if pi - pl < pr - pi:
                stack.append((pi + 1, pr)); pr = pi - 1
            else:
                stack.append((pl, pi - 1)); pl = pi + 1
            cdepth -= 1
            stack[-1] = stack[-1] + (cdepth,)
        for i in range(pl + 1, pr + 1):  # insertion sort, comparisons only matter for freezing
            vi, j = t[i], i
            while j > pl and less(vi, t[j - 1]):
                t[j] = t[j - 1]; j -= 1
            t[j] = vi
        if not stack:
            break
        pl, pr, cdepth = stack.pop()
    return val, state["heapsort"]


def main():
    cases = []
    for name, i2t, t2i, img2txt, txt2img, write_t2i in make_cases():
        metrics = report_metrics(i2t, t2i, txt2img, img2txt)
        text_ranks, image_ranks = ranks_of(i2t, t2i, img2txt, txt2img)
        scores = {"scores_i2t": i2t.astype(np.float64).tolist(), "img2txt": img2txt, "txt2img": txt2img}
        if write_t2i:
            scores["scores_t2i"] = t2i.astype(np.float64).tolist()
        with open(os.path.join(OUT, name + ".scores.json"), "w") as f:
            json.dump(scores, f)
        cases.append({"name": name, "scores": name + ".scores.json", "metrics": {k: float(v) for k, v in metrics.items()},
                      "textRanks": text_ranks, "imageRanks": image_ranks})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
    with open(os.path.join(OUT, "argsort.json"), "w") as f:
        json.dump(argsort_cases(), f)


main()
