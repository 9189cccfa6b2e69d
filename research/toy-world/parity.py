#!/usr/bin/env python3
"""Writes reference embeddings from the trained PyTorch model for the export parity test.

Loads <run>/weights.safetensors back into train.py's ToyClip, embeds a few held-out dataset
images (their PNG bytes are copied next to the output) and captions, and writes
<out>/parity.json: {images: [{file, embedding}], texts: [{text, ids, embedding}]} with
unnormalised embeddings. lib/toy-world/toy-model.test.ts checks that the product's evaluator,
running the exported ONNX folder, gives the same vectors.
"""
import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, t in header.items():
            f.seek(base + t["data_offsets"][0])
            count = int(np.prod(t["shape"])) if t["shape"] else 1
            out[name] = torch.from_numpy(np.frombuffer(f.read(count * 4), dtype="<f4").copy().reshape(t["shape"]))
    return out


def load_model(weights_path, dims):
    w = read_safetensors(weights_path)
    m = T.ToyClip(dims)
    sd = {}

    def block(dst, src):
        for n in ["layer_norm1", "layer_norm2"]:
            sd[f"{dst}.{n}.weight"] = w[f"{src}.{n}.weight"]
            sd[f"{dst}.{n}.bias"] = w[f"{src}.{n}.bias"]
        for n, s in [("q_proj", "self_attn.q_proj"), ("k_proj", "self_attn.k_proj"), ("v_proj", "self_attn.v_proj"), ("out_proj", "self_attn.out_proj"), ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")]:
            sd[f"{dst}.{n}.weight"] = w[f"{src}.{s}.weight"].t()
            sd[f"{dst}.{n}.bias"] = w[f"{src}.{s}.bias"]

    sd["class_embedding"] = w["vision_model.embeddings.class_embedding"]
    sd["patch_embedding.weight"] = w["vision_model.embeddings.patch_embedding.weight"]
    sd["vision_pos"] = w["vision_model.embeddings.position_embedding.weight"]
    sd["pre_layrnorm.weight"] = w["vision_model.pre_layrnorm.weight"]
    sd["pre_layrnorm.bias"] = w["vision_model.pre_layrnorm.bias"]
    for i in range(dims["vision"]["layers"]):
        block(f"vision_layers.{i}", f"vision_model.encoder.layers.{i}")
    sd["post_layernorm.weight"] = w["vision_model.post_layernorm.weight"]
    sd["post_layernorm.bias"] = w["vision_model.post_layernorm.bias"]
    sd["visual_projection.weight"] = w["visual_projection.weight"].t()
    sd["token_embedding.weight"] = w["text_model.embeddings.token_embedding.weight"]
    sd["text_pos"] = w["text_model.embeddings.position_embedding.weight"]
    for i in range(dims["text"]["layers"]):
        block(f"text_layers.{i}", f"text_model.encoder.layers.{i}")
    sd["final_layer_norm.weight"] = w["text_model.final_layer_norm.weight"]
    sd["final_layer_norm.bias"] = w["text_model.final_layer_norm.bias"]
    sd["text_projection.weight"] = w["text_projection.weight"].t()
    sd["logit_scale"] = w["logit_scale"].reshape(())
    m.load_state_dict({k: v.contiguous() for k, v in sd.items()})
    return m.eval()


def main():
    cache = os.environ.get("T2I_CACHE_DIR", os.path.expanduser("~/.cache/t2i-eval"))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default=os.path.join(cache, "toy-world", "run"))
    p.add_argument("--data", default=os.path.join(cache, "toy-world", "dataset"))
    p.add_argument("--out", default="fixtures/clip-toy/parity")
    p.add_argument("--count", type=int, default=4)
    a = p.parse_args()
    dims = json.load(open(os.path.join(a.run, "train.json")))["dims"]
    model = load_model(os.path.join(a.run, "weights.safetensors"), dims)
    records = [json.loads(line) for line in open(os.path.join(a.data, "scenes.jsonl"))]
    val = [r for r in records if r["split"] == "val"][: a.count]
    os.makedirs(a.out, exist_ok=True)
    from PIL import Image

    images, texts = [], []
    with torch.no_grad():
        for r in val:
            name = os.path.basename(r["file"])
            shutil.copyfile(os.path.join(a.data, r["file"]), os.path.join(a.out, name))
            u8 = np.asarray(Image.open(os.path.join(a.data, r["file"])).convert("RGB"))[None]
            images.append({"file": name, "embedding": model.encode_image(T.to_pixels(u8))[0].tolist()})
            c = r["captions"][0]
            ids, att = T.pad_ids([c["ids"]])
            texts.append({"text": c["text"], "ids": c["ids"], "embedding": model.encode_text(ids, att)[0].tolist()})
    json.dump({"images": images, "texts": texts}, open(os.path.join(a.out, "parity.json"), "w"), indent=1)
    print(f"wrote {len(images)} images and {len(texts)} texts to {a.out}")


if __name__ == "__main__":
    sys.exit(main())
