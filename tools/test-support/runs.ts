// Shared by the tests of the data model, jobs and workers: a fresh data dir per test, staged
// images drawn procedurally, and run inputs built from them.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { closeDb, getDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { resetConfigForTests } from "../../lib/core/config";
import { COLORS, SHAPES, drawShapePng, type ColorName } from "../fixtures/draw-shape";
import type { CreateRunInput, RunItem } from "../../lib/runs/create-run";

export const FIXTURE_MODEL = path.resolve("fixtures/clip-tiny");

/** Points the config at a new empty data dir (fixture model, short leases) and migrates it. */
export function useTempDataDir(env: Record<string, string> = {}): string {
  closeDb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-test-"));
  Object.assign(process.env, { T2I_DATA_DIR: dir, T2I_MODEL_DIR: FIXTURE_MODEL, ...env });
  delete process.env.T2I_DB_PATH;
  resetConfigForTests();
  migrate();
  return dir;
}

export function removeDataDir(dir: string): void {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
}

export type StagedImage = Omit<RunItem, "fileName" | "prompt" | "promptId" | "seed"> & { png: Buffer };

/** Draws one PNG and writes it into <dataDir>/staging/<folder>. */
export async function stageImage(
  dataDir: string,
  folder: string,
  name: string,
  spec: { shape?: number; color?: number; seed: number; size?: number },
): Promise<StagedImage> {
  const colors = Object.keys(COLORS) as ColorName[];
  const size = spec.size ?? 32;
  const png = await drawShapePng({
    shape: SHAPES[(spec.shape ?? 0) % SHAPES.length]!,
    color: colors[(spec.color ?? 0) % colors.length]!,
    seed: spec.seed,
    size,
  });
  const dir = path.join(dataDir, "staging", folder);
  fs.mkdirSync(dir, { recursive: true });
  const stagedPath = path.join(dir, name);
  fs.writeFileSync(stagedPath, png);
  return {
    png,
    stagedPath,
    sha256: createHash("sha256").update(png).digest("hex"),
    bytes: png.length,
    width: size,
    height: size,
    format: "png",
  };
}

export const PROMPTS = [
  "a red square",
  "a green circle on white",
  "a blue triangle",
  "a yellow star",
  "a purple square",
  "an orange circle",
  "a black star",
  "a white triangle",
];

/**
 * A run of `prompts × perPrompt` images, items interleaved by prompt. `seedBase` changes the
 * pixels (and so the fingerprint); the same arguments give byte-identical images.
 */
export async function makeRunInput(
  dataDir: string,
  opts: { prompts?: string[]; perPrompt?: number; seedBase?: number; folder?: string; variant?: string } = {},
): Promise<Omit<CreateRunInput, "items"> & { items: (RunItem & { png: Buffer })[] }> {
  const prompts = opts.prompts ?? PROMPTS.slice(0, 3);
  const perPrompt = opts.perPrompt ?? 3;
  const seedBase = opts.seedBase ?? 0;
  const folder = opts.folder ?? `up-${Math.random().toString(36).slice(2, 8)}`;
  const items: (RunItem & { png: Buffer })[] = [];
  for (let k = 0; k < perPrompt; k++) {
    for (let p = 0; p < prompts.length; p++) {
      const name = `p${p}-s${k}.png`;
      const img = await stageImage(dataDir, folder, name, {
        shape: p,
        color: p,
        seed: seedBase * 1000 + p * 100 + k + 1,
      });
      items.push({ ...img, fileName: name, prompt: prompts[p]!, seed: k });
    }
  }
  return {
    variant: opts.variant ?? "unclip-base",
    createVariantIfMissing: { conditioningType: "clip_image_embedding" },
    guidanceScale: 7.5,
    sampler: "ddim",
    steps: 50,
    source: "uploaded",
    items,
  };
}

/** Every file under <dataDir>/images, relative. */
export function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, "images");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();
}

/** Rows in a table. */
export function countRows(table: SQLiteTable): number {
  return getDb()
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .get()!.n;
}
