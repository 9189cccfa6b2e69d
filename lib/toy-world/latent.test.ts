import { describe, expect, it } from "vitest";
import { decodeSceneLatent, encodeSceneLatent, LATENT_DIM } from "./latent";
import { renderScenePixels } from "./render";
import { sampleScene } from "./scene";

describe("toy scene latent", () => {
  it("decodes an encoded scene to the same picture, for every scene kind", () => {
    for (let seed = 0; seed < 60; seed++) {
      const scene = sampleScene(seed);
      const z = encodeSceneLatent(scene);
      expect(z).toHaveLength(LATENT_DIM);
      const back = decodeSceneLatent(z);
      expect(back.objects.map((o) => [o.shape, o.colour, o.rgb])).toEqual(
        scene.objects.map((o) => [o.shape, o.colour, o.rgb]),
      );
      expect(back.backgroundRgb).toEqual(scene.backgroundRgb);
      const a = renderScenePixels(scene);
      const b = renderScenePixels(back);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 1) differing++;
      expect(differing).toBeLessThan(a.length * 0.002);
    }
  });

  it("treats slots with presence ≤ 0 as empty and picks the largest shape logit", () => {
    const z = new Float32Array(LATENT_DIM).fill(-1);
    expect(decodeSceneLatent(z).objects).toHaveLength(0);
    z[3] = 0.4; // slot 0 present
    z[3 + 8 + 3] = 0.2; // star logit highest
    const scene = decodeSceneLatent(z);
    expect(scene.objects).toHaveLength(1);
    expect(scene.objects[0]!.shape).toBe("star");
    expect(scene.objects[0]!.r).toBeGreaterThanOrEqual(0.03);
  });

  it("refuses a latent of the wrong length", () => {
    expect(() => decodeSceneLatent(new Float32Array(5))).toThrow(/42 numbers/);
  });
});
