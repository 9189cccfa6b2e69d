// A Stable Diffusion text-to-image pipeline on onnxruntime-node, for folders in Optimum's
// ONNX layout (see model-folder.ts): CLIP text encoding, classifier-free guidance, a seeded
// DDIM sampler (eta 0), VAE decoding and PNG encoding with sharp.
//
// Guidance: the UNet sees the batch [unconditional, conditional]; the unconditional text is
// the negative prompt, or "" without one; noise = u + g·(c − u). Unlike diffusers, which skips
// guidance for every g ≤ 1, only g = 1 (where the formula reduces to c) skips the extra row,
// so g < 1 really interpolates towards the unconditional prediction.
//
// One sample at a time, each from its own seed: a sample's image depends on (model, prompt,
// negative prompt, guidance, steps, size, seed) only, never on which other samples share a task.
import os from "node:os";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { DiffusionTokenizer } from "./clip-tokenizer";
import { DdimScheduler } from "./ddim-scheduler";
import { openSessions, type ActiveProvider, type ProviderChoice } from "../core/execution-provider";
import { readDiffusionModelFolder, type DiffusionModelFolder } from "./model-folder";
import { seededGaussian } from "./seeded-gaussian";
import { floatTensor, idsTensor, readFloats, tensorInput, timestepTensor, type TensorMetadata } from "./tensors";

export type PipelineOptions = {
  provider?: ProviderChoice;
  /** Intra-op threads per session (CPU); defaults to the machine's cores. */
  threads?: number;
};

export type ConditioningRequest = { prompt: string; negativePrompt?: string | null; guidanceScale: number };

/** Encoded text for one prompt: rows [uncond, cond], or [cond] alone when guidance is 1. */
export type Conditioning = {
  hidden: Float32Array;
  rows: 1 | 2;
  seqLen: number;
  dim: number;
  guidanceScale: number;
  /** The prompt had more than 75 tokens and was cut, as diffusers does. */
  truncated: boolean;
};

export type SampleRequest = {
  seed: number;
  steps: number;
  width: number;
  height: number;
  signal?: AbortSignal;
};

type TextEncoder = {
  session: ort.InferenceSession;
  ids: TensorMetadata;
  mask: TensorMetadata | undefined;
  output: string;
};
type Unet = {
  session: ort.InferenceSession;
  sample: TensorMetadata;
  timestep: TensorMetadata;
  hidden: TensorMetadata;
  output: string;
  latentChannels: number;
};
type VaeDecoder = { session: ort.InferenceSession; latent: TensorMetadata; output: string };

function requireInput(session: ort.InferenceSession, name: string, what: string): TensorMetadata {
  const m = tensorInput(session, name);
  if (!m) throw new Error(`${what} has no input "${name}" (inputs: ${session.inputNames.join(", ")})`);
  return m;
}

function pickOutput(session: ort.InferenceSession, preferred: string): string {
  return session.outputNames.includes(preferred) ? preferred : session.outputNames[0]!;
}

export class DiffusionPipeline {
  private constructor(
    readonly folder: DiffusionModelFolder,
    readonly provider: ActiveProvider,
    readonly tokenizer: DiffusionTokenizer,
    private readonly textEncoder: TextEncoder,
    private readonly unet: Unet,
    private readonly vae: VaeDecoder,
  ) {}

  static async load(dir: string, opts: PipelineOptions = {}): Promise<DiffusionPipeline> {
    const folder = await readDiffusionModelFolder(dir);
    const tokenizer = await DiffusionTokenizer.fromFolder(folder.files.tokenizerDir);
    const threads = opts.threads ?? Math.max(1, os.availableParallelism());
    const { sessions, provider } = await openSessions(
      [folder.files.textEncoder, folder.files.unet, folder.files.vaeDecoder],
      opts.provider ?? "auto",
      { threads },
    );
    const [te, un, vd] = sessions as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
    try {
      const extraText = te.inputNames.filter((n) => n !== "input_ids" && n !== "attention_mask");
      if (extraText.length > 0) throw new Error(`text encoder has unexpected inputs ${extraText.join(", ")}`);
      if (!te.outputNames.includes("last_hidden_state")) {
        throw new Error(`text encoder has no last_hidden_state output (outputs: ${te.outputNames.join(", ")})`);
      }
      const textEncoder: TextEncoder = {
        session: te,
        ids: requireInput(te, "input_ids", "text encoder"),
        mask: tensorInput(te, "attention_mask"),
        output: "last_hidden_state",
      };

      const extraUnet = un.inputNames.filter((n) => !["sample", "timestep", "encoder_hidden_states"].includes(n));
      if (extraUnet.length > 0) {
        // e.g. SDXL's text_embeds/time_ids or LCM's timestep_cond: other pipelines.
        throw new Error(`unet has inputs this Stable Diffusion pipeline does not provide: ${extraUnet.join(", ")}`);
      }
      const sample = requireInput(un, "sample", "unet");
      const channels = sample.shape[1];
      const unet: Unet = {
        session: un,
        sample,
        timestep: requireInput(un, "timestep", "unet"),
        hidden: requireInput(un, "encoder_hidden_states", "unet"),
        output: pickOutput(un, "out_sample"),
        latentChannels: typeof channels === "number" ? channels : 4,
      };

      const latentName = vd.inputNames.includes("latent_sample") ? "latent_sample" : vd.inputNames[0]!;
      const vae: VaeDecoder = {
        session: vd,
        latent: requireInput(vd, latentName, "vae decoder"),
        output: pickOutput(vd, "sample"),
      };
      return new DiffusionPipeline(folder, provider, tokenizer, textEncoder, unet, vae);
    } catch (e) {
      await Promise.all(sessions.map((s) => s.release()));
      throw e;
    }
  }

  /** last_hidden_state for each prompt, [n, 77, d] flattened. */
  async encodeText(
    prompts: string[],
  ): Promise<{ hidden: Float32Array; seqLen: number; dim: number; truncated: boolean[] }> {
    const encoded = prompts.map((p) => this.tokenizer.encode(p));
    const seqLen = this.tokenizer.contextLength;
    const dims = [prompts.length, seqLen];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: idsTensor(
        this.textEncoder.ids,
        encoded.flatMap((e) => e.ids),
        dims,
      ),
    };
    if (this.textEncoder.mask) {
      // Real tokens (up to and including <|endoftext|>) are 1; padding is 0, as the tokenizer's attention_mask.
      const mask = encoded.flatMap((e) => e.ids.map((_, i) => (i < e.length ? 1 : 0)));
      feeds.attention_mask = idsTensor(this.textEncoder.mask, mask, dims);
    }
    const out = await this.textEncoder.session.run(feeds, [this.textEncoder.output]);
    const t = out[this.textEncoder.output]!;
    if (t.dims.length !== 3 || t.dims[0] !== prompts.length || t.dims[1] !== seqLen) {
      throw new Error(
        `text encoder returned last_hidden_state of shape [${t.dims.join(", ")}]; expected [${prompts.length}, ${seqLen}, d]`,
      );
    }
    return {
      hidden: readFloats(t, "last_hidden_state").slice(),
      seqLen,
      dim: t.dims[2]!,
      truncated: encoded.map((e) => e.truncated),
    };
  }

  async prepare(req: ConditioningRequest): Promise<Conditioning> {
    if (!Number.isFinite(req.guidanceScale))
      throw new Error(`guidance scale must be a finite number, got ${req.guidanceScale}`);
    const guided = req.guidanceScale !== 1;
    const prompts = guided ? [req.negativePrompt ?? "", req.prompt] : [req.prompt];
    const { hidden, seqLen, dim, truncated } = await this.encodeText(prompts);
    return {
      hidden,
      rows: guided ? 2 : 1,
      seqLen,
      dim,
      guidanceScale: req.guidanceScale,
      truncated: truncated[truncated.length - 1]!,
    };
  }

  /** Denoised latents [1, C, h, w] for one seed. */
  async sampleLatents(cond: Conditioning, req: SampleRequest): Promise<{ latents: Float32Array; dims: number[] }> {
    const f = this.folder.vaeScaleFactor;
    for (const [name, v] of [
      ["width", req.width],
      ["height", req.height],
    ] as const) {
      if (!Number.isInteger(v) || v < f || v % f !== 0)
        throw new Error(`${name} must be a positive multiple of ${f}, got ${v}`);
    }
    const scheduler = new DdimScheduler(this.folder.scheduler, req.steps);
    const dims = [1, this.unet.latentChannels, req.height / f, req.width / f];
    const size = dims.reduce((a, b) => a * b, 1);
    // DDIM's init_noise_sigma is 1: the seeded unit Gaussian is the starting latent as is.
    let latents = seededGaussian(req.seed, size);

    const rows = cond.rows;
    const hidden = floatTensor(this.unet.hidden, cond.hidden, [rows, cond.seqLen, cond.dim]);
    const g = cond.guidanceScale;
    for (const t of scheduler.timesteps) {
      req.signal?.throwIfAborted();
      const input = new Float32Array(size * rows);
      for (let r = 0; r < rows; r++) input.set(latents, r * size);
      const out = await this.unet.session.run(
        {
          sample: floatTensor(this.unet.sample, input, [rows, ...dims.slice(1)]),
          timestep: timestepTensor(this.unet.timestep, t, rows),
          encoder_hidden_states: hidden,
        },
        [this.unet.output],
      );
      const pred = readFloats(out[this.unet.output]!, "unet output");
      if (pred.length !== size * rows) throw new Error(`unet returned ${pred.length} values; expected ${size * rows}`);
      let eps: Float32Array;
      if (rows === 1) eps = pred;
      else {
        eps = new Float32Array(size);
        for (let i = 0; i < size; i++) {
          const u = pred[i];
          eps[i] = u + g * (pred[size + i] - u);
        }
      }
      latents = scheduler.step(eps, t, latents);
    }
    return { latents, dims };
  }

  /** RGB bytes (HWC) from latents, through the VAE decoder. */
  async decode(latents: Float32Array, dims: number[]): Promise<{ rgb: Buffer; width: number; height: number }> {
    const scaled = latents.map((v) => v / this.folder.vaeScalingFactor);
    const out = await this.vae.session.run({ [this.vae.latent.name]: floatTensor(this.vae.latent, scaled, dims) }, [
      this.vae.output,
    ]);
    const t = out[this.vae.output]!;
    const [b, c, height, width] = t.dims;
    if (t.dims.length !== 4 || b !== 1 || c !== 3)
      throw new Error(`vae decoder returned shape [${t.dims.join(", ")}]; expected [1, 3, H, W]`);
    const img = readFloats(t, "vae decoder output");
    const plane = height! * width!;
    const rgb = Buffer.alloc(plane * 3);
    for (let ch = 0; ch < 3; ch++) {
      for (let i = 0; i < plane; i++) {
        // [-1, 1] → [0, 255] as diffusers' image processor: clamp (x/2 + 0.5) to [0, 1], × 255, round.
        const v = Math.min(1, Math.max(0, img[ch * plane + i] / 2 + 0.5));
        rgb[i * 3 + ch] = Math.round(v * 255);
      }
    }
    return { rgb, width: width!, height: height! };
  }

  async generate(cond: Conditioning, req: SampleRequest): Promise<Buffer> {
    const { latents, dims } = await this.sampleLatents(cond, req);
    req.signal?.throwIfAborted();
    const { rgb, width, height } = await this.decode(latents, dims);
    if (width !== req.width || height !== req.height)
      throw new Error(`vae decoder made ${width}×${height}; expected ${req.width}×${req.height}`);
    return sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
  }

  /** prepare + generate for a single image. */
  async generateImage(req: ConditioningRequest & SampleRequest): Promise<Buffer> {
    return this.generate(await this.prepare(req), req);
  }

  async release(): Promise<void> {
    await Promise.all([this.textEncoder.session.release(), this.unet.session.release(), this.vae.session.release()]);
  }
}

const cache = new Map<string, Promise<DiffusionPipeline>>();

/** One pipeline (three sessions) per folder and settings in this process. */
export function getDiffusionPipeline(dir: string, opts: PipelineOptions = {}): Promise<DiffusionPipeline> {
  const key = JSON.stringify([dir, opts.provider ?? "auto", opts.threads ?? 0]);
  let p = cache.get(key);
  if (!p) {
    p = DiffusionPipeline.load(dir, opts);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
