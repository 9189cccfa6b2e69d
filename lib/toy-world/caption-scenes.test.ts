import { describe, expect, it } from "vitest";
import { captionScene, type CaptionLevel } from "./captions";
import { parseCaption, sceneAllowed, scenesForCaption } from "./caption-scenes";
import { makeRng, sampleScene } from "./scene";

describe("toy captions → scenes", () => {
  it("parses the grammar's captions into what they say", () => {
    expect(parseCaption("two small red circles")).toEqual({
      kind: "group",
      count: 2,
      objects: [{ size: "small", colour: "red", shape: "circle" }],
    });
    expect(parseCaption("on the left, a big gray box against a black background")).toEqual({
      kind: "single",
      count: 1,
      objects: [{ size: "large", colour: "grey", shape: "square", region: "left" }],
      background: "black",
    });
    expect(parseCaption("a red disc at the top and a violet star on the right")).toMatchObject({
      kind: "mixed",
      count: 2,
      objects: [
        { colour: "red", shape: "circle", region: "top" },
        { colour: "purple", shape: "star", region: "right" },
      ],
    });
    expect(() => parseCaption("a red dragon")).toThrow(/unknown word "dragon"/);
  });

  it("every caption the grammar writes for a scene (of kinds it reads literally) allows that scene", () => {
    const levels: CaptionLevel[] = ["full", "partial", "minimal"];
    let checked = 0;
    for (let seed = 0; seed < 400; seed++) {
      const scene = sampleScene(seed);
      const rng = makeRng(seed + 7);
      for (const level of levels) {
        const c = captionScene(scene, level, rng);
        const spec = parseCaption(c.text);
        // A one-object caption of a mixed scene is read as a one-object scene (caption-scenes.ts).
        if (scene.kind === "mixed" && spec.objects.length === 1) continue;
        expect(sceneAllowed(scene, spec), `${c.text} (${scene.kind})`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(900);
  });

  it("draws distinct, reproducible scenes that the caption describes, varying what it leaves open", () => {
    const a = scenesForCaption("a red shape", 30, 5);
    expect(scenesForCaption("a red shape", 30, 5)).toEqual(a);
    expect(a.every((s) => s.kind === "single" && s.objects[0]!.colour === "red")).toBe(true);
    expect(new Set(a.map((s) => s.objects[0]!.shape)).size).toBeGreaterThan(3);
    expect(new Set(a.map((s) => s.objects[0]!.region)).size).toBeGreaterThan(3);
    const m = scenesForCaption("a blue star and a green ring", 5, 1);
    expect(m.every((s) => s.objects[1]!.colour === "green" && s.objects[1]!.shape === "ring")).toBe(true);
  });
});
