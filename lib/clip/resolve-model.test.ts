import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../core/config";
import { distributionLabel, featureSpaceName } from "./feature-space";
import { evaluatorWarning, FIXTURE_WARNING, TOY_EVALUATOR_NAME, TOY_WARNING } from "./identity";
import {
  DINOV2_FIXTURE_DIR,
  FIXTURE_MODEL_DIR,
  resolveFeatureExtractors,
  resolveModel,
  TOY_MODEL_DIR,
} from "./resolve-model";

afterEach(() => {
  delete process.env.T2I_MODEL_DIR;
  delete process.env.T2I_MODELS_DIR;
  delete process.env.T2I_FEATURE_EXTRACTORS;
  resetConfigForTests();
});

describe("resolveModel", () => {
  it("names the bundled models: --model toy and --model fixture", () => {
    expect(resolveModel("toy")).toMatchObject({ dir: TOY_MODEL_DIR, variant: "fp32" });
    expect(resolveModel("toy", "quantized")).toMatchObject({ dir: TOY_MODEL_DIR, variant: "quantized" });
    expect(resolveModel("fixture").dir).toBe(FIXTURE_MODEL_DIR);
    expect(resolveModel("some/folder").dir).toBe(path.resolve("some/folder"));
  });

  it("takes the same names from T2I_MODEL_DIR (the service's evaluator)", () => {
    process.env.T2I_MODEL_DIR = "toy";
    resetConfigForTests();
    expect(resolveModel().dir).toBe(TOY_MODEL_DIR);
  });
});

describe("evaluatorWarning", () => {
  it("labels fixture and toy evaluators, and no real one", () => {
    expect(evaluatorWarning({ name: "clip-tiny", isFixture: true })).toBe(FIXTURE_WARNING);
    expect(evaluatorWarning({ name: TOY_EVALUATOR_NAME, isFixture: false })).toBe(TOY_WARNING);
    expect(evaluatorWarning({ name: "Xenova/clip-vit-base-patch32", isFixture: false })).toBeUndefined();
  });
});

describe("resolveFeatureExtractors (T2I_FEATURE_EXTRACTORS)", () => {
  function modelsDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    process.env.T2I_MODELS_DIR = dir;
    resetConfigForTests();
    return dir;
  }
  /** An install of the DINOv2 fixture as fetch-model writes one. */
  function installDino(dir: string, name: string): string {
    const to = path.join(dir, name);
    fs.cpSync(DINOV2_FIXTURE_DIR, to, { recursive: true });
    const files = ["config.json", "preprocessor_config.json", "onnx/model.onnx"].map((p) => ({
      path: p,
      size: fs.statSync(path.join(to, p)).size,
      sha256: "0".repeat(64),
      verified: "computed",
    }));
    fs.writeFileSync(
      path.join(to, "install.json"),
      JSON.stringify({
        repo: "Xenova/dinov2-large",
        revision: "r",
        variant: "fp32",
        kind: "image-features",
        model: "dinov2-l-14",
        installedAt: new Date().toISOString(),
        files,
      }),
    );
    return to;
  }

  it("defaults to every installed image feature extractor under dgm-eval, and to none", () => {
    const dir = modelsDir();
    expect(resolveFeatureExtractors()).toEqual([]);
    const to = installDino(dir, "dinov2-large");
    expect(resolveFeatureExtractors()).toEqual([{ dir: to, variant: "fp32", recipe: "dgm-eval" }]);
    expect(resolveFeatureExtractors("none")).toEqual([]);
    expect(resolveFeatureExtractors("dinov2-l-14:hf")).toEqual([{ dir: to, variant: "fp32", recipe: "hf" }]);
  });

  it("takes folders, the bundled fixture and recipes, and names what is wrong", () => {
    modelsDir();
    expect(resolveFeatureExtractors("dinov2-fixture, some/folder:hf")).toEqual([
      { dir: DINOV2_FIXTURE_DIR, variant: "fp32", recipe: "dgm-eval" },
      { dir: path.resolve("some/folder"), variant: "fp32", recipe: "hf" },
    ]);
    expect(() => resolveFeatureExtractors("dinov2-fixture:pil")).toThrow(/unknown recipe "pil".*dgm-eval, hf/);
    expect(() => resolveFeatureExtractors("dinov2-b-14")).toThrow(/npm run fetch-model -- --model dinov2-b-14/);
  });
});

describe("feature space labels", () => {
  it("name a CLIP by its evaluator and an extractor by its catalogue name and recipe", () => {
    expect(distributionLabel("FD", { name: "Xenova/clip-vit-base-patch32", kind: "clip" })).toBe(
      "FD_Xenova/clip-vit-base-patch32",
    );
    expect(distributionLabel("FD", { name: "Xenova/dinov2-large", kind: "image-features", recipe: "dgm-eval" })).toBe(
      "FD_dinov2-l-14 (dgm-eval)",
    );
    expect(featureSpaceName({ name: "/models/my-inception", kind: "image-features", recipe: "hf" })).toBe(
      "my-inception (hf)",
    );
  });
});
