"""Writes the audio, point-cloud and video parts of a split in their datasets' layouts:
AudioCaps-style caption CSV and Clotho-AQA-style question CSV over 16 kHz WAVs; ModelNet-style
shape names, id lists and per-class point files; MSVD-QA-style JSON over frame folders.
"""

from __future__ import annotations

from pathlib import Path

from .audio import SAMPLE_RATE, sample_audio, to_pcm16
from .humans import human_answers
from .pointcloud import SHAPE_NAMES, sample_pointcloud
from .seeds import split_rng
from .video import sample_video
from .writers import write_csv, write_json, write_lines, write_npy, write_ply, write_png, write_wav

AUDIOCAPS_HEADER = ["audiocap_id", "youtube_id", "start_time", "caption", "file_name"]
CLOTHO_AQA_HEADER = ["file_name", "QuestionText", "answer", "confidence"]
CLOTHO_ANNOTATORS = 3


def _audio_rows(split: str, count: int, seed: int) -> list:
    clips = []
    for index in range(count):
        rng = split_rng(seed, split, "audio", index)
        wave, meta, caps, questions = sample_audio(rng)
        youtube_id = f"synaud{index + 1:05d}"
        answers = [human_answers(q["answer"], rng, n=CLOTHO_ANNOTATORS, min_canonical=2)
                   for q in questions]
        clips.append({"youtube_id": youtube_id, "file_name": f"{youtube_id}_0.wav",
                      "wave": wave, "meta": meta, "captions": caps, "questions": questions,
                      "answers": answers})
    return clips


def _audiocaps_rows(clips: list) -> list:
    rows = []
    for clip in clips:
        for k, caption in enumerate(clip["captions"]):
            audiocap_id = int(clip["youtube_id"][6:]) * 10 + k
            rows.append([audiocap_id, clip["youtube_id"], 0, caption, clip["file_name"]])
    return rows


def _clotho_rows(clips: list) -> list:
    rows = []
    for clip in clips:
        for question, (answers, confidences) in zip(clip["questions"], clip["answers"]):
            for answer, confidence in zip(answers, confidences):
                rows.append([clip["file_name"], question["question"], answer, confidence])
    return rows


def write_audio_split(root: Path, split: str, counts: dict, seed: int) -> dict:
    clips = _audio_rows(split, counts["audio"], seed)
    for clip in clips:
        write_wav(root / "audio/wav" / clip["file_name"], to_pcm16(clip["wave"]), SAMPLE_RATE)
    write_json(root / f"audio/audio_meta_{split}.json",
               [{"youtube_id": c["youtube_id"], "file_name": c["file_name"], "meta": c["meta"],
                 "questions": c["questions"]} for c in clips])
    default = clips[: counts["default_audio"]]
    for name, subset in ((split, clips), ("default", default)):
        write_csv(root / f"audio/audiocaps_{name}.csv", AUDIOCAPS_HEADER, _audiocaps_rows(subset))
        write_csv(root / f"audio/clotho_aqa_{name}.csv", CLOTHO_AQA_HEADER, _clotho_rows(subset))
    return {"audio_clips": len(clips), "audio_captions": sum(len(c["captions"]) for c in clips),
            "audio_questions": sum(len(c["questions"]) for c in clips),
            "default_audio_clips": len(default)}


def write_pointcloud_split(root: Path, split: str, counts: dict, seed: int) -> dict:
    base = root / "pointclouds"
    write_lines(base / "shape_names.txt", list(SHAPE_NAMES))
    ids, metas, per_class = [], [], {name: 0 for name in SHAPE_NAMES}
    for index in range(counts["pointclouds"]):
        rng = split_rng(seed, split, "pointcloud", index)
        label = SHAPE_NAMES[index % len(SHAPE_NAMES)]  # balanced classes
        points, meta = sample_pointcloud(rng, label=label, n_points=counts["points"])
        per_class[label] += 1
        shape_id = f"{label}_{per_class[label]:04d}"
        write_npy(base / label / f"{shape_id}.npy", points)
        if per_class[label] <= counts["ply_per_class"]:
            write_ply(base / "ply" / f"{shape_id}.ply", points)
        ids.append(shape_id)
        metas.append(dict(meta, shape_id=shape_id))
    write_lines(base / f"{split}.txt", ids)
    default = [i for i in ids if int(i.rsplit("_", 1)[1]) <= counts["default_pointclouds_per_class"]]
    write_lines(base / "default.txt", default)
    write_json(base / f"pointcloud_meta_{split}.json", metas)
    return {"pointclouds": len(ids), "default_pointclouds": len(default)}


def write_video_split(root: Path, split: str, counts: dict, seed: int) -> dict:
    videos, qa_rows, next_qid = [], [], 1
    for index in range(counts["videos"]):
        rng = split_rng(seed, split, "video", index)
        frames, meta, caps, questions = sample_video(rng)
        video = f"vid{index + 1}"  # MSVD-QA convention: video_id N is clip vid<N>
        for t, frame in enumerate(frames):
            write_png(root / "video/frames" / video / f"frame_{t:03d}.png", frame)
        videos.append({"video": video, "video_id": index + 1, "meta": meta, "captions": caps})
        for q in questions:
            qa_rows.append({"video": video, "video_id": index + 1, "question": q["question"],
                            "answer": q["answer"], "id": next_qid, "question_id": next_qid,
                            "attribute": q["attribute"]})
            next_qid += 1
    n_default = counts["default_videos"]
    write_json(root / f"video/video_meta_{split}.json",
               [{"video": v["video"], "video_id": v["video_id"], "meta": v["meta"]} for v in videos])
    for name, limit in ((split, len(videos)), ("default", n_default)):
        write_json(root / f"video/msvd_qa_{name}.json", [r for r in qa_rows if r["video_id"] <= limit])
        write_json(root / f"video/video_captions_{name}.json",
                   [{"video": v["video"], "caption": v["captions"]} for v in videos[:limit]])
    return {"videos": len(videos), "video_questions": len(qa_rows),
            "default_videos": min(n_default, len(videos))}
