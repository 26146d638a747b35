"""Independent reference for reports/bootstrap/prng.ts: xoshiro128** as in Vigna's C code
(https://prng.di.unimi.it/xoshiro128starstar.c), state seeded by the 32-bit splitmix variant
described in prng.ts (golden-ratio increment, murmur3 fmix32 mixing). Writes xoshiro128.json.

    /usr/bin/python3 test/golden/reports/xoshiro128.py
"""
import json
import os

M = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


def splitmix32(seed):
    state = seed & M
    while True:
        state = (state + 0x9E3779B9) & M
        z = state
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M
        yield (z ^ (z >> 16)) & M


def xoshiro(s):
    s = list(s)
    while True:
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 9) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        yield result


def take(gen, n):
    return [next(gen) for _ in range(n)]


out = {"fromState1234": take(xoshiro([1, 2, 3, 4]), 8), "seeds": {}}
for seed in [0, 1, 42, 20240607, 4294967295]:
    init = splitmix32(seed)
    state = take(init, 4)
    out["seeds"][str(seed)] = {"state": state, "outputs": take(xoshiro(state), 8)}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "xoshiro128.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
