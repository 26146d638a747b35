#!/usr/bin/env python3
"""Times the OFFICIAL pycocoevalcap Bleu(4), Rouge and Cider compute_score on a tokenized corpus.

The Python side of the caption-metric speed comparison (test/bench/caption-metrics.bench.ts):
  npx tsx test/bench/synthetic-captions.ts /tmp/captions-5000x5.json 5000 5 1
  /usr/bin/python3 test/golden/caption/time_official.py /tmp/pycoco/pycocoevalcap /tmp/captions-5000x5.json [REPEATS]
Tokenization is excluded, as in the TypeScript benchmark (the corpus is plain lowercase words).
Prints JSON: per-scorer wall-clock and CPU seconds (best of REPEATS each), their sums, and the
corpus scores, so that the TypeScript results on the same corpus can be compared too. On a
shared machine the CPU seconds (time.process_time) are the steadier number.
"""
import json
import os
import sys
import time


def main():
    checkout, corpus_path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    parent, name = os.path.split(os.path.abspath(checkout))
    sys.path.insert(0, parent)
    Bleu = __import__(name + '.bleu.bleu', fromlist=['Bleu']).Bleu
    Rouge = __import__(name + '.rouge.rouge', fromlist=['Rouge']).Rouge
    Cider = __import__(name + '.cider.cider', fromlist=['Cider']).Cider
    with open(corpus_path, encoding='utf-8') as f:
        corpus = json.load(f)
    gts = {k: list(v) for k, v in corpus['refs'].items()}
    res = {k: [v] for k, v in corpus['preds'].items()}
    scorers = [('Bleu', lambda: Bleu(4).compute_score(gts, res, verbose=0)),
               ('Rouge', lambda: Rouge().compute_score(gts, res)),
               ('Cider', lambda: Cider().compute_score(gts, res))]
    best = {}
    best_cpu = {}
    scores = {}
    for _ in range(repeats):
        for label, run in scorers:
            start, start_cpu = time.perf_counter(), time.process_time()
            score, _ = run()
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            best[label] = min(best.get(label, float('inf')), elapsed)
            best_cpu[label] = min(best_cpu.get(label, float('inf')), elapsed_cpu)
            scores[label] = [float(s) for s in score] if isinstance(score, list) else float(score)
    print(json.dumps({'images': len(res), 'repeats': repeats,
                      'wall_seconds': best, 'sum_of_best_wall_seconds': sum(best.values()),
                      'cpu_seconds': best_cpu, 'sum_of_best_cpu_seconds': sum(best_cpu.values()),
                      'scores': scores}, indent=1))


if __name__ == '__main__':
    main()
