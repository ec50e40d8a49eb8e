"""SSIMULACRA2 scores (higher is better; about 70 is "high quality", 90 "visually lossless").

Usage: python ssimulacra2_scores.py < PAIRS
Reads lines "REFERENCE DISTORTED" (PNG paths) and prints "DISTORTED SCORE" for each, scored
on both cores, in input order. Images with alpha are scored over dark and light backgrounds.
"""

import sys
from multiprocessing import Pool

from ssimulacra2 import compute_ssimulacra2_with_alpha


def score(pair):
    reference, distorted = pair
    return distorted, compute_ssimulacra2_with_alpha(reference, distorted)


if __name__ == "__main__":
    pairs = [line.split() for line in sys.stdin if line.strip()]
    with Pool() as pool:
        for distorted, value in pool.imap(score, pairs):
            print(f"{distorted} {value:.3f}", flush=True)
