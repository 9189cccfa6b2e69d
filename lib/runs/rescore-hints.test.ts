// Hints that work: the re-score button only where re-scoring applies, the printed re-score
// command working as printed in another shell, and the toy-world banner's advice.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { runs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { realEvaluatorAdvice } from "../clip/resolve-model";
import { config, resetConfigForTests } from "../core/config";
import { startWorker } from "../workers/run-worker";
import { createRun } from "./create-run";
import { rescoreAllCommand, rescoreHint, shellWord } from "./rescore-hint";
import { rescoreApplies, rescoreRun } from "./rescore-run";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";

let evA: ClipEvaluator;
let otherModel: string;

beforeAll(async () => {
  evA = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
  // A second evaluator (as after fetch-model): the fixture's weights with another config.json.
  otherModel = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-model b-"));
  fs.cpSync(FIXTURE_MODEL, otherModel, { recursive: true });
  const cfgFile = path.join(otherModel, "config.json");
  fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, "utf8")), t2i_note: "second" }));
});
afterAll(async () => {
  await evA.release();
  fs.rmSync(otherModel, { recursive: true, force: true });
});

const quiet = { log: () => {}, pollMs: 10, exitWhenIdle: true };

describe("rescoreApplies (the run page's re-score button)", () => {
  it("offers re-scoring only to a scored, non-demo run that lacks the evaluator's scores", async () => {
    const dir = useTempDataDir();
    try {
      const evB = (await ClipEvaluator.load(otherModel, { threads: 1 })).identity.id;
      const { run } = await createRun(await makeRunInput(dir, { folder: "a" }));
      expect(rescoreApplies(run.id, evB)).toBe(false); // queued: scored by the installed evaluator anyway
      await startWorker({ ...quiet, evaluator: evA });
      expect(rescoreApplies(run.id, evA.identity.id)).toBe(false); // already has its scores
      expect(rescoreApplies(run.id, evB)).toBe(true);
      // A demo run is toy-world results: the POST would answer 409, so no button.
      getDb().update(runs).set({ isDemo: true }).where(eq(runs.id, run.id)).run();
      expect(rescoreApplies(run.id, evB)).toBe(false);
      expect(() => rescoreRun(run.id, evB)).toThrow(expect.objectContaining({ code: "conflict" }));
    } finally {
      removeDataDir(dir);
    }
  });
});

describe("the printed re-score command", () => {
  it("carries the server's data folder and evaluator, and works as printed in a shell with neither set", async () => {
    const dir = useTempDataDir();
    try {
      const { run } = await createRun(await makeRunInput(dir, { folder: "a" }));
      await startWorker({ ...quiet, evaluator: evA });
      // The server now scores with another evaluator (T2I_MODEL_DIR points at it).
      process.env.T2I_MODEL_DIR = otherModel;
      resetConfigForTests();
      const hint = await rescoreHint();
      expect(hint.runsLackingScores).toBe(1);
      expect(hint.command).toBe(
        `T2I_DATA_DIR=${shellWord(config().dataDir)} T2I_MODEL_DIR=${shellWord(otherModel)} npm run runs -- rescore --all`,
      );
      // Another shell in the project folder: none of the server's settings in its environment.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith("T2I_")),
      ) as NodeJS.ProcessEnv;
      const r = spawnSync("sh", ["-c", hint.command!], { env, encoding: "utf8", cwd: process.cwd() });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("queued 1 run(s)");
      expect(getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, run.id)).get()?.status).toBe(
        "queued",
      );
    } finally {
      delete process.env.T2I_MODEL_DIR;
      removeDataDir(dir);
    }
  }, 60_000);

  it("is the plain command when the server runs on the defaults", () => {
    const cfg = { ...config(), dataDir: "/p/data", dbPath: "/p/data/t2i.sqlite", modelsDir: "/p/data/models" };
    expect(rescoreAllCommand({ ...cfg, modelDir: undefined, modelVariant: "fp32" }, "/p")).toBe(
      "npm run runs -- rescore --all",
    );
    expect(rescoreAllCommand({ ...cfg, modelDir: undefined, modelVariant: "fp16" }, "/p")).toBe(
      "T2I_MODEL_VARIANT=fp16 npm run runs -- rescore --all",
    );
  });

  it("quotes what a shell would split", () => {
    expect(shellWord("/a/b-c_d.e")).toBe("/a/b-c_d.e");
    expect(shellWord("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});

describe("realEvaluatorAdvice (the toy-world banner)", () => {
  it("sends to fetch-model first when no real model is installed, else to a restart without T2I_MODEL_DIR=toy", () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-models-"));
    try {
      const none = realEvaluatorAdvice(modelsDir);
      expect(none).toContain("npm run fetch-model");
      expect(none).toContain("random-weight test evaluator");
      const dir = path.join(modelsDir, "clip-vit-base-patch32");
      fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });
      const files = ["onnx/vision_model.onnx", "onnx/text_model.onnx"].map((p) => {
        fs.writeFileSync(path.join(dir, p), "x");
        return { path: p, size: 1, sha256: "0".repeat(64), verified: "computed" };
      });
      fs.writeFileSync(
        path.join(dir, "install.json"),
        JSON.stringify({ repo: "r", revision: "v", variant: "fp32", installedAt: new Date().toISOString(), files }),
      );
      const installed = realEvaluatorAdvice(modelsDir);
      expect(installed).toContain("restart without T2I_MODEL_DIR=toy");
      expect(installed).not.toContain("fetch-model");
    } finally {
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
