"""The toy generators' shared pieces: the scene latent, the denoiser, the noise schedule, the
seeded noise and DDIM with classifier-free guidance. Imported by train_gen.py (training, ONNX
export) and sample_gen.py (the Python sampler the command engine runs). The TypeScript engine
(lib/generation/worker-client/engines/toy-engine.ts, lib/toy-world/latent.ts) mirrors every
function here; keep the two in step.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = ["circle", "square", "triangle", "star", "ring"]
SLOTS = 3
SLOT_DIM = 13  # presence, r, g, b, x, y, radius, angle, 5 shape logits
LATENT_DIM = 3 + SLOTS * SLOT_DIM
EMBED_DIM = 64  # toy CLIP projection width
TOKEN_DIM = 48  # toy CLIP text hidden width
EMBED_SCALE = 8.0  # unit-norm CLIP embeddings times sqrt(64): about unit variance per dimension
T = 1000
R_MID, R_HALF, ANGLE_MAX = 0.1375, 0.0525, 0.35
X0_CLIP = 1.5
CONDITIONINGS = ["text_sequence", "clip_text_embedding", "clip_image_embedding", "clip_image_embedding+text_sequence"]


def encode_scene(scene):
    """A scene record (lib/toy-world/scene.ts ToyScene) -> latent of LATENT_DIM floats, about [-1, 1]."""
    z = np.zeros(LATENT_DIM, dtype=np.float32)
    z[0:3] = np.array(scene["backgroundRgb"], dtype=np.float32) / 127.5 - 1
    for k in range(SLOTS):
        s = z[3 + k * SLOT_DIM : 3 + (k + 1) * SLOT_DIM]
        if k >= len(scene["objects"]):
            s[0] = -1
            s[8:13] = -1
            continue
        o = scene["objects"][k]
        s[0] = 1
        s[1:4] = np.array(o["rgb"], dtype=np.float32) / 127.5 - 1
        s[4] = 2 * o["x"] - 1
        s[5] = 2 * o["y"] - 1
        s[6] = (o["r"] - R_MID) / R_HALF
        s[7] = o["angle"] / ANGLE_MAX
        s[8:13] = -1
        s[8 + SHAPES.index(o["shape"])] = 1
    return z


def alpha_bar(t):
    """Cosine schedule (Nichol & Dhariwal 2021, arXiv 2102.09672 eq. 17), t in [0, T]."""
    f = lambda u: math.cos((u / T + 0.008) / 1.008 * math.pi / 2) ** 2
    return min(max(f(t) / f(0), 1e-5), 0.9999)


ALPHA_BAR = np.array([alpha_bar(t + 1) for t in range(T)], dtype=np.float64)


def ddim_timesteps(steps):
    """Integer timesteps from T-1 down to 0, evenly spaced (DDIM's uniform skip)."""
    return [int(round(v)) for v in np.linspace(T - 1, 0, steps)]


class Mulberry32:
    """Seeded uniforms (mulberry32) and normals (Box-Muller): the same stream in Python and TypeScript."""

    def __init__(self, seed):
        self.a = seed & 0xFFFFFFFF

    def unit(self):
        self.a = (self.a + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def normals(self, n):
        out = []
        while len(out) < n:
            u1 = 1 - self.unit()  # (0, 1]
            u2 = self.unit()
            r = math.sqrt(-2 * math.log(u1))
            out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
        return np.array(out[:n], dtype=np.float32)


def timestep_features(t, dim=64):
    """Sinusoidal features of t / T (Vaswani et al. 2017), shape [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = (t.float()[:, None] / T) * 1000.0 * freqs[None]
    return torch.cat([torch.sin(a), torch.cos(a)], -1)


class Denoiser(nn.Module):
    """Residual MLP over a latent, predicting the noise. Conditioning enters as an added vector
    (a pooled CLIP embedding, `embed`) and/or by cross-attention from the hidden state to token
    states (`tokens`, with an additive mask). Zeroed conditioning is the unconditional model."""

    def __init__(self, dim, embed=False, tokens=False, width=128, depth=3, heads=4):
        super().__init__()
        self.embed, self.tokens, self.heads = embed, tokens, heads
        self.inp = nn.Linear(dim, width)
        self.temb = nn.Sequential(nn.Linear(64, width), nn.SiLU(), nn.Linear(width, width))
        if embed:
            self.cemb = nn.Sequential(nn.Linear(EMBED_DIM, width), nn.SiLU(), nn.Linear(width, width))
        self.norms = nn.ModuleList([nn.LayerNorm(width) for _ in range(depth)])
        self.fc1 = nn.ModuleList([nn.Linear(width, 2 * width) for _ in range(depth)])
        self.fc2 = nn.ModuleList([nn.Linear(2 * width, width) for _ in range(depth)])
        if tokens:
            self.anorm = nn.ModuleList([nn.LayerNorm(width) for _ in range(depth)])
            self.q = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
            self.k = nn.ModuleList([nn.Linear(TOKEN_DIM, width) for _ in range(depth)])
            self.v = nn.ModuleList([nn.Linear(TOKEN_DIM, width) for _ in range(depth)])
            self.o = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.out_norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, dim)

    def attend(self, i, h, states, mask):
        b, n, _ = states.shape
        w = h.shape[-1]
        hd = w // self.heads
        q = self.q[i](self.anorm[i](h)).view(b, self.heads, 1, hd)
        k = self.k[i](states).view(b, n, self.heads, hd).transpose(1, 2)
        v = self.v[i](states).view(b, n, self.heads, hd).transpose(1, 2)
        logits = (q @ k.transpose(-1, -2)) * hd**-0.5 + mask[:, None, None, :]
        return self.o[i]((logits.softmax(-1) @ v).reshape(b, w))

    def forward(self, x, t, embed=None, states=None, mask=None):
        h = self.inp(x) + self.temb(timestep_features(t))
        if self.embed:
            h = h + self.cemb(embed)
        for i in range(len(self.fc1)):
            if self.tokens:
                h = h + self.attend(i, h, states, mask)
            h = h + self.fc2[i](F.silu(self.fc1[i](self.norms[i](h))))
        return self.out(self.out_norm(h))


def ddim_sample(eps_fn, noise, steps, guidance, rng_free=True):
    """DDIM, eta = 0 (Song et al. 2021, arXiv 2010.02502 eq. 12) with classifier-free guidance
    (Ho & Salimans 2022): eps = eps_u + w (eps_c - eps_u). eps_fn(x, t) -> (eps_c, eps_u).
    The predicted x0 is clipped to ±X0_CLIP. noise: [B, D] numpy; returns [B, D] numpy."""
    x = noise.astype(np.float64)
    ts = ddim_timesteps(steps)
    for j, t in enumerate(ts):
        ec, eu = eps_fn(x.astype(np.float32), t)
        eps = eu.astype(np.float64) + guidance * (ec.astype(np.float64) - eu.astype(np.float64))
        a = ALPHA_BAR[t]
        a_prev = ALPHA_BAR[ts[j + 1]] if j + 1 < len(ts) else 1.0
        x0 = np.clip((x - math.sqrt(1 - a) * eps) / math.sqrt(a), -X0_CLIP, X0_CLIP)
        eps = (x - math.sqrt(a) * x0) / math.sqrt(1 - a)
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return x.astype(np.float32)
