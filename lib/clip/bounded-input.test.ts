// Work bounded from the header: an extreme aspect ratio is refused before any decode or resize.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { specFor } from "../../scripts/bench/resize-deviation";
import { ImageInputError, inspectImage, preprocessImage } from "./preprocess";

const strip = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#808080" } })
    .png()
    .toBuffer();

async function refusal(p: Promise<unknown>): Promise<ImageInputError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ImageInputError)) throw new Error(`expected an ImageInputError, got ${String(e)}`);
  return e;
}

describe("images whose resize would explode", () => {
  const spec = specFor(224, 224);

  it.each([
    [1, 19000],
    [100000, 1],
  ])("a %i×%i image is refused by name and setting, not decoded (and not called unreadable)", async (w, h) => {
    const png = await strip(w, h);
    expect(png.length).toBeLessThan(2000); // a tiny file: only the header bound can stop it
    const t0 = performance.now();
    const e = await refusal(preprocessImage(png, spec, 40_000_000));
    expect(e.code).toBe("image_aspect_ratio");
    expect(e.message).toContain(`${w}×${h}`);
    expect(e.message).toContain("T2I_MAX_ASPECT_RATIO");
    // Refused from the header: far below what the 224×4,256,000 resize took (90 s).
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("the bound is the setting: 20:1 passes the default, 21:1 does not, and it can be raised", async () => {
    await expect(inspectImage(await strip(20, 400), 1e9)).resolves.toMatchObject({ width: 20, height: 400 });
    expect((await refusal(inspectImage(await strip(20, 420), 1e9))).code).toBe("image_aspect_ratio");
    await expect(inspectImage(await strip(20, 420), 1e9, 25)).resolves.toMatchObject({ height: 420 });
  });

  it("the pixel limit names its setting too", async () => {
    const e = await refusal(inspectImage(await strip(100, 100), 5000));
    expect(e).toMatchObject({ code: "image_too_large", message: expect.stringContaining("T2I_MAX_IMAGE_PIXELS") });
  });
});
