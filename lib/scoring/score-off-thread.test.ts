// Scoring /metrics batches in a worker thread: same report as scoring in-process, and the
// caller's event loop stays free while a heavy batch decodes and resizes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvaluator } from "../clip/evaluator";
import { photoLikePixels } from "../../tools/fixtures/test-images";
import { resetConfigForTests } from "../core/config";
import { scoreBatch } from "./score-batch";
import { scoreOffThread, stopScoringThread } from "./score-off-thread";

const MODEL = path.resolve("fixtures/clip-tiny");
let dir: string;

async function photo(file: string, size: number, seed: number): Promise<string> {
  const p = path.join(dir, file);
  await sharp(photoLikePixels(size, size, seed), { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(p);
  return p;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-thread-"));
  process.env.T2I_MODEL_DIR = MODEL;
  process.env.T2I_DATA_DIR = dir;
  resetConfigForTests();
});
afterAll(async () => {
  await stopScoringThread();
  delete process.env.T2I_MODEL_DIR;
  delete process.env.T2I_DATA_DIR;
  resetConfigForTests();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("scoreOffThread", () => {
  it("gives the report scoreBatch gives in-process, and per-item errors", async () => {
    const items = [
      { file: "a.png", prompt: "a red square", path: await photo("a.png", 64, 1) },
      { file: "b.png", prompt: "a red square", path: await photo("b.png", 80, 2) },
      { file: "c.png", prompt: "a blue circle", path: await photo("c.png", 50, 3) },
      { file: "bad.png", prompt: "a blue circle", path: path.join(dir, "bad.png") },
    ];
    fs.writeFileSync(items[3]!.path, "not an image");
    const off = await scoreOffThread(items, { seed: 3 });
    const ev = await ClipEvaluator.load(MODEL, { threads: 1 });
    const here = await scoreBatch(
      ev,
      items.map((i) => ({ file: i.file, prompt: i.prompt, image: () => fs.promises.readFile(i.path) })),
      { bootstrapSeed: 3 },
    );
    await ev.release();
    expect(off.items.map((i) => i.error?.code)).toEqual([undefined, undefined, undefined, "image_unreadable"]);
    expect(off).toEqual(here);
  }, 60_000);

  it("keeps the caller's event loop free while a heavy batch is scored", async () => {
    const items = await Promise.all(
      [0, 1, 2, 3].map(async (k) => ({
        file: `big${k}.png`,
        prompt: "a photo",
        path: await photo(`big${k}.png`, 1600, 10 + k),
      })),
    );
    await scoreOffThread(items.slice(0, 1)); // the thread and its model are loaded
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    await scoreOffThread(items);
    const took = performance.now() - t0;
    clearInterval(timer);
    console.log(`heavy batch: ${took.toFixed(0)} ms; longest event-loop gap meanwhile: ${worst.toFixed(0)} ms`);
    // In-process, each 1600² resize alone blocks the loop for ~0.3 s.
    expect(took).toBeGreaterThan(4 * worst);
    expect(worst).toBeLessThan(150);
  }, 120_000);
});
