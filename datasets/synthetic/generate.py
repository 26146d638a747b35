"""Generate a split of the synthetic benchmark into a folder, byte-identically for a given seed.

    /usr/bin/python3 -m datasets.synthetic.generate --split test --out datasets/bundled
    /usr/bin/python3 -m datasets.synthetic.generate --split train --out /tmp/synth-train --images 20000

Run from the repository root. The test split is committed; train and val are for training.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .seeds import DEFAULT_SEED, SPLITS
from .split_images import write_image_split
from .split_media import write_audio_split, write_pointcloud_split, write_video_split
from .writers import write_json

GENERATOR_VERSION = 1

SPLIT_COUNTS = {
    "test": {"images": 500, "vqa_images": 400, "questions_per_image": 3,
             "held_out_per_type": 64, "held_in_per_type": 20,
             "audio": 80, "pointclouds": 96, "points": 1024, "ply_per_class": 1, "videos": 80,
             "default_images": 100, "default_vqa_images": 100, "default_questions_per_image": 2,
             "default_held_out_per_type": 24, "default_audio": 32,
             "default_pointclouds_per_class": 5, "default_videos": 24},
    "val": {"images": 200, "vqa_images": 200, "questions_per_image": 3,
            "held_out_per_type": 20, "held_in_per_type": 20,
            "audio": 48, "pointclouds": 60, "points": 1024, "ply_per_class": 0, "videos": 40,
            "default_images": 50, "default_vqa_images": 50, "default_questions_per_image": 2,
            "default_held_out_per_type": 10, "default_audio": 16,
            "default_pointclouds_per_class": 3, "default_videos": 12},
    "train": {"images": 5000, "vqa_images": 5000, "questions_per_image": 3,
              "held_out_per_type": 0, "held_in_per_type": 1000,
              "audio": 2000, "pointclouds": 1200, "points": 1024, "ply_per_class": 0,
              "videos": 1000, "default_images": 0, "default_vqa_images": 0,
              "default_questions_per_image": 0, "default_held_out_per_type": 0,
              "default_audio": 0, "default_pointclouds_per_class": 0, "default_videos": 0},
}


def resolved_counts(split: str, overrides: dict) -> dict:
    from .instructions import HELD_IN_TYPES, HELD_OUT_TYPES

    counts = dict(SPLIT_COUNTS[split])
    counts.update({k: v for k, v in overrides.items() if v is not None})
    counts["vqa_images"] = min(counts["vqa_images"], counts["images"])
    per_type = {t: counts["held_out_per_type"] for t in HELD_OUT_TYPES}
    per_type.update({t: counts["held_in_per_type"] for t in HELD_IN_TYPES})
    counts["instructions_per_type"] = per_type
    counts["default_instructions_per_type"] = {
        t: counts["default_held_out_per_type"] for t in HELD_OUT_TYPES}
    return counts


def file_map(split: str) -> dict:
    """Where each file lives, relative to the split folder (media paths inside each file are
    relative to the `root` of its group)."""
    def both(pattern: str) -> dict:
        return {split: pattern.format(split), "default": pattern.format("default")}

    return {
        "scenes": f"scenes_{split}.json",
        "captions": {"root": ".", "karpathy": both("captions/synth_karpathy_{}.json"),
                     "coco_gt": both("captions/synth_karpathy_{}_gt.json")},
        "vqa": {"root": ".", "questions": both("vqa/v2_OpenEnded_synth_{}_questions.json"),
                "annotations": both("vqa/v2_synth_{}_annotations.json"),
                "programs": both("vqa/programs_{}.json"), "answer_list": "vqa/answer_list.json"},
        "instructions": {"root": ".", "jsonl": both("instructions/instructions_{}.jsonl"),
                         "types": "instructions/instruction_types.json"},
        "audio": {"root": "audio/wav", "audiocaps": both("audio/audiocaps_{}.csv"),
                  "clotho_aqa": both("audio/clotho_aqa_{}.csv"), "meta": f"audio/audio_meta_{split}.json"},
        "pointclouds": {"root": "pointclouds", "shape_names": "pointclouds/shape_names.txt",
                        "ids": both("pointclouds/{}.txt"), "meta": f"pointclouds/pointcloud_meta_{split}.json"},
        "video": {"root": "video/frames", "msvd_qa": both("video/msvd_qa_{}.json"),
                  "captions": both("video/video_captions_{}.json"), "meta": f"video/video_meta_{split}.json"},
    }


def generate(split: str, out: Path, seed: int = DEFAULT_SEED, overrides: dict | None = None) -> dict:
    """Writes the split under `out` (replacing generated folders there) and returns its manifest."""
    counts = resolved_counts(split, overrides or {})
    for folder in ("images", "captions", "vqa", "instructions", "audio", "pointclouds", "video"):
        shutil.rmtree(out / folder, ignore_errors=True)
    totals = {}
    totals.update(write_image_split(out, split, counts, seed))
    totals.update(write_audio_split(out, split, counts, seed))
    totals.update(write_pointcloud_split(out, split, counts, seed))
    totals.update(write_video_split(out, split, counts, seed))
    manifest = {"generator": "datasets/synthetic", "generator_version": GENERATOR_VERSION,
                "seed": seed, "split": split, "counts": totals, "files": file_map(split),
                "regenerate": "/usr/bin/python3 -m datasets.synthetic.generate "
                              f"--split {split} --seed {seed} --out <this folder>"}
    write_json(out / "manifest.json", manifest)
    return manifest


def _parse(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m datasets.synthetic.generate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SPLITS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    for name in ("images", "vqa_images", "audio", "pointclouds", "videos", "points",
                 "held_in_per_type", "held_out_per_type"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name,
                            help=f"override the split's {name} count")
    return parser.parse_args(argv)


def main(argv: list | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    overrides = {k: getattr(args, k) for k in ("images", "vqa_images", "audio", "pointclouds",
                                               "videos", "points", "held_in_per_type",
                                               "held_out_per_type")}
    manifest = generate(args.split, args.out, args.seed, overrides)
    print(f"wrote {args.split} split to {args.out}: {manifest['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
