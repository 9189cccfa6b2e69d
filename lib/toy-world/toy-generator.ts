// The four trained toy-world generators (fixtures/toy-gen, trained by
// research/toy-world/train_gen.py) on onnxruntime-node: DDIM with classifier-free guidance in
// the scene latent (./latent.ts), decoded by the toy renderer. Conditioning comes from a frozen
// toy-CLIP text tower (fixtures/toy-gen/text_encoder.onnx, the first toy CLIP the generators were
// trained against; the evaluator in fixtures/clip-toy is a later, separately trained model, so
// the CLIP-conditioned variants are not scored by the encoder they were conditioned on): its
// pooled text embedding and/or its token states; the clip_image_embedding variants get their image embedding from the prior (a
// diffusion model over the embedding, conditioned on the text embedding, as unCLIP).
// research/toy-world/gen.py is the Python twin of every step here (schedule, noise, DDIM).
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { ClipTokenizer } from "../clip/tokenizer";
import { decodeSceneLatent, LATENT_DIM } from "./latent";
import { renderScenePng } from "./render";
import type { ToyScene } from "./scene";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TOY_GEN_DIR = path.join(ROOT, "fixtures", "toy-gen");
/** The generators' own text encoder (the toy CLIP text tower they were trained against) and its tokenizer folder (the real CLIP BPE). */
export const TOY_GEN_TEXT_ENCODER = path.join(TOY_GEN_DIR, "text_encoder.onnx");
export const TOY_GEN_TOKENIZER_DIR = path.join(ROOT, "fixtures", "clip-tiny");

export const TOY_CONDITIONINGS = [
  "text_sequence",
  "clip_text_embedding",
  "clip_image_embedding",
  "clip_image_embedding+text_sequence",
] as const;
export type ToyConditioning = (typeof TOY_CONDITIONINGS)[number];

/** The variant names the toy engine generates, one per conditioning type (the experiment registers these). */
export const TOY_VARIANTS: Record<string, ToyConditioning> = {
  "toy-text-sequence": "text_sequence",
  "toy-clip-text": "clip_text_embedding",
  "toy-clip-image": "clip_image_embedding",
  "toy-clip-image+text": "clip_image_embedding+text_sequence",
};

const T = 1000;
const EMBED_DIM = 64;
const EMBED_SCALE = 8;
const X0_CLIP = 1.5;
/** Guidance of the prior's own sampling (unCLIP guides its prior too); the task's scale guides the decoder. */
export const PRIOR_GUIDANCE = 1;
/** DDIM steps of the prior. */
export const PRIOR_STEPS = 25;

/** Cosine schedule ᾱ(t) (Nichol & Dhariwal 2021, arXiv 2102.09672 eq. 17), clamped to [1e-5, 0.9999]. */
export function alphaBar(t: number): number {
  const f = (u: number) => Math.cos(((u / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  return Math.min(Math.max(f(t) / f(0), 1e-5), 0.9999);
}
const ALPHA_BAR = Array.from({ length: T }, (_, t) => alphaBar(t + 1));

/** DDIM's uniform timesteps from T − 1 down to 0 (numpy linspace, rounded half to even as Python's round). */
export function ddimTimesteps(steps: number): number[] {
  if (steps === 1) return [T - 1];
  return Array.from({ length: steps }, (_, i) => roundHalfEven(T - 1 - ((T - 1) * i) / (steps - 1)));
}
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** mulberry32 uniforms and Box–Muller normals: the stream gen.py's Mulberry32 draws, for a uint32 seed. */
export function seededNormals(seed: number, n: number): Float64Array {
  let a = seed >>> 0;
  const unit = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
    t = (t ^ ((t + (Math.imul(t ^ (t >>> 7), t | 61) >>> 0)) >>> 0)) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - unit();
    const u2 = unit();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

type Eps = (x: Float32Array, t: number) => Promise<{ cond: Float32Array; uncond: Float32Array }>;

/**
 * DDIM, η = 0 (Song et al. 2021, arXiv 2010.02502 eq. 12) with classifier-free guidance
 * ε = ε_u + w(ε_c − ε_u) (Ho & Salimans 2022), x̂0 clipped to ±1.5. x: B × dim, row-major.
 */
export async function ddimSample(
  eps: Eps,
  noise: Float64Array,
  steps: number,
  guidance: number,
): Promise<Float64Array> {
  const x = Float64Array.from(noise);
  const ts = ddimTimesteps(steps);
  for (let j = 0; j < ts.length; j++) {
    const t = ts[j]!;
    const { cond, uncond } = await eps(Float32Array.from(x), t);
    const a = ALPHA_BAR[t]!;
    const aPrev = j + 1 < ts.length ? ALPHA_BAR[ts[j + 1]!]! : 1;
    for (let i = 0; i < x.length; i++) {
      const e = uncond[i]! + guidance * (cond[i]! - uncond[i]!);
      const x0 = Math.max(-X0_CLIP, Math.min(X0_CLIP, (x[i]! - Math.sqrt(1 - a) * e) / Math.sqrt(a)));
      const e2 = (x[i]! - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
      x[i] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * e2;
    }
  }
  return x;
}

export type ToyText = { embed: Float32Array; states: Float32Array; tokens: number };
/** imageEmbedding: the prior's draw as the decoder sees it (unit length ×8), for the clip_image variants. */
export type ToySample = { seed: number; latent: Float32Array; scene: ToyScene; imageEmbedding?: Float32Array };

function scaledUnit(v: ArrayLike<number>, offset: number, dim: number): Float32Array {
  let n = 0;
  for (let i = 0; i < dim; i++) n += v[offset + i]! ** 2;
  const s = EMBED_SCALE / Math.sqrt(n || 1);
  return Float32Array.from({ length: dim }, (_, i) => v[offset + i]! * s);
}

/** Rows repeated: [a; a; …] n times (the condition for every sample of a batch). */
function tile(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}

export class ToyGenerator {
  private constructor(
    readonly conditioning: ToyConditioning,
    private readonly tokenizer: ClipTokenizer,
    private readonly text: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly prior: ort.InferenceSession | undefined,
  ) {}

  /** Loads the generator of one conditioning type (plus the prior and the generators' toy-CLIP text tower, genDir/text_encoder.onnx). */
  static async load(
    conditioning: ToyConditioning,
    opts: { genDir?: string; threads?: number } = {},
  ): Promise<ToyGenerator> {
    const genDir = opts.genDir ?? TOY_GEN_DIR;
    const so: ort.InferenceSession.SessionOptions = { intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1 };
    const tok = TOY_GEN_TOKENIZER_DIR;
    const tokenizer = await ClipTokenizer.fromFiles(
      path.join(tok, "tokenizer.json"),
      path.join(tok, "tokenizer_config.json"),
      77,
    );
    const text = await ort.InferenceSession.create(path.join(genDir, "text_encoder.onnx"), so);
    const decoder = await ort.InferenceSession.create(path.join(genDir, `${conditioning}.onnx`), so);
    const prior = conditioning.startsWith("clip_image")
      ? await ort.InferenceSession.create(path.join(genDir, "prior.onnx"), so)
      : undefined;
    return new ToyGenerator(conditioning, tokenizer, text, decoder, prior);
  }

  /** The toy CLIP's unit text embedding ×8 and its token states (last_hidden_state, tokens × 48). */
  async encodeText(prompt: string): Promise<ToyText> {
    const tok = this.tokenizer.encode(prompt);
    const { inputIds, attentionMask, length } = this.tokenizer.batch([tok]);
    const out = await this.text.run({
      input_ids: new ort.Tensor("int64", inputIds, [1, length]),
      attention_mask: new ort.Tensor("int64", attentionMask, [1, length]),
    });
    return {
      embed: scaledUnit(out.text_embeds!.data as Float32Array, 0, EMBED_DIM),
      states: Float32Array.from(out.last_hidden_state!.data as Float32Array),
      tokens: length,
    };
  }

  private async runEps(
    session: ort.InferenceSession,
    x: Float32Array,
    t: number,
    b: number,
    dim: number,
    embed?: Float32Array,
    text?: ToyText,
  ): Promise<{ cond: Float32Array; uncond: Float32Array }> {
    // One batch of 2b rows: b conditional, then b unconditional (zeroed condition, as in training).
    const xx = new Float32Array(2 * b * dim);
    xx.set(x, 0);
    xx.set(x, b * dim);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor("float32", xx, [2 * b, dim]),
      t: new ort.Tensor("float32", new Float32Array(2 * b).fill(t), [2 * b]),
    };
    if (session.inputNames.includes("embed")) {
      const e = new Float32Array(2 * b * EMBED_DIM);
      e.set(embed!, 0);
      feeds.embed = new ort.Tensor("float32", e, [2 * b, EMBED_DIM]);
    }
    if (session.inputNames.includes("states")) {
      const n = text!.tokens;
      const s = new Float32Array(2 * b * n * 48);
      s.set(tile(text!.states, b), 0);
      feeds.states = new ort.Tensor("float32", s, [2 * b, n, 48]);
      feeds.mask = new ort.Tensor("float32", new Float32Array(2 * b * n), [2 * b, n]);
    }
    const out = (await session.run(feeds)).eps!.data as Float32Array;
    return { cond: out.subarray(0, b * dim), uncond: out.subarray(b * dim, 2 * b * dim) };
  }

  /**
   * Samples one scene per seed: the latent's starting noise is the first 42 normals of the
   * seed's stream, the prior's the next 64, so a sample depends on its seed alone.
   */
  async sample(prompt: string, seeds: number[], opts: { guidance: number; steps: number }): Promise<ToySample[]> {
    const b = seeds.length;
    const text = await this.encodeText(prompt);
    const streams = seeds.map((s) => seededNormals(s, LATENT_DIM + EMBED_DIM));
    let imageEmbeds: Float32Array | undefined;
    if (this.prior) {
      const noise = new Float64Array(b * EMBED_DIM);
      streams.forEach((s, i) => noise.set(s.subarray(LATENT_DIM), i * EMBED_DIM));
      const prior = this.prior;
      const e = await ddimSample(
        (x, t) => this.runEps(prior, x, t, b, EMBED_DIM, tile(text.embed, b)),
        noise,
        PRIOR_STEPS,
        PRIOR_GUIDANCE,
      );
      imageEmbeds = new Float32Array(b * EMBED_DIM);
      for (let i = 0; i < b; i++) imageEmbeds.set(scaledUnit(e, i * EMBED_DIM, EMBED_DIM), i * EMBED_DIM);
    }
    const embed = this.conditioning === "clip_text_embedding" ? tile(text.embed, b) : imageEmbeds;
    const noise = new Float64Array(b * LATENT_DIM);
    streams.forEach((s, i) => noise.set(s.subarray(0, LATENT_DIM), i * LATENT_DIM));
    const z = await ddimSample(
      (x, t) => this.runEps(this.decoder, x, t, b, LATENT_DIM, embed, text),
      noise,
      opts.steps,
      opts.guidance,
    );
    return seeds.map((seed, i) => {
      const latent = Float32Array.from(z.subarray(i * LATENT_DIM, (i + 1) * LATENT_DIM));
      return {
        seed,
        latent,
        scene: decodeSceneLatent(latent),
        imageEmbedding: imageEmbeds?.slice(i * EMBED_DIM, (i + 1) * EMBED_DIM),
      };
    });
  }

  /** PNGs of sample(), width × height (the scene is the centred square). */
  async samplePngs(
    prompt: string,
    seeds: number[],
    opts: { guidance: number; steps: number; width: number; height: number },
  ): Promise<Buffer[]> {
    const samples = await this.sample(prompt, seeds, opts);
    return Promise.all(samples.map((s) => renderScenePng(s.scene, { width: opts.width, height: opts.height })));
  }

  async close(): Promise<void> {
    await Promise.all([this.text.release(), this.decoder.release(), this.prior?.release()]);
  }
}
