// The CLIP evaluator: one ONNX session per tower per process, batched inference, and
// L2-normalised embeddings with per-item errors instead of whole-batch failures.
import os from "node:os";
import * as ort from "onnxruntime-node";
import { config } from "../core/config";
import { openSessions, type ActiveProvider, type ProviderChoice } from "../core/execution-provider";
import { evaluatorIdentity, type EvaluatorIdentity } from "./identity";
import { readModelFolder, type ImagePipelineSpec, type ModelFolder, type ModelVariant } from "./model-folder";
import { ImageInputError, preprocessImage, type ImageErrorCode } from "./preprocess";
import { ImageSourceUnavailableError } from "./image-source-error";
import { ClipTokenizer } from "./tokenizer";

export { ImageSourceUnavailableError };

export type EvaluatorOptions = {
  variant?: ModelVariant;
  /** Images or prompts per ONNX call. */
  batchSize?: number;
  /** Intra-op threads per session; defaults to the machine's cores. */
  threads?: number;
  /** Refuse images with more pixels than this before decoding them. */
  maxImagePixels?: number;
  /** Where the towers run (default cpu); `auto` uses CUDA when onnxruntime can, else the CPU. */
  executionProvider?: ProviderChoice;
};

export const DEFAULT_BATCH_SIZE = 16;
/** Images or prompts per ONNX call on a GPU, where larger batches keep the device busy. */
export const CUDA_BATCH_SIZE = 64;

export type TextEmbedding = { embedding: Float32Array; truncated: boolean; tokenCount: number };
export type ItemError = { code: ImageErrorCode | "inference_failed"; message: string };
export type ImageEmbedding =
  { embedding: Float32Array; error?: undefined } | { embedding?: undefined; error: ItemError };

/** An encoded image file, or a function that reads it when its batch comes up. */
export type ImageSource = Buffer | (() => Promise<Buffer>);

export type ProgressFn = (done: number, total: number) => void;

type Tower = { session: ort.InferenceSession; output: string; fp16Input: boolean };

export class ClipEvaluator {
  private constructor(
    readonly folder: ModelFolder,
    readonly identity: EvaluatorIdentity,
    readonly tokenizer: ClipTokenizer,
    private readonly vision: Tower,
    private readonly text: Tower,
    readonly batchSize: number,
    readonly maxImagePixels: number,
    readonly threads: number,
    /** Where the towers run, with the reason for a fallback to the CPU. */
    readonly provider: ActiveProvider,
  ) {}

  static async load(dir: string, opts: EvaluatorOptions = {}): Promise<ClipEvaluator> {
    const folder = await readModelFolder(dir, opts.variant ?? "fp32");
    const threads = opts.threads ?? Math.max(1, os.availableParallelism());
    const [identity, tokenizer, opened] = await Promise.all([
      evaluatorIdentity(folder),
      ClipTokenizer.fromFiles(folder.files.tokenizer, folder.files.tokenizerConfig, folder.contextLength),
      openSessions([folder.files.vision, folder.files.text], opts.executionProvider ?? "cpu", { threads }),
    ]);
    sessionsOpened += opened.sessions.length;
    const vision = tower(opened.sessions[0]!, "image_embeds");
    const text = tower(opened.sessions[1]!, "text_embeds");
    const batchSize = opts.batchSize ?? (opened.provider.name === "cuda" ? CUDA_BATCH_SIZE : DEFAULT_BATCH_SIZE);
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    return new ClipEvaluator(
      folder,
      identity,
      tokenizer,
      vision,
      text,
      batchSize,
      opts.maxImagePixels ?? config().maxImagePixels,
      threads,
      opened.provider,
    );
  }

  get dim(): number {
    return this.folder.config.projection_dim ?? 512;
  }

  async embedTexts(prompts: string[], onProgress?: ProgressFn): Promise<TextEmbedding[]> {
    const out: TextEmbedding[] = [];
    for (let start = 0; start < prompts.length; start += this.batchSize) {
      const tokenized = prompts.slice(start, start + this.batchSize).map((p) => this.tokenizer.encode(p));
      const { inputIds, attentionMask, length } = this.tokenizer.batch(tokenized);
      const feeds: Record<string, ort.Tensor> = {};
      const dims = [tokenized.length, length];
      for (const name of this.text.session.inputNames) {
        if (name === "input_ids") feeds[name] = new ort.Tensor("int64", inputIds, dims);
        else if (name === "attention_mask") feeds[name] = new ort.Tensor("int64", attentionMask, dims);
        else if (name === "position_ids") {
          const pos = new BigInt64Array(tokenized.length * length);
          for (let i = 0; i < pos.length; i++) pos[i] = BigInt(i % length);
          feeds[name] = new ort.Tensor("int64", pos, dims);
        } else throw new Error(`text model has an unexpected input "${name}"`);
      }
      const rows = await runTower(this.text, feeds, tokenized.length);
      rows.forEach((embedding, i) =>
        out.push({ embedding, truncated: tokenized[i]!.truncated, tokenCount: tokenized[i]!.tokenCount }),
      );
      onProgress?.(out.length, prompts.length);
    }
    return out;
  }

  /**
   * Embeds encoded image files. Bad files (unreadable, unsupported, over the pixel limit) get an
   * error entry and the rest are still embedded. Decoding of the next batch overlaps inference.
   */
  embedImages(images: ImageSource[], onProgress?: ProgressFn): Promise<ImageEmbedding[]> {
    return embedImageBatches(images, {
      batchSize: this.batchSize,
      spec: this.folder.image,
      maxImagePixels: this.maxImagePixels,
      onProgress,
      run: (pixels, dims) =>
        runTower(this.vision, { [this.vision.session.inputNames[0]!]: toInput(this.vision, pixels, dims) }, dims[0]!),
    });
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.session.release(), this.text.session.release()]);
  }
}

/**
 * The shared image loop of evaluators and feature extractors: decode and preprocess a batch (the
 * next one while the current one runs), run the ONNX model on the readable ones, and give each
 * unreadable file its own error entry. A source that cannot be reached at all (the object store,
 * a remote worker's server: ImageSourceUnavailableError) fails the call instead: the image is not
 * at fault, and the job is retried.
 */
export async function embedImageBatches(
  images: ImageSource[],
  o: {
    batchSize: number;
    spec: ImagePipelineSpec;
    maxImagePixels: number;
    onProgress?: ProgressFn;
    /** Runs the model on `pixels` ([n, 3, H, W]); one vector per row. */
    run: (pixels: Float32Array, dims: number[]) => Promise<Float32Array[]>;
  },
): Promise<ImageEmbedding[]> {
  const out: ImageEmbedding[] = new Array(images.length);
  const prepare = (start: number) =>
    Promise.all(
      images.slice(start, start + o.batchSize).map((src) =>
        (typeof src === "function" ? src() : Promise.resolve(src))
          .then((buf) => preprocessImage(buf, o.spec, o.maxImagePixels))
          .then(
            (t) => t,
            (e: unknown) => {
              if (e instanceof ImageSourceUnavailableError) throw e;
              return e instanceof ImageInputError
                ? e
                : new ImageInputError("image_unreadable", e instanceof Error ? e.message : String(e));
            },
          ),
      ),
    );
  let next = images.length > 0 ? prepare(0) : undefined;
  next?.catch(() => undefined);
  let done = 0;
  for (let start = 0; start < images.length; start += o.batchSize) {
    const batch = await next!;
    next = start + o.batchSize < images.length ? prepare(start + o.batchSize) : undefined;
    // Awaited at the next batch; until then a rejection must not count as unhandled.
    next?.catch(() => undefined);
    const ok: number[] = [];
    batch.forEach((t, i) => {
      if (t instanceof ImageInputError) out[start + i] = { error: { code: t.code, message: t.message } };
      else ok.push(i);
    });
    if (ok.length > 0) {
      const { cropHeight: H, cropWidth: W } = o.spec;
      const pixels = new Float32Array(ok.length * 3 * H * W);
      ok.forEach((i, row) => pixels.set(batch[i] as Float32Array, row * 3 * H * W));
      const rows = await o.run(pixels, [ok.length, 3, H, W]);
      ok.forEach((i, row) => (out[start + i] = { embedding: rows[row]! }));
    }
    done += batch.length;
    o.onProgress?.(done, images.length);
  }
  return out;
}

function tower(session: ort.InferenceSession, preferredOutput: string): Tower {
  const output = session.outputNames.includes(preferredOutput) ? preferredOutput : session.outputNames[0]!;
  const meta = session.inputMetadata[0];
  const fp16Input = meta !== undefined && meta.isTensor && meta.type === "float16";
  return { session, output, fp16Input };
}

/** Opens one ONNX session (the only place this project's evaluators do). */
export async function openSession(
  file: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  try {
    const session = await ort.InferenceSession.create(file, options);
    sessionsOpened++;
    return session;
  } catch (e) {
    throw new Error(`could not load ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
}

let sessionsOpened = 0;
/** ONNX sessions this thread's evaluators and feature extractors opened (health checks must open none). */
export function sessionsOpenedInThisThread(): number {
  return sessionsOpened;
}

/** Session options of every evaluator: `threads` intra-op threads, sequential, all graph optimisations. */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
  };
}

function toInput(tower: Tower, data: Float32Array, dims: number[]): ort.Tensor {
  if (!tower.fp16Input) return new ort.Tensor("float32", data, dims);
  return new ort.Tensor("float16", toHalf(data), dims);
}

async function runTower(tower: Tower, feeds: Record<string, ort.Tensor>, rows: number): Promise<Float32Array[]> {
  const result = await tower.session.run(feeds, [tower.output]);
  const t = result[tower.output]!;
  const data = t.type === "float16" ? fromHalf(t.data as Uint16Array) : (t.data as Float32Array);
  const dim = data.length / rows;
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) out.push(l2normalize(data.subarray(r * dim, (r + 1) * dim)));
  for (const v of Object.values(result)) v.dispose();
  return out;
}

export function l2normalize(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

// IEEE half conversions for models exported with float16 inputs/outputs.
export function toHalf(src: Float32Array): Uint16Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    f[0] = src[i]!;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = ((x >>> 23) & 0xff) - 127 + 15;
    const mant = x & 0x7fffff;
    if (exp <= 0) out[i] = sign;
    else if (exp >= 31) out[i] = sign | 0x7c00;
    else out[i] = sign | (exp << 10) | ((mant + 0x1000) >> 13);
  }
  return out;
}

export function fromHalf(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (mant / 1024)
        : exp === 31
          ? mant
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + mant / 1024);
  }
  return out;
}

const cache = new Map<string, Promise<ClipEvaluator>>();

/** The evaluators loaded in this thread: folder, variant, batch size, threads and provider of each (tests check there is one per process). */
export function loadedEvaluators(): string[] {
  return [...cache.keys()];
}

/** One evaluator (and so one session per tower) per folder, variant, batch size, threads and provider in this process. */
export function getEvaluator(dir: string, opts: EvaluatorOptions = {}): Promise<ClipEvaluator> {
  const key = JSON.stringify([
    dir,
    opts.variant ?? "fp32",
    opts.batchSize ?? 0,
    opts.threads ?? 0,
    opts.executionProvider ?? "cpu",
  ]);
  let p = cache.get(key);
  if (!p) {
    p = ClipEvaluator.load(dir, opts);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
