#!/usr/bin/env python3
"""Trains the toy-world CLIP contrastively on a dataset written by `npm run toy:dataset`.

The model is the fixture CLIP's architecture (tools/fixtures/clip/clip-graph.ts, HF's CLIPModel):
patch-embedding ViT with class token, pre-LayerNorm, QuickGELU blocks; causal text transformer
with the real CLIP BPE vocabulary (49408 ids; captions arrive pre-tokenized by the product's
tokenizer) pooled at end-of-text (= argmax token id); bias-free projections; learned
temperature. Loss: the symmetric InfoNCE of Radford et al. 2021 (arXiv 2103.00020, Fig. 3).

Writes <out>/weights.safetensors (ONNX naming and layout: Linear weights stored [in, out]),
<out>/curve.csv (the training curve), <out>/train.json (settings, timings, held-out metrics).
`npm run toy:export` turns them into the HF/Xenova model folder.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 49408
MAX_POS = 77
EOS = 49407
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

DIMS = {
    "projection": 64,
    "vision": {"hidden": 64, "intermediate": 256, "layers": 2, "heads": 4, "image": 64, "patch": 16},
    "text": {"hidden": 48, "intermediate": 192, "layers": 2, "heads": 4},
    "eps": 1e-5,
}


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    """HF CLIPEncoderLayer: pre-LN attention (queries scaled by head_dim^-0.5) and QuickGELU MLP."""

    def __init__(self, width, heads, mlp, eps):
        super().__init__()
        self.heads = heads
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)
        self.fc1 = nn.Linear(width, mlp)
        self.fc2 = nn.Linear(mlp, width)
        self.act = QuickGELU()

    def forward(self, x, mask=None):
        b, n, d = x.shape
        hd = d // self.heads
        h = self.layer_norm1(x)
        q = (self.q_proj(h) * hd ** -0.5).view(b, n, self.heads, hd).transpose(1, 2)
        k = self.k_proj(h).view(b, n, self.heads, hd).transpose(1, 2)
        v = self.v_proj(h).view(b, n, self.heads, hd).transpose(1, 2)
        logits = q @ k.transpose(-1, -2)
        if mask is not None:
            logits = logits + mask
        ctx = (logits.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.out_proj(ctx)
        return x + self.fc2(self.act(self.fc1(self.layer_norm2(x))))


class ToyClip(nn.Module):
    def __init__(self, dims):
        super().__init__()
        v, t, eps = dims["vision"], dims["text"], dims["eps"]
        self.patch = v["patch"]
        grid = v["image"] // v["patch"]
        self.patch_embedding = nn.Conv2d(3, v["hidden"], v["patch"], v["patch"], bias=False)
        self.class_embedding = nn.Parameter(torch.randn(v["hidden"]) * v["hidden"] ** -0.5)
        self.vision_pos = nn.Parameter(torch.randn(grid * grid + 1, v["hidden"]) * 0.02)
        self.pre_layrnorm = nn.LayerNorm(v["hidden"], eps=eps)
        self.vision_layers = nn.ModuleList([Block(v["hidden"], v["heads"], v["intermediate"], eps) for _ in range(v["layers"])])
        self.post_layernorm = nn.LayerNorm(v["hidden"], eps=eps)
        self.visual_projection = nn.Linear(v["hidden"], dims["projection"], bias=False)

        self.token_embedding = nn.Embedding(VOCAB, t["hidden"])
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.text_pos = nn.Parameter(torch.randn(MAX_POS, t["hidden"]) * 0.01)
        self.text_layers = nn.ModuleList([Block(t["hidden"], t["heads"], t["intermediate"], eps) for _ in range(t["layers"])])
        self.final_layer_norm = nn.LayerNorm(t["hidden"], eps=eps)
        self.text_projection = nn.Linear(t["hidden"], dims["projection"], bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, pixels):
        x = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.view(1, 1, -1).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], 1) + self.vision_pos
        x = self.pre_layrnorm(x)
        for layer in self.vision_layers:
            x = layer(x)
        return self.visual_projection(self.post_layernorm(x[:, 0]))

    def encode_text(self, ids, attention):
        n = ids.shape[1]
        x = self.token_embedding(ids) + self.text_pos[:n]
        causal = torch.full((n, n), float("-inf")).triu(1)
        pad = (1.0 - attention.float())[:, None, None, :] * -1e9
        mask = causal[None, None] + pad
        for layer in self.text_layers:
            x = layer(x, mask)
        x = self.final_layer_norm(x)
        # Pool at end-of-text: the largest id, first occurrence (as the ONNX graph's ArgMax).
        eos = ids.argmax(-1)
        return self.text_projection(x[torch.arange(x.shape[0]), eos])


def sincos_2d(grid, width):
    """A fixed 2-D sine-cosine table [grid*grid, width] (x in the first half, y in the second; as in
    MAE, He et al. 2021, arXiv 2111.06377), entries in [-1, 1], row norm sqrt(width / 2)."""
    ys, xs = torch.meshgrid(torch.arange(grid, dtype=torch.float32), torch.arange(grid, dtype=torch.float32), indexing="ij")
    omega = 1.0 / 10 ** (torch.arange(width // 4, dtype=torch.float32) / (width // 4))
    parts = [f(c.flatten()[:, None] * omega) for c in (xs, ys) for f in (torch.sin, torch.cos)]
    return torch.cat(parts, 1)


def load_dataset(path):
    cache = os.path.join(path, "images.u8.npy")
    records = [json.loads(line) for line in open(os.path.join(path, "scenes.jsonl"))]
    if os.path.exists(cache):
        images = np.load(cache)
    else:
        from PIL import Image

        images = np.stack([np.asarray(Image.open(os.path.join(path, r["file"])).convert("RGB")) for r in records])
        np.save(cache, images)
    return records, images


def to_pixels(u8):
    x = torch.from_numpy(u8).float().div_(255.0)
    x = (x - torch.from_numpy(MEAN)) / torch.from_numpy(STD)
    return x.permute(0, 3, 1, 2).contiguous()


def pad_ids(seqs):
    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), EOS, dtype=torch.long)
    att = torch.zeros((len(seqs), n), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        att[i, : len(s)] = 1
    return ids, att


def hard_negative_groups(records, train_idx):
    """Train scenes bucketed by the first object's colour, and by its colour and shape."""
    by_colour, by_colour_shape = {}, {}
    for i in train_idx:
        o = records[i]["scene"]["objects"][0]
        by_colour.setdefault(o["colour"], []).append(i)
        by_colour_shape.setdefault((o["colour"], o["shape"]), []).append(i)
    return [np.array(v) for v in by_colour.values()], [np.array(v) for v in by_colour_shape.values() if len(v) >= 16]


def hard_negative_batch(groups, batch, rng, group_size=16):
    """Batches of groups of scenes that share a colour (so shape must tell them apart) or a
    colour and a shape (so position, count and size must): in-batch hard negatives, as in
    NegCLIP (Yuksekgonul et al. 2023, arXiv 2210.01936), made by sampling instead of by editing captions."""
    by_colour, by_colour_shape = groups
    out = []
    for g in range(batch // group_size):
        pool = by_colour if g % 2 == 0 else by_colour_shape
        bucket = pool[rng.integers(len(pool))]
        out.extend(rng.choice(bucket, group_size, replace=False))
    return np.array(out)


def pick_caption(record, rng, minimal_share):
    """A random caption, minimal ones ("a red shape") only with probability minimal_share."""
    caps = record["captions"]
    rich = [c for c in caps if c["level"] != "minimal"]
    if rich and rng.random() >= minimal_share:
        return rich[rng.integers(len(rich))]
    return caps[rng.integers(len(caps))]


REGION_PHRASES = {
    "left": ["on the left", "to the left"],
    "right": ["on the right", "to the right"],
    "top": ["at the top", "near the top"],
    "bottom": ["at the bottom", "near the bottom"],
    "centre": ["in the centre", "in the center", "in the middle"],
}
SHAPE_NOUNS = {"circle": ["circle", "disc"], "square": ["square", "box"], "triangle": ["triangle"], "star": ["star"], "ring": ["ring", "donut"]}
PLURAL = {"box": "boxes"}
COLOURS = ["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "brown", "grey"]
COLOUR_SYNONYMS = {"gray": "grey", "violet": "purple"}
COUNTS = ["one", "two", "three"]


def load_tokenizer():
    """The Python twin of the product's CLIP tokenizer (scripts/fixtures/clip-tokenizer-reference.py)."""
    import importlib.util

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    spec = importlib.util.spec_from_file_location("clip_tok", os.path.join(root, "scripts", "fixtures", "clip-tokenizer-reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SimpleTokenizer(json.load(open(os.path.join(root, "fixtures", "clip-tiny", "tokenizer.json"), encoding="utf-8")))


def edit_caption(text, rng):
    """A false caption made from a true one by swapping one attribute phrase: its region, a shape
    noun, a colour or a count word (NegCLIP's caption edits, Yuksekgonul et al. 2023, arXiv
    2210.01936). Returns None when the caption names none of them."""
    edits = []
    by_kind = {"region": [], "shape": [], "colour": [], "count": []}
    for region, phrases in REGION_PHRASES.items():
        for ph in phrases:
            if ph in text:
                others = [r for r in REGION_PHRASES if r != region]
                by_kind["region"].append(lambda t, ph=ph, others=others: t.replace(ph, REGION_PHRASES[others[rng.integers(len(others))]][0], 1))
    words = text.replace(",", " ,").split(" ")
    for i, w in enumerate(words):
        for shape, nouns in SHAPE_NOUNS.items():
            for n in nouns:
                plural = PLURAL.get(n, n + "s")
                if w in (n, plural):
                    others = [s_ for s_ in SHAPE_NOUNS if s_ != shape]
                    def swap(t, i=i, plural_=(w == plural), others=others):
                        new = SHAPE_NOUNS[others[rng.integers(len(others))]][0]
                        ws = t.replace(",", " ,").split(" ")
                        ws[i] = PLURAL.get(new, new + "s") if plural_ else new
                        return " ".join(ws).replace(" ,", ",")
                    by_kind["shape"].append(swap)
        c = COLOUR_SYNONYMS.get(w, w)
        if c in COLOURS:
            def recolour(t, i=i, c=c):
                ws = t.replace(",", " ,").split(" ")
                others = [x for x in COLOURS if x != c]
                ws[i] = others[rng.integers(len(others))]
                return " ".join(ws).replace(" ,", ",")
            by_kind["colour"].append(recolour)
        if w in ("two", "three") and i + 1 < len(words):
            def recount(t, i=i, w=w):
                ws = t.replace(",", " ,").split(" ")
                ws[i] = "three" if w == "two" else "two"
                return " ".join(ws).replace(" ,", ",")
            by_kind["count"].append(recount)
    kinds = [k for k, v in by_kind.items() if v]  # one kind first, uniformly, then one place of that kind
    if not kinds:
        return None
    edits = by_kind[kinds[rng.integers(len(kinds))]]
    return edits[rng.integers(len(edits))](text)


def region_negatives(text):
    """The caption with its region phrase replaced by each other region's (four false captions
    that differ from the true one only in where the object is), or [] when it names no region."""
    for region, phrases in REGION_PHRASES.items():
        for ph in phrases:
            if ph in text:
                return [text.replace(ph, REGION_PHRASES[r][0], 1) for r in REGION_PHRASES if r != region]
    return []


def make_probes(records, idx, tok):
    """Zero-shot probes on held-out scenes, as tools/toy/zero-shot.ts words them: for each
    attribute, (image index, candidate id lists, true candidate)."""
    def np_(count, colour, shape):
        noun = SHAPE_NOUNS[shape][0]
        if count > 1:
            return f"{COUNTS[count - 1]} {colour} {PLURAL.get(noun, noun + 's')}"
        return f"{'an' if colour[0] in 'aeiou' else 'a'} {colour} {noun}"
    probes = {"colour": [], "shape": [], "position": [], "count": []}
    for i in idx:
        sc = records[i]["scene"]
        o = sc["objects"][0]
        if sc["kind"] == "single":
            probes["colour"].append((i, [tok.encode(np_(1, c, o["shape"])) for c in COLOURS], COLOURS.index(o["colour"])))
            probes["shape"].append((i, [tok.encode(np_(1, o["colour"], s_)) for s_ in SHAPE_NOUNS], list(SHAPE_NOUNS).index(o["shape"])))
            probes["position"].append((i, [tok.encode(np_(1, o["colour"], o["shape"]) + " " + REGION_PHRASES[r][0]) for r in REGION_PHRASES], list(REGION_PHRASES).index(o["region"])))
        if sc["kind"] in ("single", "group"):
            n = len(sc["objects"])
            probes["count"].append((i, [f"one {o['colour']} {SHAPE_NOUNS[o['shape']][0]}"] + [np_(k, o["colour"], o["shape"]) for k in (2, 3)], n - 1))
    probes["count"] = [(i, [tok.encode(c) for c in cands], y) for i, cands, y in probes["count"]]
    return {k: v[:300] for k, v in probes.items()}


@torch.no_grad()
def probe_accuracy(model, images, probes):
    """Share of probes whose true candidate has the highest cosine, per attribute."""
    model.eval()
    out = {}
    for attr, items in probes.items():
        img = F.normalize(model.encode_image(to_pixels(images[[i for i, _, _ in items]])), dim=-1)
        hits = 0
        for k, (_, cands, y) in enumerate(items):
            txt = F.normalize(model.encode_text(*pad_ids(cands)), dim=-1)
            hits += int((txt @ img[k]).argmax().item() == y)
        out[attr] = hits / max(len(items), 1)
    model.train()
    return out


def clip_loss(model, img, txt):
    img = F.normalize(img, dim=-1)
    txt = F.normalize(txt, dim=-1)
    logits = model.logit_scale.exp().clamp(max=100) * img @ txt.t()
    labels = torch.arange(len(img))
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2, logits


@torch.no_grad()
def evaluate(model, records, images, val_idx, rng):
    """Held-out loss and image->caption top-1 among the val scenes (one random caption each), in chunks of 50."""
    model.eval()
    losses, hits, total = [], 0, 0
    for start in range(0, len(val_idx) - 49, 50):
        idx = val_idx[start : start + 50]
        caps = [records[i]["captions"][rng.integers(len(records[i]["captions"]))]["ids"] for i in idx]
        img = model.encode_image(to_pixels(images[idx]))
        txt = model.encode_text(*pad_ids(caps))
        loss, logits = clip_loss(model, img, txt)
        losses.append(loss.item())
        hits += (logits.argmax(1) == torch.arange(len(idx))).sum().item()
        total += len(idx)
    model.train()
    return float(np.mean(losses)), hits / max(total, 1)


def name_map(dims):
    """(torch state_dict name, ONNX initializer name, transposed?) for every weight: the names
    and layouts of tools/fixtures/clip/weights.ts, where Linear weights are stored [in, out]."""
    pairs = [
        ("class_embedding", "vision_model.embeddings.class_embedding", False),
        ("patch_embedding.weight", "vision_model.embeddings.patch_embedding.weight", False),
        ("vision_pos", "vision_model.embeddings.position_embedding.weight", False),
        ("pre_layrnorm.weight", "vision_model.pre_layrnorm.weight", False),
        ("pre_layrnorm.bias", "vision_model.pre_layrnorm.bias", False),
        ("post_layernorm.weight", "vision_model.post_layernorm.weight", False),
        ("post_layernorm.bias", "vision_model.post_layernorm.bias", False),
        ("visual_projection.weight", "visual_projection.weight", True),
        ("token_embedding.weight", "text_model.embeddings.token_embedding.weight", False),
        ("text_pos", "text_model.embeddings.position_embedding.weight", False),
        ("final_layer_norm.weight", "text_model.final_layer_norm.weight", False),
        ("final_layer_norm.bias", "text_model.final_layer_norm.bias", False),
        ("text_projection.weight", "text_projection.weight", True),
    ]
    linears = [("q_proj", "self_attn.q_proj"), ("k_proj", "self_attn.k_proj"), ("v_proj", "self_attn.v_proj"), ("out_proj", "self_attn.out_proj"), ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")]
    for tower, onnx_tower in [("vision", "vision_model"), ("text", "text_model")]:
        for i in range(dims[tower]["layers"]):
            src, dst = f"{tower}_layers.{i}", f"{onnx_tower}.encoder.layers.{i}"
            for n in ["layer_norm1", "layer_norm2"]:
                pairs += [(f"{src}.{n}.weight", f"{dst}.{n}.weight", False), (f"{src}.{n}.bias", f"{dst}.{n}.bias", False)]
            for n, d in linears:
                pairs += [(f"{src}.{n}.weight", f"{dst}.{d}.weight", True), (f"{src}.{n}.bias", f"{dst}.{d}.bias", False)]
    return pairs


def export_weights(model, path, dims):
    """Writes an F32 safetensors file with ONNX names and layouts, plus the learned logit_scale."""
    sd = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    out = {dst: (sd[src].t() if transpose else sd[src]).contiguous() for src, dst, transpose in name_map(dims)}
    out["logit_scale"] = sd["logit_scale"].reshape(1)
    header, blobs, offset = {}, [], 0
    for name in sorted(out):
        data = out[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(out[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


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
    """The inverse of export_weights: a ToyClip holding the weights of a safetensors file."""
    w = read_safetensors(weights_path)
    m = ToyClip(dims)
    sd = {src: (w[dst].t() if transpose else w[dst]).contiguous() for src, dst, transpose in name_map(dims)}
    sd["logit_scale"] = w["logit_scale"].reshape(())
    m.load_state_dict(sd)
    return m.eval()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(os.environ.get("T2I_CACHE_DIR", os.path.expanduser("~/.cache/t2i-eval")), "toy-world", "dataset"))
    p.add_argument("--out", default=os.path.join(os.environ.get("T2I_CACHE_DIR", os.path.expanduser("~/.cache/t2i-eval")), "toy-world", "run"))
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=150)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--max-minutes", type=float, default=0, help="stop early (and still export) after this much wall time; 0 = no limit")
    p.add_argument("--anneal-by-time", action="store_true", help="run the cosine decay over --max-minutes of wall time (so a slow, shared machine still ends annealed)")
    p.add_argument("--bench", type=int, default=0, help="time this many steps and exit")
    p.add_argument("--hard-negatives", action="store_true", help="batches of scenes sharing a colour, or a colour and a shape (see hard_negative_batch)")
    p.add_argument("--init", help="start from this weights.safetensors (a second, annealing run) instead of random weights")
    p.add_argument("--caption-edits", type=float, default=0.0, metavar="W",
                   help="add one edited, false caption per image (region, shape, colour or count swapped; see edit_caption) "
                        "as extra image->text negatives, weighted W in the loss (NegCLIP); 0 = off")
    p.add_argument("--region-loss", type=float, default=0.0, metavar="W", help="with --caption-edits: a 5-way loss, weighted W, of each image whose caption names a region against that caption's four region swaps (see region_negatives); 0 = off")
    p.add_argument("--boost-vision-pos", type=float, default=0.0, metavar="S", help="add S x a 2-D sine-cosine table to the vision position embeddings before training (see sincos_2d; 0 = off)")
    p.add_argument("--patch", type=int, default=DIMS["vision"]["patch"], help="vision patch size in pixels (default %(default)s)")
    p.add_argument("--vision-width", type=int, default=DIMS["vision"]["hidden"], help="vision transformer width (default %(default)s)")
    p.add_argument("--vision-layers", type=int, default=DIMS["vision"]["layers"], help="vision transformer layers (default %(default)s)")
    a = p.parse_args()
    DIMS["vision"].update(patch=a.patch, hidden=a.vision_width, intermediate=4 * a.vision_width, layers=a.vision_layers)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    records, images = load_dataset(a.data)
    train_idx = np.array([i for i, r in enumerate(records) if r["split"] == "train"])
    val_idx = np.array([i for i, r in enumerate(records) if r["split"] == "val"])
    print(f"loaded {len(records)} scenes ({len(train_idx)} train, {len(val_idx)} val) in {time.time() - t0:.1f} s", flush=True)

    model = load_model(a.init, DIMS).train() if a.init else ToyClip(DIMS)
    if a.boost_vision_pos:
        # The patch embeddings' norms (about 60 in the first toy CLIP) dwarf the learned position
        # rows (about 1), so after the pre-LayerNorm where an object sits is a 1% perturbation and
        # contrastive training never picks it up (a 5-way position loss stayed at ln 5). Adding a
        # fixed 2-D sine-cosine table at a comparable scale makes position visible to the encoder.
        with torch.no_grad():
            grid = DIMS["vision"]["image"] // DIMS["vision"]["patch"]
            model.vision_pos[1:] += a.boost_vision_pos * sincos_2d(grid, DIMS["vision"]["hidden"])
    decay = [p_ for n, p_ in model.named_parameters() if p_.ndim >= 2 and "embedding" not in n and "pos" not in n]
    rest = [p_ for n, p_ in model.named_parameters() if not (p_.ndim >= 2 and "embedding" not in n and "pos" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay}, {"params": rest, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.98), eps=1e-6)
    clock = {"start": time.time()}

    def progress(s):
        """Share of the schedule done: by steps, or with --anneal-by-time by wall time of --max-minutes, whichever is further."""
        done = min(s, a.steps) / a.steps
        if a.anneal_by_time and a.max_minutes:
            done = max(done, min(1.0, (time.time() - clock["start"]) / (a.max_minutes * 60)))
        return done

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / a.warmup) * 0.5 * (1 + math.cos(math.pi * progress(s))))

    curve = open(os.path.join(a.out, "curve.csv"), "w")
    curve.write("step,seconds,train_loss,lr,temperature,val_loss,val_top1_of_50,colour,shape,position,count\n")
    start = clock["start"] = time.time()
    running = []
    step = 0
    stopped_early = False
    groups = hard_negative_groups(records, train_idx) if a.hard_negatives else None
    tok = load_tokenizer()
    tok_cache = {}
    probes = make_probes(records, val_idx, tok)
    for step in range(1, a.steps + 1):
        if groups:
            idx = hard_negative_batch(groups, a.batch, rng)
            chosen = [pick_caption(records[i], rng, minimal_share=0.15) for i in idx]
        else:
            idx = rng.choice(train_idx, a.batch, replace=False)
            chosen = [records[i]["captions"][rng.integers(len(records[i]["captions"]))] for i in idx]
        caps = [c["ids"] for c in chosen]
        img_emb = model.encode_image(to_pixels(images[idx]))
        if a.caption_edits > 0:
            edited = [e for e in (edit_caption(c["text"], rng) for c in chosen) if e]
            # Region sets: for each caption that names a region, its four region-swapped versions.
            swaps = [(k, region_negatives(c["text"])) for k, c in enumerate(chosen)] if a.region_loss > 0 else []
            swaps = [(k, negs) for k, negs in swaps if negs]
            swapped = [n for _, negs in swaps for n in negs]
            neg = [tok_cache.setdefault(e, tok.encode(e)) for e in edited + swapped]
            txt_emb = model.encode_text(*pad_ids(caps + neg))
            loss, _ = clip_loss(model, img_emb, txt_emb[: len(caps)])
            scale = model.logit_scale.exp().clamp(max=100)
            i_n, t_n = F.normalize(img_emb, dim=-1), F.normalize(txt_emb, dim=-1)
            if edited:
                logits = scale * i_n @ t_n[: len(caps) + len(edited)].t()  # each image against every true and edited caption
                loss = loss + a.caption_edits * F.cross_entropy(logits, torch.arange(len(caps)))
            if swaps:
                # Each such image against its own caption and that caption's four region swaps (5-way).
                rows = torch.tensor([k for k, _ in swaps])
                base = len(caps) + len(edited)
                cand = torch.stack([torch.cat([t_n[k : k + 1], t_n[base + 4 * j : base + 4 * j + 4]]) for j, (k, _) in enumerate(swaps)])
                logits = scale * (cand @ i_n[rows][:, :, None]).squeeze(-1)
                loss = loss + a.region_loss * F.cross_entropy(logits, torch.zeros(len(swaps), dtype=torch.long))
        else:
            loss, _ = clip_loss(model, img_emb, model.encode_text(*pad_ids(caps)))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        running.append(loss.item())
        if a.bench and step == a.bench:
            print(f"{(time.time() - start) / a.bench:.3f} s/step at batch {a.batch}", flush=True)
            return
        if step % a.eval_every == 0 or step == a.steps:
            vl, top1 = evaluate(model, records, images, val_idx, np.random.default_rng(1))
            acc = probe_accuracy(model, images, probes)
            line = f"{step},{time.time() - start:.1f},{np.mean(running):.4f},{sched.get_last_lr()[0]:.6f},{1 / model.logit_scale.exp().item():.4f},{vl:.4f},{top1:.4f}," + ",".join(f"{acc[k]:.3f}" for k in ("colour", "shape", "position", "count"))
            curve.write(line + "\n")
            curve.flush()
            print(line, flush=True)
            running = []
        if a.max_minutes and time.time() - start > a.max_minutes * 60:
            stopped_early = True
            break
    seconds = time.time() - start
    vl, top1 = evaluate(model, records, images, val_idx, np.random.default_rng(1))
    # Rows of tokens that never occur in the data got no gradient: zero them so the export compresses.
    used = sorted({t for r in records for c in r["captions"] for t in c["ids"]})
    with torch.no_grad():
        keep = torch.zeros(VOCAB, dtype=torch.bool)
        keep[used] = True
        model.token_embedding.weight[~keep] = 0
    export_weights(model, os.path.join(a.out, "weights.safetensors"), DIMS)
    json.dump(
        {
            "dims": DIMS,
            "steps": step,
            "stopped_early": stopped_early,
            "batch": a.batch,
            "lr": a.lr,
            "warmup": a.warmup,
            "weight_decay": a.weight_decay,
            "seed": a.seed,
            "init": a.init,
            "hard_negatives": a.hard_negatives,
            "caption_edits": a.caption_edits,
            "anneal_by_time": a.anneal_by_time,
            "region_loss": a.region_loss,
            "boost_vision_pos": a.boost_vision_pos,
            "threads": a.threads,
            "train_seconds": round(seconds, 1),
            "dataset": {"path": a.data, "scenes": len(records), "train": int(len(train_idx)), "val": int(len(val_idx))},
            "used_tokens": len(used),
            "val_loss": round(vl, 4),
            "val_top1_of_50": round(top1, 4),
            "temperature": round(1 / model.logit_scale.exp().item(), 5),
            "torch": torch.__version__,
        },
        open(os.path.join(a.out, "train.json"), "w"),
        indent=2,
    )
    print(f"done: {step} steps in {seconds:.0f} s, val loss {vl:.3f}, val top-1 of 50 {top1:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
