#!/usr/bin/env python3
"""Writes reference embeddings from the trained PyTorch model for the export parity test.

Loads <run>/weights.safetensors back into train.py's ToyClip, embeds a few held-out dataset
images (their PNG bytes are copied next to the output) and captions, and writes
<out>/parity.json: {images: [{file, embedding}], texts: [{text, ids, embedding}]} with
unnormalised embeddings. tools/toy/toy-model.test.ts checks that the product's evaluator,
running the exported ONNX folder, gives the same vectors.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402


def main():
    cache = os.environ.get("T2I_CACHE_DIR", os.path.expanduser("~/.cache/t2i-eval"))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default=os.path.join(cache, "toy-world", "run"))
    p.add_argument("--data", default=os.path.join(cache, "toy-world", "dataset"))
    p.add_argument("--out", default="fixtures/clip-toy/parity")
    p.add_argument("--count", type=int, default=4)
    a = p.parse_args()
    dims = json.load(open(os.path.join(a.run, "train.json")))["dims"]
    model = T.load_model(os.path.join(a.run, "weights.safetensors"), dims)
    records = [json.loads(line) for line in open(os.path.join(a.data, "scenes.jsonl"))]
    val = [r for r in records if r["split"] == "val"][: a.count]
    os.makedirs(a.out, exist_ok=True)
    from PIL import Image

    images, texts = [], []
    with torch.no_grad():
        for r in val:
            name = os.path.basename(r["file"])
            shutil.copyfile(os.path.join(a.data, r["file"]), os.path.join(a.out, name))
            u8 = np.array(Image.open(os.path.join(a.data, r["file"])).convert("RGB"))[None]
            images.append({"file": name, "embedding": model.encode_image(T.to_pixels(u8))[0].tolist()})
            c = r["captions"][0]
            ids, att = T.pad_ids([c["ids"]])
            texts.append({"text": c["text"], "ids": c["ids"], "embedding": model.encode_text(ids, att)[0].tolist()})
    json.dump({"images": images, "texts": texts}, open(os.path.join(a.out, "parity.json"), "w"), indent=1)
    print(f"wrote {len(images)} images and {len(texts)} texts to {a.out}")


if __name__ == "__main__":
    sys.exit(main())
