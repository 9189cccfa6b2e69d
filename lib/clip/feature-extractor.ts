// An image feature extractor: one image-only ONNX graph (DINOv2 from Xenova/dinov2-*, or a user's
// own, e.g. an Inception for FID) whose named output is the feature space of distribution metrics
// (FD, CMMD, precision/recall, density/coverage). It embeds images under a preprocessing recipe
// (./feature-recipes.ts) and never embeds text: asked for a CLIP score, it says it serves
// distribution metrics only. Features are not normalised (dgm-eval computes FD on raw features).
import os from "node:os";
import * as ort from "onnxruntime-node";
import { config } from "../core/config";
import {
  embedImageBatches,
  fromHalf,
  openSession,
  sessionOptions,
  toHalf,
  type ImageEmbedding,
  type ImageSource,
  type ProgressFn,
} from "./evaluator";
import { recipePipeline, type FeatureRecipe } from "./feature-recipes";
import { hashFolderFiles, identityOf, type EvaluatorIdentity } from "./identity";
import { readImageModelFolder, type ImageModelFolder } from "./image-model-folder";
import { IMAGE_ONLY_MESSAGE, type ImagePipelineSpec, type ModelVariant } from "./model-folder";

export type FeatureExtractorOptions = {
  variant?: ModelVariant;
  recipe?: FeatureRecipe;
  batchSize?: number;
  threads?: number;
  maxImagePixels?: number;
};

/** Thrown when an image-only extractor is asked for what only a CLIP can do. */
export class ImageOnlyModelError extends Error {
  constructor(what: string) {
    super(`${what}: ${IMAGE_ONLY_MESSAGE}`);
    this.name = "ImageOnlyModelError";
  }
}

export async function featureExtractorIdentity(
  folder: ImageModelFolder,
  recipe: FeatureRecipe,
): Promise<EvaluatorIdentity> {
  const f = folder.files;
  return identityOf({
    name: folder.name,
    variant: folder.variant,
    files: await hashFolderFiles(folder.dir, [f.config, f.preprocessor, f.model, ...f.external]),
    isFixture: folder.isFixture,
    kind: "image-features",
    recipe,
  });
}

export class ImageFeatureExtractor {
  private constructor(
    readonly folder: ImageModelFolder,
    readonly identity: EvaluatorIdentity,
    readonly recipe: FeatureRecipe,
    readonly image: ImagePipelineSpec,
    private readonly session: ort.InferenceSession,
    private readonly output: string,
    private readonly fp16Input: boolean,
    readonly batchSize: number,
    readonly maxImagePixels: number,
  ) {}

  static async load(dir: string, opts: FeatureExtractorOptions = {}): Promise<ImageFeatureExtractor> {
    const folder = await readImageModelFolder(dir, opts.variant ?? "fp32");
    const recipe = opts.recipe ?? "dgm-eval";
    const threads = opts.threads ?? Math.max(1, os.availableParallelism());
    const [identity, session] = await Promise.all([
      featureExtractorIdentity(folder, recipe),
      openSession(folder.files.model, sessionOptions(threads)),
    ]);
    const outputs = session.outputNames;
    const output = folder.featureOutput ?? (outputs.includes("pooler_output") ? "pooler_output" : outputs[0]!);
    if (!outputs.includes(output)) {
      await session.release();
      throw new Error(`${folder.files.model} has no output "${output}" (it has ${outputs.join(", ")})`);
    }
    if (session.inputNames.length !== 1) {
      await session.release();
      throw new Error(
        `${folder.files.model} takes ${session.inputNames.length} inputs (${session.inputNames.join(", ")}); an image feature extractor takes one, pixel_values [batch, 3, H, W]`,
      );
    }
    const meta = session.inputMetadata[0];
    const fp16Input = meta !== undefined && meta.isTensor && meta.type === "float16";
    const batchSize = opts.batchSize ?? 16;
    return new ImageFeatureExtractor(
      folder,
      identity,
      recipe,
      recipePipeline(recipe, folder.image),
      session,
      output,
      fp16Input,
      batchSize,
      opts.maxImagePixels ?? config().maxImagePixels,
    );
  }

  /** Features of encoded image files, not normalised; unreadable files get their own error entry. */
  embedImages(images: ImageSource[], onProgress?: ProgressFn): Promise<ImageEmbedding[]> {
    return embedImageBatches(images, {
      batchSize: this.batchSize,
      spec: this.image,
      maxImagePixels: this.maxImagePixels,
      onProgress,
      run: async (pixels, dims) => {
        const input = this.fp16Input
          ? new ort.Tensor("float16", toHalf(pixels), dims)
          : new ort.Tensor("float32", pixels, dims);
        const result = await this.session.run({ [this.session.inputNames[0]!]: input }, [this.output]);
        const t = result[this.output]!;
        const data = t.type === "float16" ? fromHalf(t.data as Uint16Array) : (t.data as Float32Array);
        const rows = dims[0]!;
        const out: Float32Array[] = [];
        if (t.dims.length === 3) {
          const tokens = Number(t.dims[1]);
          const d = Number(t.dims[2]);
          const k = this.folder.featureToken;
          if (k >= tokens) throw new Error(`feature token ${k} is past the output's ${tokens} tokens`);
          for (let r = 0; r < rows; r++) out.push(data.slice((r * tokens + k) * d, (r * tokens + k + 1) * d));
        } else {
          const d = data.length / rows;
          for (let r = 0; r < rows; r++) out.push(data.slice(r * d, (r + 1) * d));
        }
        for (const v of Object.values(result)) v.dispose();
        return out;
      },
    });
  }

  /** Never: an image-only model has no text tower. */
  embedTexts(): never {
    throw new ImageOnlyModelError(`${this.identity.id} cannot embed prompts`);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

const cache = new Map<string, Promise<ImageFeatureExtractor>>();

/** One extractor (one session) per folder, variant and recipe in this process. */
export function getFeatureExtractor(dir: string, opts: FeatureExtractorOptions = {}): Promise<ImageFeatureExtractor> {
  const key = JSON.stringify([dir, opts.variant ?? "fp32", opts.recipe ?? "dgm-eval", opts.batchSize ?? 16]);
  let p = cache.get(key);
  if (!p) {
    p = ImageFeatureExtractor.load(dir, opts);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
