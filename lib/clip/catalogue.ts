// The evaluators the field uses, as `npm run fetch-model -- --model NAME` installs them: each at a
// pinned commit of its Hugging Face ONNX export, with the SHA256 of every large file where a source
// publishes one (cited beside it). Where none was found the hash is null, and fetch-model refuses
// the file unless --allow-unverified is given (its computed hash then goes into install.json as
// "computed"): a missing pin fails safe, never silently. Small config and tokenizer files live in
// git, not LFS: the hub publishes no SHA256 for them, so theirs is computed at download, as before.
//
// The conventions say which published numbers use each model (docs/concepts/evaluator-parity.md
// says how far each reproduces them).
import type { FeatureRecipe } from "./feature-recipes";
import type { ModelKind } from "./model-folder";
import {
  clipLayoutFiles,
  DEFAULT_MODEL,
  defaultModelName,
  modelVariants,
  SMALL_FILES,
  type ModelVariant,
  type PinnedFile,
} from "./pinned-models";

export const CATALOGUE_NAMES = [
  "vit-b-32",
  "vit-b-16",
  "vit-l-14",
  "vit-l-14-336",
  "dinov2-b-14",
  "dinov2-l-14",
] as const;
export type CatalogueName = (typeof CATALOGUE_NAMES)[number];

export type CatalogueEntry = {
  name: CatalogueName;
  kind: ModelKind;
  /** Architecture as papers write it, e.g. "ViT-L/14@336". */
  label: string;
  /** Which published numbers use this model. */
  convention: string;
  repo: string;
  /** The pinned commit, or null where no commit with this layout was found (--revision then required). */
  revision: string | null;
  /** Where the revision (and the file list) was read. */
  revisionSource: string;
  /** The variants this revision holds, with their files. A variant absent here does not exist there. */
  files: Partial<Record<ModelVariant, readonly PinnedFile[]>>;
  /** Image feature extractors: the recipe used unless another is asked for. */
  recipe?: FeatureRecipe;
  /** Anything a user should know before installing. */
  note?: string;
};

const lfs = (path: string, sha256: string | null, size: number | null, source?: string): PinnedFile => ({
  path,
  sha256,
  size,
  lfs: true,
  ...(source ? { source } : {}),
});

/** Image-only layout (Xenova/dinov2-*): config.json, preprocessor_config.json, onnx/model[_variant].onnx. */
export function imageLayoutFiles(variant: ModelVariant, model: PinnedFile = imageGraph(variant)): PinnedFile[] {
  return [
    { path: "config.json", sha256: null, size: null, lfs: false },
    { path: "preprocessor_config.json", sha256: null, size: null, lfs: false },
    model,
  ];
}

export function imageGraph(variant: ModelVariant, sha256: string | null = null, source?: string): PinnedFile {
  return lfs(`onnx/model${variant === "fp32" ? "" : `_${variant}`}.onnx`, sha256, null, source);
}

const clipSmall = (): PinnedFile[] => SMALL_FILES.map((p) => ({ path: p, sha256: null, size: null, lfs: false }));

// --- ViT-L/14@336 -----------------------------------------------------------------------------
// Xenova's repository page was not reachable; a duplicate of it that keeps Xenova's commits
// (huggingface.co/sheldonrobinson/clip-vit-large-patch14-336) publishes the tree at 1cf3768 (text
// fp16 added; no vision fp16 file, hence no fp16 variant) and the LFS oids of the vision tower,
// last changed in 0346026. LFS oids are content hashes: the same bytes from Xenova's repository
// verify, other bytes fail safe.
const L14_336 = "https://huggingface.co/sheldonrobinson/clip-vit-large-patch14-336";
const L14_336_REV = "1cf37682b34a69cec05aac3dfde1ce3da7baef08";

// --- ViT-L/14 ---------------------------------------------------------------------------------
// Revision c307790 as inspected (file list and fp16 byte sizes) by a third-party project's docs
// that pin it; the hub's file pages for its LFS oids were not found.
const L14_REV = "c307790166907339eed5a9a53a249af534102536";
const L14_SRC = "third-party inspection of Xenova/clip-vit-large-patch14 at c307790 (fp16 sizes; no hash published)";

// --- DINOv2 -----------------------------------------------------------------------------------
const DINO_B_REV = "31039eeb603df058f44c4e1cd25f6add34f48169";
const DINO_L_REV = "ea6fe542912c2af69cbe7cef2ba6a5257b09db00";

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    name: "vit-b-32",
    kind: "clip",
    label: "ViT-B/32",
    convention: "CLIP-S (Hessel et al. 2021), T2I-CompBench; clean-fid's clip_vit_b_32 FD",
    repo: DEFAULT_MODEL.repo,
    revision: DEFAULT_MODEL.revision,
    revisionSource: "lib/clip/pinned-models.ts (hub file pages and third-party pins, cited per file)",
    files: DEFAULT_MODEL.files,
  },
  {
    name: "vit-b-16",
    kind: "clip",
    label: "ViT-B/16",
    convention: "OpenAI CLIP ViT-B/16; no benchmark's default",
    repo: "Xenova/clip-vit-base-patch16",
    revision: null,
    revisionSource:
      "https://huggingface.co/Xenova/clip-vit-base-patch16/tree/b01c87eccb2e8b873032357982abe0cd80b778cf/onnx holds only the combined onnx/model.onnx; no commit with split vision/text towers could be read",
    files: Object.fromEntries(modelVariants.map((v) => [v, clipLayoutFiles(v)])),
    note: "no pinned revision: pass --revision <commit> --allow-unverified",
  },
  {
    name: "vit-l-14",
    kind: "clip",
    label: "ViT-L/14",
    convention: "torchmetrics CLIPScore default, HEIM",
    repo: "Xenova/clip-vit-large-patch14",
    revision: L14_REV,
    revisionSource: L14_SRC,
    files: {
      fp32: [...clipSmall(), lfs("onnx/vision_model.onnx", null, null), lfs("onnx/text_model.onnx", null, null)],
      quantized: [
        ...clipSmall(),
        lfs("onnx/vision_model_quantized.onnx", null, null),
        lfs("onnx/text_model_quantized.onnx", null, null),
      ],
      fp16: [
        ...clipSmall(),
        lfs("onnx/vision_model_fp16.onnx", null, 608_690_866, L14_SRC),
        lfs("onnx/text_model_fp16.onnx", null, 247_784_246, L14_SRC),
      ],
    },
    note: "no published SHA256 found: needs --allow-unverified",
  },
  {
    name: "vit-l-14-336",
    kind: "clip",
    label: "ViT-L/14@336",
    convention: "CMMD (Jayasumana et al. 2024, google-research/cmmd; it resizes bicubic to 336×336 without a crop)",
    repo: "Xenova/clip-vit-large-patch14-336",
    revision: L14_336_REV,
    revisionSource: `${L14_336}/tree/${L14_336_REV}/onnx (a duplicate keeping Xenova's commits)`,
    files: {
      fp32: [
        ...clipSmall(),
        lfs(
          "onnx/vision_model.onnx",
          "6c4567c7cea5e0720f18fb342287cff73ebbd35ecead845bac14b6cefed05c45",
          null,
          `${L14_336}/blob/034602672837a020d68a66f760ea1e27412e37be/onnx/vision_model.onnx`,
        ),
        lfs("onnx/text_model.onnx", null, null),
      ],
      quantized: [
        ...clipSmall(),
        lfs(
          "onnx/vision_model_quantized.onnx",
          "ee6c57374a9450be119b3c9f8768ff52ea27bfa521482b0eedeaa90b59a2ba9b",
          null,
          `${L14_336}/blob/main/onnx/vision_model_quantized.onnx (last changed in 0346026)`,
        ),
        lfs("onnx/text_model_quantized.onnx", null, null),
      ],
    },
    note: "text tower hashes not published: needs --allow-unverified; no fp16 vision file at this revision",
  },
  {
    name: "dinov2-b-14",
    kind: "image-features",
    label: "DINOv2 ViT-B/14",
    convention: "FD_DINOv2 with the smaller backbone (dgm-eval --model dinov2 --arch vitb14)",
    repo: "Xenova/dinov2-base",
    revision: DINO_B_REV,
    revisionSource: `https://huggingface.co/Xenova/dinov2-base/tree/${DINO_B_REV}/onnx`,
    files: {
      fp32: imageLayoutFiles(
        "fp32",
        imageGraph(
          "fp32",
          "2c7a813d6e0d25784d0c29227760b08cb72f2bee9d928da935a31480a649bbce",
          `https://huggingface.co/Xenova/dinov2-base/blob/${DINO_B_REV}/onnx/model.onnx`,
        ),
      ),
      quantized: imageLayoutFiles("quantized"),
    },
    recipe: "dgm-eval",
    note: "quantized: no published SHA256 found (needs --allow-unverified)",
  },
  {
    name: "dinov2-l-14",
    kind: "image-features",
    label: "DINOv2 ViT-L/14",
    convention: "FD_DINOv2 of Stein et al. 2023 and dgm-eval's default encoder",
    repo: "Xenova/dinov2-large",
    revision: DINO_L_REV,
    revisionSource: `https://huggingface.co/Xenova/dinov2-large/tree/${DINO_L_REV}/onnx`,
    files: {
      fp32: imageLayoutFiles("fp32"),
      fp16: imageLayoutFiles("fp16"),
      quantized: imageLayoutFiles("quantized"),
    },
    recipe: "dgm-eval",
    note: "no published SHA256 found: needs --allow-unverified",
  },
];

export function catalogueEntry(name: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.name === name);
}

/** The entry installed from `repo` (the install's name, or an evaluator's name), if any. */
export function catalogueEntryForRepo(repo: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.repo === repo);
}

/** "ViT-L/14 — torchmetrics CLIPScore default, HEIM" for a catalogue model; undefined otherwise. */
export function conventionLabel(evaluatorName: string): string | undefined {
  const e = catalogueEntryForRepo(evaluatorName);
  return e ? `${e.label} — ${e.convention}` : undefined;
}

/** Install folder of an entry: the repository's last segment (clip-vit-large-patch14, dinov2-large). */
export function catalogueFolderName(e: CatalogueEntry): string {
  return defaultModelName(e.repo);
}

/** Whether every large file of the variant has a published hash. */
export function fullyPinned(e: CatalogueEntry, variant: ModelVariant): boolean {
  const files = e.files[variant];
  return e.revision !== null && files !== undefined && files.every((f) => !f.lfs || f.sha256 !== null);
}
