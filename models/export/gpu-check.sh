#!/usr/bin/env bash
# Run from the repository root on the machine with transformers 5.x (see models/export/README.md):
#   bash models/export/gpu-check.sh [--only CASE ...]   (cases: see CASES in verify_tiny_random.py)
# Writes $OUT/hf-tiny.tar.gz (exported tiny models + expected.json), $OUT/expected.json and
# $OUT/verify-log.txt. CPU only: the models are tiny; the whole run takes well under 4 minutes.
set -o pipefail
OUT="${OUT:-$PWD/out-hf-tiny}"
mkdir -p "$OUT"
export CUDA_VISIBLE_DEVICES=""
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-8}"
export TOKENIZERS_PARALLELISM=false
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY="${PYTHON:-python3}"
"$PY" -c 'import torch, transformers, tokenizers, onnx, onnxruntime; print("torch", torch.__version__, "transformers", transformers.__version__, "tokenizers", tokenizers.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__)' 2>&1 | tee "$OUT/verify-log.txt"
# The package is imported under a private name through a symlink: a `models` package installed in
# site-packages would otherwise shadow this repository's namespace package `models`.
PKG_ROOT="$(mktemp -d)"
ln -s "$PWD/models/export" "$PKG_ROOT/vlbench_export"
PYTHONPATH="$PKG_ROOT${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 timeout 220 \
  "$PY" -m vlbench_export.verify_tiny_random --out "$OUT" "$@" 2>&1 | tee -a "$OUT/verify-log.txt"
status=$?
ls -l "$OUT" | tee -a "$OUT/verify-log.txt"
exit $status
