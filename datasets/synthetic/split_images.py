"""Writes the image part of a split: PNGs, scene metadata, Karpathy caption/retrieval JSON,
COCO-format caption ground truth, VQAv2 questions/annotations, and instruction JSONL.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .captions import captions
from .instructions import HELD_IN_TYPES, HELD_OUT_TYPES, instruction_sample
from .seeds import split_rng
from .vqa import answer_vocabulary, vqa_questions
from .world import render_array, sample_scene
from .writers import write_json, write_jsonl, write_png

DATASET_INFO = {"description": "vlbench synthetic shapes world (generated, see datasets/synthetic)",
                "version": "1.0", "year": 2026, "contributor": "vlbench",
                "url": "datasets/synthetic/README.md", "date_created": "2026-11-27"}
LICENSE = {"name": "MIT (generated data)", "url": "LICENSE"}


def image_file(split: str, image_id: int) -> str:
    return f"images/synth_{split}_{image_id:012d}.png"


def build_images(split: str, count: int, seed: int) -> list:
    """[(image_id, file, scene, captions)] for image indices 0..count-1."""
    out = []
    for index in range(count):
        rng = split_rng(seed, split, "image", index)
        scene = sample_scene(rng)
        out.append((index + 1, image_file(split, index + 1), scene, captions(scene, rng, k=5)))
    return out


def write_image_files(root: Path, images: list) -> None:
    for _, file, scene, _ in images:
        write_png(root / file, render_array(scene))


def karpathy_entries(images: list) -> list:
    return [{"image": file, "caption": refs} for _, file, _, refs in images]


def coco_caption_gt(images: list, subtype: str) -> dict:
    annotations, next_id = [], 1
    for image_id, _, _, refs in images:
        for ref in refs:
            annotations.append({"image_id": image_id, "id": next_id, "caption": ref})
            next_id += 1
    return {"info": DATASET_INFO, "licenses": [LICENSE], "type": "captions",
            "images": [{"id": image_id, "file_name": file.split("/")[-1]}
                       for image_id, file, _, _ in images],
            "annotations": annotations, "data_subtype": subtype}


def build_questions(split: str, images: list, per_image: int, n_images: int, seed: int) -> list:
    """[(question_id, image_id, question dict)]; question_id = image_id * 1000 + k (VQAv2 style)."""
    out = []
    for image_id, _, scene, _ in images[:n_images]:
        rng = split_rng(seed, split, "vqa", image_id - 1)
        for k, q in enumerate(vqa_questions(scene, rng, k=per_image)):
            out.append((image_id * 1000 + k, image_id, q))
    return out


def vqa_files(questions: list, subtype: str) -> tuple:
    """(questions JSON, annotations JSON, programs JSON) in the official VQAv2 layout."""
    q_json = {"info": DATASET_INFO, "license": LICENSE, "task_type": "Open-Ended",
              "data_type": "synth", "data_subtype": subtype,
              "questions": [{"image_id": image_id, "question": q["question"], "question_id": qid}
                            for qid, image_id, q in questions]}
    annotations = []
    for qid, image_id, q in questions:
        mode = Counter(q["answers"]).most_common(1)[0][0]
        annotations.append({
            "question_id": qid, "image_id": image_id, "question_type": q["question_type"],
            "answer_type": q["answer_type"], "multiple_choice_answer": mode,
            "answers": [{"answer": a, "answer_confidence": c, "answer_id": i + 1}
                        for i, (a, c) in enumerate(zip(q["answers"], q["answer_confidences"]))],
        })
    a_json = {"info": DATASET_INFO, "license": LICENSE, "data_type": "synth",
              "data_subtype": subtype, "annotations": annotations}
    programs = [{"question_id": qid, "image_id": image_id, "kind": q["kind"],
                 "program": q["program"], "answer": q["answer"]} for qid, image_id, q in questions]
    return q_json, a_json, programs


def build_instructions(split: str, images: list, per_type: dict, seed: int) -> list:
    """Instruction rows; each type draws images until one supports it."""
    rows, index = [], 0
    for kind in list(HELD_OUT_TYPES) + list(HELD_IN_TYPES):
        for _ in range(per_type.get(kind, 0)):
            rng = split_rng(seed, split, "instruction", index)
            sample = None
            while sample is None:
                image_id, file, scene, _ = images[int(rng.integers(len(images)))]
                sample = instruction_sample(scene, rng, kind)
            index += 1
            rows.append(dict(sample, id=f"synth_{split}_inst_{index:05d}", image=file,
                             image_id=image_id, answer=sample["answer_index"]))
    for row in rows:
        del row["answer_index"]
    return rows


def write_image_split(root: Path, split: str, counts: dict, seed: int) -> dict:
    """Writes everything image-based; returns the file map for the manifest."""
    images = build_images(split, counts["images"], seed)
    write_image_files(root, images)
    write_json(root / f"scenes_{split}.json",
               {"images": [{"image_id": i, "file_name": f, "scene": s} for i, f, s, _ in images]})
    default_images = images[: counts["default_images"]]
    files = {"scenes": f"scenes_{split}.json"}
    for name, subset in ((split, images), ("default", default_images)):
        write_json(root / f"captions/synth_karpathy_{name}.json", karpathy_entries(subset))
        write_json(root / f"captions/synth_karpathy_{name}_gt.json", coco_caption_gt(subset, name))
    questions = build_questions(split, images, counts["questions_per_image"],
                                counts["vqa_images"], seed)
    default_questions = [q for q in questions
                         if q[1] <= counts["default_vqa_images"]
                         and q[0] % 1000 < counts["default_questions_per_image"]]
    for name, subset in ((split, questions), ("default", default_questions)):
        q_json, a_json, programs = vqa_files(subset, name)
        write_json(root / f"vqa/v2_OpenEnded_synth_{name}_questions.json", q_json)
        write_json(root / f"vqa/v2_synth_{name}_annotations.json", a_json)
        write_json(root / f"vqa/programs_{name}.json", programs)
    write_json(root / "vqa/answer_list.json", answer_vocabulary())
    rows = build_instructions(split, images, counts["instructions_per_type"], seed)
    write_jsonl(root / f"instructions/instructions_{split}.jsonl", rows)
    default_rows = _default_instructions(rows, counts["default_instructions_per_type"])
    write_jsonl(root / "instructions/instructions_default.jsonl", default_rows)
    write_json(root / "instructions/instruction_types.json",
               {"held_in": list(HELD_IN_TYPES), "held_out": list(HELD_OUT_TYPES)})
    return {"images": len(images), "captions": 5 * len(images), "vqa_questions": len(questions),
            "instructions": len(rows), "default_images": len(default_images),
            "default_vqa_questions": len(default_questions),
            "default_instructions": len(default_rows)}


def _default_instructions(rows: list, per_type: dict) -> list:
    taken: Counter = Counter()
    out = []
    for row in rows:
        if taken[row["type"]] < per_type.get(row["type"], 0):
            taken[row["type"]] += 1
            out.append(row)
    return out
