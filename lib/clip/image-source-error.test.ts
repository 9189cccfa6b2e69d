// A loader that cannot reach the image's source fails the whole call (the scoring job is
// retried); a loader that fails for any other reason is a per-image error, as before.
import { describe, expect, it } from "vitest";
import { ClipEvaluator } from "./evaluator";
import { ImageSourceUnavailableError } from "./image-source-error";
import { FIXTURE_MODEL_DIR } from "./resolve-model";
import { modeImages } from "../../tools/fixtures/test-images";

describe("image loaders", () => {
  it("fail the call when the source is unreachable, and only the image otherwise", async () => {
    const ev = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { threads: 1, batchSize: 2 });
    try {
      const [img] = (await modeImages()).map((m) => m.data);
      const ok = () => Promise.resolve(img!);
      const missing = () => Promise.reject(new Error("no such file"));
      const unreachable = () => Promise.reject(new ImageSourceUnavailableError("connect ECONNREFUSED"));
      const mixed = await ev.embedImages([ok, missing, ok]);
      expect(mixed.map((r) => r.error?.code ?? "ok")).toEqual(["ok", "image_unreadable", "ok"]);
      // In the first batch or a later one (prepared while the one before runs).
      await expect(ev.embedImages([unreachable, ok, ok])).rejects.toBeInstanceOf(ImageSourceUnavailableError);
      await expect(ev.embedImages([ok, ok, unreachable])).rejects.toBeInstanceOf(ImageSourceUnavailableError);
    } finally {
      await ev.release();
    }
  });
});
