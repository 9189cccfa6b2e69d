import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { captionScene, captionsForScene, nounPhrase } from "./captions";
import { renderScenePixels, renderScenePng, TOY_IMAGE_SIZE } from "./render";
import { makeRng, sampleScene, TOY_COLOURS, TOY_REGIONS, TOY_SHAPES, HELD_OUT_SEED_BASE } from "./scene";
import { writeToyDataset, type DatasetRecord } from "../../tools/toy/write-dataset";

const pixelAt = (px: Buffer, width: number, x: number, y: number) => [
  ...px.subarray((y * width + x) * 3, (y * width + x) * 3 + 3),
];

describe("toy-world scenes", () => {
  it("are a function of the seed, down to the PNG bytes", async () => {
    expect(sampleScene(42)).toEqual(sampleScene(42));
    expect(sampleScene(42)).not.toEqual(sampleScene(43));
    expect((await renderScenePng(sampleScene(42))).equals(await renderScenePng(sampleScene(42)))).toBe(true);
  });

  it("respect pinned attributes and keep the grammar's ranges", () => {
    for (let seed = 0; seed < 300; seed++) {
      const s = sampleScene(seed, { colour: "teal", shape: "ring" });
      expect(s.objects[0]).toMatchObject({ colour: "teal", shape: "ring" });
      expect(s.objects.length).toBeGreaterThanOrEqual(1);
      expect(s.objects.length).toBeLessThanOrEqual(3);
      for (const o of s.objects) {
        expect(o.x - o.r).toBeGreaterThan(0);
        expect(o.x + o.r).toBeLessThan(1);
        expect(o.y - o.r).toBeGreaterThan(0);
        expect(o.y + o.r).toBeLessThan(1);
        // Colour jitter stays near the named colour.
        o.rgb.forEach((c, i) => expect(Math.abs(c - TOY_COLOURS[o.colour][i]!)).toBeLessThanOrEqual(14));
      }
      if (s.kind === "group") {
        s.objects.forEach((a, i) =>
          s.objects.slice(i + 1).forEach((b) => expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(a.r + b.r)),
        );
      }
    }
    const counted = sampleScene(7, { count: 3, kind: "group" });
    expect(counted.objects).toHaveLength(3);
    const placed = sampleScene(7, { kind: "single", region: "left" });
    expect(Math.abs(placed.objects[0]!.x - TOY_REGIONS.left[0])).toBeLessThanOrEqual(0.06);
  });

  it("render each object in its colour at its centre, over the background", () => {
    const scene = sampleScene(5, { kind: "single", shape: "square", colour: "red", size: "large" });
    const px = renderScenePixels(scene);
    const o = scene.objects[0]!;
    expect(pixelAt(px, TOY_IMAGE_SIZE, Math.floor(o.x * TOY_IMAGE_SIZE), Math.floor(o.y * TOY_IMAGE_SIZE))).toEqual([
      ...o.rgb,
    ]);
    expect(pixelAt(px, TOY_IMAGE_SIZE, 0, 0)).toEqual([...scene.backgroundRgb]);
    // A ring's centre is background.
    const ring = sampleScene(5, { kind: "single", shape: "ring", size: "large" });
    const r = ring.objects[0]!;
    expect(
      pixelAt(
        renderScenePixels(ring),
        TOY_IMAGE_SIZE,
        Math.floor(r.x * TOY_IMAGE_SIZE),
        Math.floor(r.y * TOY_IMAGE_SIZE),
      ),
    ).toEqual([...ring.backgroundRgb]);
  });

  it("render a non-square canvas as the same scene in the centre square, background around it", () => {
    const scene = sampleScene(11);
    const square = renderScenePixels(scene);
    const W = TOY_IMAGE_SIZE * 3;
    const wide = renderScenePixels(scene, { width: W, height: TOY_IMAGE_SIZE });
    for (let y = 0; y < TOY_IMAGE_SIZE; y++) {
      expect(
        wide
          .subarray((y * W + TOY_IMAGE_SIZE) * 3, (y * W + 2 * TOY_IMAGE_SIZE) * 3)
          .equals(square.subarray(y * TOY_IMAGE_SIZE * 3, (y + 1) * TOY_IMAGE_SIZE * 3)),
      ).toBe(true);
    }
    expect(pixelAt(wide, W, 2, 2)).toEqual([...scene.backgroundRgb]);
  });
});

describe("toy-world captions", () => {
  it("agree in number and article", () => {
    expect(nounPhrase({ count: 1, colour: "orange", shape: "circle" })).toBe("an orange circle");
    expect(nounPhrase({ count: 1, colour: "red", shape: "circle" }, undefined, { countWord: "one" })).toBe(
      "one red circle",
    );
    expect(nounPhrase({ count: 3, colour: "red", shape: "square" })).toBe("three red squares");
    expect(nounPhrase({ count: 2, colour: "blue" })).toBe("two blue shapes");
  });

  it("are true of their scene at every level, with synonyms and several word orders", () => {
    const shapeWords: Record<string, string[]> = {
      circle: ["circle", "disc"],
      square: ["square", "box"],
      triangle: ["triangle"],
      star: ["star"],
      ring: ["ring", "donut"],
    };
    const texts = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const scene = sampleScene(seed, { kind: "single" });
      const o = scene.objects[0]!;
      const full = captionScene(scene, "full", makeRng(seed));
      texts.add(full.text);
      expect(full.text).toContain(scene.background);
      expect(shapeWords[o.shape]!.some((w) => full.text.includes(w))).toBe(true);
      expect(full.text).toMatch(
        o.colour === "grey" ? /gr[ae]y/ : o.colour === "purple" ? /purple|violet/ : new RegExp(o.colour),
      );
      for (const c of captionsForScene(scene, makeRng(seed), 6)) {
        for (const other of TOY_SHAPES.filter((s) => s !== o.shape))
          expect(shapeWords[other]!.some((w) => new RegExp(`\\b${w}`).test(c.text))).toBe(false);
      }
    }
    const all = [...texts].join("\n");
    expect(all).toMatch(/\bdisc\b/);
    expect(all).toMatch(/^(on|to|at|near|in) the [a-z]+, /m);
    expect(all).toMatch(/background with/);
  });
});

describe("writeToyDataset", () => {
  it("writes PNGs and JSONL records whose captions are tokenized with CLIP's tokenizer", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "toy-ds-"));
    try {
      await writeToyDataset({
        outDir,
        count: 6,
        seed: 100,
        captionsPerScene: 3,
        valFraction: 0.5,
        tokenizerDir: "fixtures/clip-tiny",
      });
      const records = fs
        .readFileSync(path.join(outDir, "scenes.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as DatasetRecord);
      expect(records.map((r) => r.split)).toEqual(["train", "train", "train", "val", "val", "val"]);
      expect(records[0]!.scene).toEqual(sampleScene(100));
      for (const r of records) {
        const meta = await sharp(path.join(outDir, r.file)).metadata();
        expect([meta.width, meta.height]).toEqual([TOY_IMAGE_SIZE, TOY_IMAGE_SIZE]);
        expect(r.captions).toHaveLength(3);
        for (const c of r.captions) {
          expect(c.ids[0]).toBe(49406);
          expect(c.ids.at(-1)).toBe(49407);
        }
      }
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("refuses seeds in the range held out for tests", async () => {
    await expect(
      writeToyDataset({
        outDir: os.tmpdir(),
        count: 10,
        seed: HELD_OUT_SEED_BASE - 5,
        captionsPerScene: 1,
        valFraction: 0,
        tokenizerDir: "fixtures/clip-tiny",
      }),
    ).rejects.toThrow(/held out/);
  });
});
