#!/usr/bin/env python3
"""Trains one toy-world generator (a latent denoiser of research/toy-world/gen.py) or the prior,
on a dataset written by `npm run toy:dataset`, conditioned through a trained toy CLIP
(reloaded from its training run's weights.safetensors; the committed generators used the first toy CLIP,
whose text tower is fixtures/toy-gen/text_encoder.onnx), and exports it to ONNX.

  --model prior                                  image embedding | text embedding (unCLIP's prior)
  --model text_sequence                          latent | toy-CLIP text token states (cross-attention)
  --model clip_text_embedding                    latent | pooled toy-CLIP text embedding
  --model clip_image_embedding                   latent | toy-CLIP image embedding
  --model clip_image_embedding+text_sequence     latent | both

`--prepare` first encodes the dataset once (latents, image embeddings, two captions per scene
with their text embeddings and token states) into <cache>/toy-world/gen-cache.npz.
Epsilon prediction, cosine schedule, condition dropout (--drop) for classifier-free guidance,
AdamW with cosine decay. Writes <out>/<model>.onnx (sample_gen.py reads its weights back into PyTorch),
<model>.curve.csv and <model>.train.json.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import gen  # noqa: E402
import train as clip_train  # noqa: E402

VAL_SCENES = 1500
CACHE = os.path.join(os.environ.get("T2I_CACHE_DIR", os.path.expanduser("~/.cache/t2i-eval")), "toy-world")


def prepare(a):
    records = [json.loads(line) for line in open(os.path.join(a.data, "scenes.jsonl"))][: a.scenes]
    images = np.load(os.path.join(a.data, "images.u8.npy"), mmap_mode="r")
    clip = clip_train.load_model(a.clip, clip_train.DIMS)
    rng = np.random.default_rng(0)
    latents = np.stack([gen.encode_scene(r["scene"]) for r in records])
    caps = [[r["captions"][j]["ids"] for j in rng.choice(len(r["captions"]), 2, replace=False)] for r in records]
    flat = [c for pair in caps for c in pair]
    L = max(len(c) for c in flat)
    img_emb = np.zeros((len(records), gen.EMBED_DIM), np.float32)
    txt_emb = np.zeros((len(flat), gen.EMBED_DIM), np.float32)
    states = np.zeros((len(flat), L, gen.TOKEN_DIM), np.float16)
    lengths = np.array([len(c) for c in flat], np.int32)
    with torch.no_grad():
        for s in range(0, len(records), 500):
            e = clip.encode_image(clip_train.to_pixels(np.ascontiguousarray(images[s : s + 500])))
            img_emb[s : s + 500] = F.normalize(e, dim=-1).numpy()
        for s in range(0, len(flat), 1000):
            ids, att = clip_train.pad_ids(flat[s : s + 1000])
            h = states_of(clip, ids, att)
            txt_emb[s : s + 1000] = F.normalize(clip.text_projection(h[torch.arange(len(ids)), ids.argmax(-1)]), dim=-1).numpy()
            states[s : s + 1000, : h.shape[1]] = h.numpy().astype(np.float16)
    split = np.array([r["split"] == "train" for r in records])
    np.savez(os.path.join(CACHE, "gen-cache.npz"), latents=latents, img_emb=img_emb, txt_emb=txt_emb, states=states, lengths=lengths, train=split)
    print(f"prepared {len(records)} scenes, {len(flat)} captions, max {L} tokens", flush=True)


def states_of(clip, ids, att):
    """The text tower's last_hidden_state (after the final LayerNorm), as fixtures/toy-gen/text_encoder.onnx outputs it."""
    n = ids.shape[1]
    x = clip.token_embedding(ids) + clip.text_pos[:n]
    causal = torch.full((n, n), float("-inf")).triu(1)
    mask = causal[None, None] + (1.0 - att.float())[:, None, None, :] * -1e9
    for layer in clip.text_layers:
        x = layer(x, mask)
    return clip.final_layer_norm(x)


def build(model):
    if model == "prior":
        return gen.Denoiser(gen.EMBED_DIM, embed=True)
    return gen.Denoiser(gen.LATENT_DIM, embed="clip" in model, tokens="text_sequence" in model)


def batch_inputs(model, d, idx, cap, drop):
    """(x0, embed, states, mask) for scenes idx and their caption choice cap; drop zeroes the condition."""
    ci = idx * 2 + cap
    keep = torch.from_numpy(~drop).float()
    L = d["states"].shape[1]
    states = torch.from_numpy(d["states"][ci].astype(np.float32)) * keep[:, None, None]
    mask = torch.from_numpy(np.where(np.arange(L)[None] < d["lengths"][ci][:, None], 0.0, -1e9).astype(np.float32))
    mask = mask * keep[:, None]  # a dropped condition attends uniformly to zeros
    txt = torch.from_numpy(d["txt_emb"][ci]) * gen.EMBED_SCALE * keep[:, None]
    img = torch.from_numpy(d["img_emb"][idx]) * gen.EMBED_SCALE
    if model == "prior":
        return img, txt, None, None
    x0 = torch.from_numpy(d["latents"][idx])
    if model == "clip_text_embedding":
        return x0, txt, None, None
    if model == "text_sequence":
        return x0, None, states, mask
    img = img * keep[:, None]
    if model == "clip_image_embedding":
        return x0, img, None, None
    return x0, img, states, mask


def export(net, model, path):
    net.eval()
    dim = gen.EMBED_DIM if model == "prior" else gen.LATENT_DIM
    args = [torch.zeros(2, dim), torch.zeros(2, dtype=torch.float32)]
    names = ["x", "t"]
    axes = {"x": {0: "batch"}, "t": {0: "batch"}, "eps": {0: "batch"}}
    if net.embed:
        args.append(torch.zeros(2, gen.EMBED_DIM))
        names.append("embed")
        axes["embed"] = {0: "batch"}

    class Wrap(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, *xs):
            kw = dict(zip(names, xs))
            return self.net(kw["x"], kw["t"], kw.get("embed"), kw.get("states"), kw.get("mask"))

    if net.tokens:
        args += [torch.zeros(2, 5, gen.TOKEN_DIM), torch.zeros(2, 5)]
        names += ["states", "mask"]
        axes["states"] = {0: "batch", 1: "tokens"}
        axes["mask"] = {0: "batch", 1: "tokens"}
    torch.onnx.export(Wrap(), tuple(args), path, input_names=names, output_names=["eps"], dynamic_axes=axes, opset_version=13)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["prior"] + gen.CONDITIONINGS)
    p.add_argument("--prepare", action="store_true", help="encode the dataset into the cache, then exit")
    p.add_argument("--data", default=os.path.join(CACHE, "dataset"))
    p.add_argument("--clip", default=os.path.join(CACHE, "run2", "weights.safetensors"), help="the toy CLIP's weights (its training run's output)")
    p.add_argument("--scenes", type=int, default=40000)
    p.add_argument("--out", default="fixtures/toy-gen")
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--drop", type=float, default=0.1, help="condition dropout rate (classifier-free guidance)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-minutes", type=float, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.prepare:
        return prepare(a)
    if not a.model:
        p.error("--model is required unless --prepare")
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    d = dict(np.load(os.path.join(CACHE, "gen-cache.npz")))
    # The dataset's own val split lies past --scenes; hold out the last VAL_SCENES prepared scenes instead.
    train_idx = np.arange(len(d["latents"]) - VAL_SCENES)
    val_idx = np.arange(len(d["latents"]) - VAL_SCENES, len(d["latents"]))
    net = build(a.model)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * 0.5 * (1 + np.cos(np.pi * min(s, a.steps) / a.steps)))
    ab = torch.from_numpy(gen.ALPHA_BAR).float()
    os.makedirs(a.out, exist_ok=True)
    curve = open(os.path.join(a.out, f"{a.model}.curve.csv"), "w")
    curve.write("step,seconds,train_loss,val_loss\n")

    def loss_on(idx, r):
        cap = r.integers(2, size=len(idx))
        drop = r.random(len(idx)) < a.drop
        x0, embed, states, mask = batch_inputs(a.model, d, idx, cap, drop)
        t = torch.from_numpy(r.integers(gen.T, size=len(idx)))
        noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(int(r.integers(1 << 31))))
        at = ab[t][:, None]
        xt = at.sqrt() * x0 + (1 - at).sqrt() * noise
        return F.mse_loss(net(xt, t, embed, states, mask), noise)

    start, running, step, early, vl = time.time(), [], 0, False, float("nan")
    for step in range(1, a.steps + 1):
        loss = loss_on(rng.choice(train_idx, a.batch), rng)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        running.append(loss.item())
        if step % 100 == 0 or step == a.steps:
            with torch.no_grad():
                net.eval()
                vl = float(np.mean([loss_on(val_idx[s : s + 500], np.random.default_rng(s)).item() for s in range(0, min(len(val_idx), 1500), 500)]))
                net.train()
            line = f"{step},{time.time() - start:.1f},{np.mean(running):.4f},{vl:.4f}"
            curve.write(line + "\n")
            curve.flush()
            print(a.model, line, flush=True)
            running = []
        if a.max_minutes and time.time() - start > a.max_minutes * 60:
            early = True
            break
    path = os.path.join(a.out, f"{a.model}.onnx")
    export(net, a.model, path)
    json.dump(
        {"model": a.model, "steps": step, "stopped_early": early, "batch": a.batch, "lr": a.lr, "drop": a.drop, "seed": a.seed, "threads": a.threads,
         "train_seconds": round(time.time() - start, 1), "train_scenes": int(len(train_idx)), "val_scenes": int(len(val_idx)), "val_loss": vl, "torch": torch.__version__},
        open(os.path.join(a.out, f"{a.model}.train.json"), "w"), indent=2)
    print(f"{a.model}: exported {path} after {step} steps", flush=True)


if __name__ == "__main__":
    sys.exit(main())
