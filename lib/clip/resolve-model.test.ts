import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../core/config";
import { evaluatorWarning, FIXTURE_WARNING, TOY_EVALUATOR_NAME, TOY_WARNING } from "./identity";
import { FIXTURE_MODEL_DIR, resolveModel, TOY_MODEL_DIR } from "./resolve-model";

afterEach(() => {
  delete process.env.T2I_MODEL_DIR;
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
