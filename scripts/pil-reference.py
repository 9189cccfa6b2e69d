#!/usr/bin/env python3
"""Reference CLIP preprocessing with PIL, to measure how far the project's sharp pipeline is.

Usage: pil-reference.py SHORTEST_EDGE CROP IMAGE... ; writes IMAGE.pil.f32 next to each image:
float32 little-endian CHW tensors, computed the way CLIPImageProcessor does it (convert("RGB"),
bicubic resize of the shortest side, center crop, /255, normalise with OpenAI CLIP's mean/std).
Needs Debian's python3-pil and python3-numpy (apt-get install python3-pil python3-numpy).
"""
import sys

import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def preprocess(path, edge, crop):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = edge, int(edge * long / short)
    size = (new_short, new_long) if w <= h else (new_long, new_short)
    img = img.resize(size, Image.BICUBIC)
    w, h = img.size
    top, left = (h - crop) // 2, (w - crop) // 2
    img = img.crop((left, top, left + crop, top + crop))
    x = np.asarray(img, dtype=np.float32) / 255.0
    x = (x - MEAN) / STD
    return x.transpose(2, 0, 1).astype("<f4")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    edge, crop = int(sys.argv[1]), int(sys.argv[2])
    for path in sys.argv[3:]:
        preprocess(path, edge, crop).tofile(path + ".pil.f32")


if __name__ == "__main__":
    main()
