// Writes a toy-world training set: PNGs, and one JSON line per scene with its parameters and
// captions, each pre-tokenized with the product's own CLIP tokenizer so that training sees
// exactly the token ids the evaluator will produce.
import fs from "node:fs";
import path from "node:path";
import { ClipTokenizer } from "../../lib/clip/tokenizer";
import { captionsForScene, type CaptionLevel } from "../../lib/toy-world/captions";
import { renderScenePng, TOY_IMAGE_SIZE } from "../../lib/toy-world/render";
import { HELD_OUT_SEED_BASE, makeRng, sampleScene, type ToyScene } from "../../lib/toy-world/scene";

export type DatasetRecord = {
  id: number;
  seed: number;
  file: string;
  split: "train" | "val";
  scene: ToyScene;
  captions: Array<{ text: string; level: CaptionLevel; ids: number[] }>;
};

export type WriteDatasetOptions = {
  outDir: string;
  /** Scenes to write; scene i uses seed `seed + i`. */
  count: number;
  seed: number;
  captionsPerScene: number;
  /** Share of scenes (the last ones) marked "val". */
  valFraction: number;
  tokenizerDir: string;
  onProgress?: (done: number, total: number) => void;
};

/** Writes `<outDir>/images/NNNNNN.png` and `<outDir>/scenes.jsonl`; returns the record count. */
export async function writeToyDataset(opts: WriteDatasetOptions): Promise<number> {
  if (opts.seed + opts.count > HELD_OUT_SEED_BASE)
    throw new Error(`dataset seeds must stay below ${HELD_OUT_SEED_BASE} (held out for tests)`);
  const tokenizer = await ClipTokenizer.fromFiles(
    path.join(opts.tokenizerDir, "tokenizer.json"),
    path.join(opts.tokenizerDir, "tokenizer_config.json"),
    77,
  );
  fs.mkdirSync(path.join(opts.outDir, "images"), { recursive: true });
  const tmp = path.join(opts.outDir, "scenes.jsonl.partial");
  const out = fs.createWriteStream(tmp);
  const valStart = Math.round(opts.count * (1 - opts.valFraction));
  for (let i = 0; i < opts.count; i++) {
    const seed = opts.seed + i;
    const scene = sampleScene(seed);
    const file = `images/${String(i).padStart(6, "0")}.png`;
    fs.writeFileSync(path.join(opts.outDir, file), await renderScenePng(scene));
    const captions = captionsForScene(scene, makeRng(seed ^ 0x5eed), opts.captionsPerScene).map((c) => ({
      ...c,
      ids: tokenizer.encode(c.text).ids,
    }));
    const record: DatasetRecord = { id: i, seed, file, split: i < valStart ? "train" : "val", scene, captions };
    if (!out.write(JSON.stringify(record) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
    if ((i + 1) % 500 === 0 || i + 1 === opts.count) opts.onProgress?.(i + 1, opts.count);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  fs.renameSync(tmp, path.join(opts.outDir, "scenes.jsonl"));
  fs.writeFileSync(
    path.join(opts.outDir, "dataset.json"),
    JSON.stringify(
      {
        count: opts.count,
        seed: opts.seed,
        captionsPerScene: opts.captionsPerScene,
        valFraction: opts.valFraction,
        imageSize: TOY_IMAGE_SIZE,
      },
      null,
      2,
    ) + "\n",
  );
  return opts.count;
}
