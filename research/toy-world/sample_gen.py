#!/usr/bin/env python3
"""The toy generators in PyTorch, as a program for the gpu-worker's command engine:

  npm run gpu-worker -- --engine command --variant toy-clip-text \\
      --command "/usr/bin/python3 research/toy-world/sample_gen.py"

Reads the task from T2I_TASK_FILE (docs/reference/worker-protocol.md's command contract), loads the
generator of the task's variant with the weights of fixtures/toy-gen/<conditioning>.onnx (read back
into PyTorch, so both engines run one set of weights), encodes the prompt with the toy CLIP's text tower
(weights read from fixtures/toy-gen/text_encoder.onnx, tokens from
scripts/fixtures/clip-tokenizer-reference.py), samples with research/toy-world/gen.py's DDIM + CFG from each
sample's seed, and writes <outputDir>/<index>.png, drawn by the TypeScript toy renderer (one
`npx tsx` call per task, so the pictures match the toy engine's exactly).

  --latents   instead: print {"latents": [[...], ...]} for the task's samples as JSON (no PNGs),
              to compare with the TypeScript engine's latents.
"""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import train as clip_train  # noqa: E402

VARIANTS = {"toy-text-sequence": "text_sequence", "toy-clip-text": "clip_text_embedding", "toy-clip-image": "clip_image_embedding", "toy-clip-image+text": "clip_image_embedding+text_sequence"}
PRIOR_GUIDANCE = 1.0
PRIOR_STEPS = 25


def load_clip():
    import onnx
    from onnx import numpy_helper

    m = onnx.load(os.path.join(ROOT, "fixtures", "toy-gen", "text_encoder.onnx"))
    w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    clip = clip_train.ToyClip(clip_train.DIMS)
    sd = clip.state_dict()
    for src, dst, transpose in clip_train.name_map(clip_train.DIMS):
        if dst in w:
            sd[src] = (w[dst].t() if transpose else w[dst]).contiguous()
    clip.load_state_dict(sd)
    return clip.eval()


def tokenizer():
    spec = importlib.util.spec_from_file_location("clip_tok", os.path.join(ROOT, "scripts", "fixtures", "clip-tokenizer-reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SimpleTokenizer(json.load(open(os.path.join(ROOT, "fixtures", "clip-tiny", "tokenizer.json"), encoding="utf-8")))


def onnx_state_dict(path):
    """The denoiser's state_dict read back from its ONNX export: initializers named net.<param>
    as they are, and the weights torch.onnx renamed onnx::MatMul_* (the key/value projections,
    stored transposed for MatMul) by the /net/<module>/MatMul node that consumes them."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    arrays = {i.name: numpy_helper.to_array(i).copy() for i in m.graph.initializer}
    sd = {k[len("net."):]: torch.from_numpy(v) for k, v in arrays.items() if k.startswith("net.")}
    for node in m.graph.node:
        for name in node.input:
            if name.startswith("onnx::") and name in arrays and node.op_type == "MatMul" and node.name.startswith("/net/"):
                module = node.name[len("/net/") : -len("/MatMul")]
                sd[f"{module}.weight"] = torch.from_numpy(arrays[name].T.copy())
    return sd


def load_net(name):
    dim = gen.EMBED_DIM if name == "prior" else gen.LATENT_DIM
    net = gen.Denoiser(dim, embed=name == "prior" or "clip" in name, tokens="text_sequence" in name)
    net.load_state_dict(onnx_state_dict(os.path.join(ROOT, "fixtures", "toy-gen", f"{name}.onnx")))
    return net.eval()


def unit_scaled(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True).clip(1e-12) * gen.EMBED_SCALE


@torch.no_grad()
def sample(conditioning, prompt, seeds, guidance, steps):
    """Latents [len(seeds), LATENT_DIM] for a prompt, as lib/toy-world/toy-generator.ts samples them."""
    clip = load_clip()
    ids = torch.tensor([tokenizer().encode(prompt)[:77]])
    h = clip.final_layer_norm(run_text(clip, ids))
    states = h.numpy()[0]
    embed = unit_scaled(clip.text_projection(h[0, ids[0].argmax()]).numpy()[None])[0]
    b = len(seeds)
    streams = [gen.Mulberry32(s).normals(gen.LATENT_DIM + gen.EMBED_DIM) for s in seeds]

    def eps_fn(net, cond):
        def f(x, t):
            xx = torch.from_numpy(np.concatenate([x, x]))
            tt = torch.full((2 * b,), float(t))
            kw = {}
            if net.embed:
                kw["embed"] = torch.from_numpy(np.concatenate([cond, np.zeros_like(cond)]).astype(np.float32))
            if net.tokens:
                s = np.repeat(states[None], b, 0)
                kw["states"] = torch.from_numpy(np.concatenate([s, np.zeros_like(s)]).astype(np.float32))
                kw["mask"] = torch.zeros(2 * b, states.shape[0])
            out = net(xx, tt, **kw).numpy()
            return out[:b], out[b:]

        return f

    img = None
    if conditioning.startswith("clip_image"):
        noise = np.stack([s[gen.LATENT_DIM :] for s in streams])
        e = gen.ddim_sample(eps_fn(load_net("prior"), np.repeat(embed[None], b, 0)), noise, PRIOR_STEPS, PRIOR_GUIDANCE)
        img = unit_scaled(e.astype(np.float64)).astype(np.float32)
    cond = np.repeat(embed[None], b, 0) if conditioning == "clip_text_embedding" else img
    noise = np.stack([s[: gen.LATENT_DIM] for s in streams])
    return gen.ddim_sample(eps_fn(load_net(conditioning), cond), noise, steps, guidance)


def run_text(clip, ids):
    n = ids.shape[1]
    x = clip.token_embedding(ids) + clip.text_pos[:n]
    mask = torch.full((n, n), float("-inf")).triu(1)[None, None]
    for layer in clip.text_layers:
        x = layer(x, mask)
    return x


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    torch.set_num_threads(1)
    task = json.load(open(os.environ["T2I_TASK_FILE"]))
    if task["variant"] not in VARIANTS:
        print(f"unknown toy variant {task['variant']!r}; known: {', '.join(VARIANTS)}", file=sys.stderr)
        return 1
    seeds = [s["seed"] for s in task["samples"]]
    z = sample(VARIANTS[task["variant"]], task["prompt"], seeds, task["guidanceScale"], task["steps"])
    if "--latents" in sys.argv:
        json.dump({"latents": z.tolist()}, sys.stdout)
        return 0
    jobs = [{"latent": z[i].tolist(), "file": os.path.join(task["outputDir"], f"{s['index']}.png")} for i, s in enumerate(task["samples"])]
    subprocess.run(["npx", "tsx", os.path.join(ROOT, "scripts", "toy", "toy-render-latents.ts"), "--width", str(task["width"]), "--height", str(task["height"])],
                   input=json.dumps(jobs).encode(), check=True, cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
