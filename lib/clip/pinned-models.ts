// The evaluator model `npm run fetch-model` installs by default, pinned to one commit so
// that every machine scores with the same weights, plus the repository layout shared by
// the Xenova CLIP exports. Hashes are Git LFS oids, i.e. the SHA256 of the whole file.

export const modelVariants = ["fp32", "quantized", "fp16"] as const;
export type ModelVariant = (typeof modelVariants)[number];

export type PinnedFile = {
  /** Path inside the repository (Hugging Face layout, "/" separated). */
  path: string;
  /** Published SHA256 (the LFS oid), or null when none is known. */
  sha256: string | null;
  /** Published size in bytes, or null when unknown. */
  size: number | null;
  /**
   * LFS files carry a published hash; small files stored in git do not, so their SHA256 is
   * computed after download and recorded in install.json without needing --allow-unverified.
   */
  lfs: boolean;
  /** Where sha256 and size were read, for the next person who re-pins. */
  source?: string;
};

export type PinnedModel = {
  repo: string;
  revision: string;
  files: Record<ModelVariant, readonly PinnedFile[]>;
};

/** Small config and tokenizer files every variant needs. */
export const SMALL_FILES = [
  "config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
] as const;

/** The two ONNX graphs of a variant, e.g. onnx/vision_model_quantized.onnx. */
export function onnxFileNames(variant: ModelVariant): { vision: string; text: string } {
  const suffix = variant === "fp32" ? "" : `_${variant}`;
  return { vision: `onnx/vision_model${suffix}.onnx`, text: `onnx/text_model${suffix}.onnx` };
}

/** The file list of a repository in the Xenova CLIP layout, with no published hashes. */
export function clipLayoutFiles(variant: ModelVariant): PinnedFile[] {
  const onnx = onnxFileNames(variant);
  return [
    ...SMALL_FILES.map((p) => ({ path: p, sha256: null, size: null, lfs: false })),
    { path: onnx.vision, sha256: null, size: null, lfs: true },
    { path: onnx.text, sha256: null, size: null, lfs: true },
  ];
}

const REPO = "Xenova/clip-vit-base-patch32";
const REVISION = "4c1807b705b1d015fb032789cc4d221b23025a6f";
const HF = `https://huggingface.co/${REPO}`;

// At this revision onnx/ last changed in 0b95b21 (the fp16 upload); the fp32 and quantized
// graphs date from 6ef1ebc ("Upload 4 files") and are unchanged since, so file pages read
// at those commits publish the same oids (tree:
// https://huggingface.co/Xenova/clip-vit-base-patch32/tree/4c1807b705b1d015fb032789cc4d221b23025a6f/onnx).
// Hub pages round sizes ("352 MB"); exact byte counts come from projects that pin the same
// oid and size, listed where the hub page was not found.
function lfs(path: string, sha256: string, size: number, source: string): PinnedFile {
  return { path, sha256, size, lfs: true, source };
}

const VISION_FP32 = lfs(
  "onnx/vision_model.onnx",
  "fd6e1402a588279d1723c7534d4bcba5bc0b14b47dfab0e46f8c47b8270d7d40",
  351_685_709,
  `${HF}/blob/${REVISION}/onnx/vision_model.onnx`,
);
// Hub file page not found; oid and size as pinned by several independent projects
// (e.g. GitHub code pinning Xenova/clip-vit-base-patch32 at main and at d15189d7).
const TEXT_FP32 = lfs(
  "onnx/text_model.onnx",
  "3f6571f5bad13a97c469c1622e1cfc4d9aef78b79fdbfcff804ca357bfada8cc",
  254_058_553,
  "third-party pins of Xenova/clip-vit-base-patch32 onnx/text_model.onnx (hub page not found)",
);
// Hub file page not found; oid and size as pinned by several independent projects.
const VISION_QUANTIZED = lfs(
  "onnx/vision_model_quantized.onnx",
  "583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299",
  89_117_001,
  "third-party pins of Xenova/clip-vit-base-patch32 onnx/vision_model_quantized.onnx (hub page not found)",
);
const TEXT_QUANTIZED = lfs(
  "onnx/text_model_quantized.onnx",
  "73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a",
  64_504_507,
  `${HF}/blob/b8b103f67eef16b29539311ff78dde6c4a754370/onnx/text_model_quantized.onnx`,
);
const VISION_FP16 = lfs(
  "onnx/vision_model_fp16.onnx",
  "35c4e0fb0aeee527dcde1693520b214a34424a786babd530f35366bad5844efd",
  176_080_659,
  `${HF}/commit/0b95b21b04a877260b196dfc3ebdb79c3c8be8ca`,
);
const TEXT_FP16 = lfs(
  "onnx/text_model_fp16.onnx",
  "df587ffbf248bf20d44fa6e16adc5ebc27ead691860e5333dbdaab5fd6bf3f6e",
  127_339_794,
  `${HF}/blob/0b95b21b04a877260b196dfc3ebdb79c3c8be8ca/onnx/text_model_fp16.onnx`,
);

const small = (): PinnedFile[] => clipLayoutFiles("fp32").filter((f) => !f.lfs);

export const DEFAULT_MODEL: PinnedModel = {
  repo: REPO,
  revision: REVISION,
  files: {
    fp32: [...small(), VISION_FP32, TEXT_FP32],
    quantized: [...small(), VISION_QUANTIZED, TEXT_QUANTIZED],
    fp16: [...small(), VISION_FP16, TEXT_FP16],
  },
};

export const PINNED_MODELS: readonly PinnedModel[] = [DEFAULT_MODEL];

/** The install folder name for a repository: its last path segment. */
export function defaultModelName(repo: string): string {
  return repo.split("/").filter(Boolean).pop() ?? repo;
}

/**
 * Files to download for repo@revision. Outside the pinned list the layout is assumed and
 * no hash is known, so the caller has to ask for --allow-unverified.
 */
export function pinnedFilesFor(
  repo: string,
  revision: string,
  variant: ModelVariant,
  kind: "clip" | "image-features" = "clip",
): { files: readonly PinnedFile[]; pinned: boolean } {
  const model = PINNED_MODELS.find((m) => m.repo === repo && m.revision === revision);
  if (model) return { files: model.files[variant], pinned: true };
  if (kind === "image-features") {
    const suffix = variant === "fp32" ? "" : `_${variant}`;
    return {
      files: [
        { path: "config.json", sha256: null, size: null, lfs: false },
        { path: "preprocessor_config.json", sha256: null, size: null, lfs: false },
        { path: `onnx/model${suffix}.onnx`, sha256: null, size: null, lfs: true },
      ],
      pinned: false,
    };
  }
  return { files: clipLayoutFiles(variant), pinned: false };
}
