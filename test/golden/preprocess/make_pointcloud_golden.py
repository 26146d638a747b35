#!/usr/bin/python3
"""Point-cloud fixtures and golden values (NumPy 1.24, Debian).

    /usr/bin/python3 test/golden/preprocess/make_pointcloud_golden.py

farthest_point_sample and pc_normalize are LAVIS 506965b's (lavis/processors/ulip_processors.py,
also used by object3d_classification_datasets.py), transcribed with the random start index made a
parameter so the golden indices are reproducible. The ModelNet eval path: FPS to npoints if there
are more points, pc_normalize(xyz), xyz only (shuffle not applied: it is random in LAVIS).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures", "pointclouds")
OUT = os.path.join(HERE, "pointcloud")
rng = np.random.default_rng(3)


def pc_normalize(pc):
    centroid = np.mean(pc, axis=0)
    pc = pc - centroid
    m = np.max(np.sqrt(np.sum(pc**2, axis=1)))
    pc = pc / m
    return pc


def farthest_point_sample(point, npoint, start):
    N, D = point.shape
    xyz = point[:, :3]
    centroids = np.zeros((npoint,))
    distance = np.ones((N,)) * 1e10
    farthest = start
    for i in range(npoint):
        centroids[i] = farthest
        centroid = xyz[farthest, :]
        dist = np.sum((xyz - centroid) ** 2, -1)
        mask = dist < distance
        distance[mask] = dist[mask]
        farthest = np.argmax(distance, -1)
    return point[centroids.astype(np.int32)], centroids.astype(np.int32)


def modelnet(point_set, npoints, start):
    idx = None
    if npoints < point_set.shape[0]:
        point_set, idx = farthest_point_sample(point_set, npoints, start)
    point_set = point_set.copy()
    point_set[:, 0:3] = pc_normalize(point_set[:, 0:3])
    return point_set[:, 0:3], idx


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    # A noisy torus-like shell with an offset centre: 3000 points, float32.
    u, v = rng.uniform(0, 2 * np.pi, (2, 3000))
    pts = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], 1)
    pts = (pts * [1.0, 0.7, 1.3] + [5.0, -2.0, 0.5] + rng.normal(0, 0.02, pts.shape)).astype(np.float32)
    np.save(os.path.join(FIXTURES, "torus_3000.npy"), pts)
    np.save(os.path.join(FIXTURES, "torus_3000_f64.npy"), pts.astype(np.float64)[:500])

    small = pts[:120]
    colours = rng.integers(0, 256, (120, 3)).astype(np.uint8)
    header = ["ply", None, "element vertex 120", "property float x", "property float y", "property float z",
              "property uchar red", "property uchar green", "property uchar blue", "element face 0",
              "property list uchar int vertex_indices", "end_header"]
    header[1] = "format ascii 1.0"
    with open(os.path.join(FIXTURES, "small_ascii.ply"), "w") as f:
        f.write("\n".join(header) + "\n")
        for p, c in zip(small, colours):
            f.write(f"{p[0]!r} {p[1]!r} {p[2]!r} {c[0]} {c[1]} {c[2]}\n")
    header[1] = "format binary_little_endian 1.0"
    with open(os.path.join(FIXTURES, "small_binary.ply"), "wb") as f:
        f.write(("\n".join(header) + "\n").encode())
        rows = np.zeros(120, dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("r", "u1"), ("g", "u1"), ("b", "u1")])
        rows["x"], rows["y"], rows["z"] = small[:, 0], small[:, 1], small[:, 2]
        rows["r"], rows["g"], rows["b"] = colours[:, 0], colours[:, 1], colours[:, 2]
        f.write(rows.tobytes())

    cases = []
    for npoints, start in ((512, 0), (512, 1234), (64, 2999), (8192, 0)):
        out, idx = modelnet(pts, npoints, start)
        name = f"modelnet_{npoints}_start{start}.npy"
        np.save(os.path.join(OUT, name), out.astype("<f4"))
        cases.append({"file": "torus_3000.npy", "npoints": npoints, "start": start, "output": name,
                      "fpsIndices": None if idx is None else idx.tolist()[:64]})
    np.save(os.path.join(OUT, "small_colours.npy"), colours.astype("<f4"))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f)
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
