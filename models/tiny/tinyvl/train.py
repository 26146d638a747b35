"""Entry point: `python3 -m tinyvl.train` (run from models/tiny) trains every stage from seeds
(cached in .cache/), exports all models to ONNX with manifests, evaluates them and writes the
fidelity fixtures. `--stage NAME` trains one stage; `--jobs N` trains up to N independent stages of a
wave at once (one process and one thread each: `--jobs 2` on a 2-core machine); `--parallel`
trains every stage of a wave at once, for a machine with many cores."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from . import pipeline, util

WAVES = [
    ["blip", "albef", "vit", "opt", "t5", "audio", "points"],
    ["qf1", "opt_more", "t5_read", "blip_more"],
    ["qf2_opt", "qf2_t5", "opt_x", "opt_read"],
    ["qf2_opt_more", "qf2_t5_more", "x_image", "x_video", "x_audio", "x_pointcloud"],
    ["ib_opt", "ib_t5", "x_image_more", "x_video_more"],
    ["ib_opt_more", "ib_t5_more", "qf1_more", "qf2_opt_more2", "qf2_t5_more2", "albef_more"],
    ["ib_opt_more2", "ib_t5_more2", "qf2_opt_read", "qf2_t5_read", "x_image_spaced", "x_video_spaced"],
    ["ib_opt_read", "ib_t5_read", "qf2_opt_read2", "blip_more2", "albef_more2"],
    ["blip_more3", "albef_more3"],
]


def run_stage(name: str, in_wave: bool = False) -> None:
    """Trains stage `name` (and, unless `in_wave`, whatever it starts from that is not cached yet)."""
    from . import lmstages, stages, xstages
    table = {
        "blip": pipeline.train_blip, "albef": pipeline.train_albef,
        "blip_more": pipeline.continue_blip, "albef_more": pipeline.continue_albef,
        "blip_more2": pipeline.final_blip, "albef_more2": pipeline.final_albef,
        "blip_more3": pipeline.itm_blip, "albef_more3": pipeline.itm_albef,
        "qf2_t5_more": lambda: stages.stage2_final("t5", 1), "qf2_opt_more": lambda: stages.stage2_final("opt", 1),
        "qf2_t5_more2": lambda: stages.stage2_final("t5", 2), "qf2_opt_more2": lambda: stages.stage2_final("opt", 2),
        "ib_t5_more": lambda: stages.instruct_final("t5", 1), "ib_opt_more": lambda: stages.instruct_final("opt", 1),
        "ib_t5_more2": lambda: stages.instruct_final("t5", 2), "ib_opt_more2": lambda: stages.instruct_final("opt", 2),
        "vit": stages.frozen_vit, "opt": stages.opt_lm_pretrain, "opt_more": stages.opt_lm, "t5": stages.t5_lm,
        "audio": stages.frozen_audio, "points": stages.frozen_points,
        "qf1": stages.qformer_stage1, "qf1_more": stages.qformer_retrieval,
        "qf2_opt": lambda: stages.stage2("opt"), "qf2_t5": lambda: stages.stage2("t5"),
        "ib_opt": lambda: stages.instruct("opt"), "ib_t5": lambda: stages.instruct("t5"),
        "opt_x": xstages.x_lm, "opt_read": lambda: lmstages.reading_lm("opt"),
        "t5_read": lambda: lmstages.reading_lm("t5"),
        "qf2_opt_read": lambda: stages.stage2_final("opt", reading=1),
        "qf2_opt_read2": lambda: stages.stage2_final("opt"), "ib_opt_read": lambda: stages.instruct_final("opt"),
        "qf2_t5_read": lambda: stages.stage2_final("t5"), "ib_t5_read": lambda: stages.instruct_final("t5"),
        "x_image": lambda: xstages.xinstruct_first("image"), "x_video": lambda: xstages.xinstruct_first("video"),
        "x_image_more": lambda: xstages.xinstruct("image", 1), "x_video_more": lambda: xstages.xinstruct("video", 1),
        "x_image_spaced": lambda: xstages.xinstruct("image"), "x_video_spaced": lambda: xstages.xinstruct("video"),
        "x_audio": lambda: xstages.xinstruct("audio"), "x_pointcloud": lambda: xstages.xinstruct("pointcloud"),
    }
    start, saved_before = time.time(), len(util.SAVED)
    table[name]()
    (util.CACHE / f"time_{name}.json").write_text(json.dumps({"stage": name, "seconds": time.time() - start}))
    others = [s for s in util.SAVED[saved_before:] if s != name]
    if in_wave and others:  # a stage that trains what it starts from serialises work --jobs would run in parallel
        raise SystemExit(f"stage {name} also trained {', '.join(others)}: put them in an earlier wave of "
                         "tinyvl/train.py's WAVES (or make the stage load only what it starts from)")


def train_all(jobs: int) -> None:
    """Wave by wave; within a wave up to `jobs` stages train at once, each in its own process."""
    pipeline.tokenizers()
    for wave in WAVES:
        if jobs <= 1:
            for s in wave:
                run_stage(s, in_wave=True)
            continue
        pending, running = list(wave), []
        while pending or running:
            while pending and len(running) < jobs:
                stage = pending.pop(0)
                running.append((stage, subprocess.Popen([sys.executable, "-m", "tinyvl.train", "--stage", stage, "--in-wave"])))
            time.sleep(1)
            for stage, proc in [r for r in running if r[1].poll() is not None]:
                running.remove((stage, proc))
                if proc.returncode:
                    raise SystemExit(f"stage {stage} failed (exit {proc.returncode}) in wave {wave}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage")
    ap.add_argument("--jobs", type=int, default=1, help="stages of a wave trained at once (processes)")
    ap.add_argument("--parallel", action="store_true", help="every stage of a wave at once (many cores)")
    ap.add_argument("--train-only", action="store_true")
    ap.add_argument("--in-wave", action="store_true", help="fail if the stage trains anything but itself")
    args = ap.parse_args()
    if args.stage:
        run_stage(args.stage, args.in_wave)
        return
    train_all(max(len(w) for w in WAVES) if args.parallel else args.jobs)
    if args.train_only:
        return
    from . import release
    release.main()


if __name__ == "__main__":
    main()
