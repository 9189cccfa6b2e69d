// The toy experiment at a reduced size (as CI runs it): every run is generated through the
// protocol, scored by the toy evaluator, lands on the leaderboard, and the document is written.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLeaderboard } from "../leaderboard/get-leaderboard";
import { removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { writeExperimentDoc } from "../../tools/toy/experiment-doc";
import { experimentBoardFromLeaderboard, leaderboardAnswerSchema } from "../../tools/toy/remote/experiment-board";
import { runToyExperiment, type ToyExperimentResult } from "./run-toy-experiment";

let dir: string;
let result: ToyExperimentResult;
beforeAll(async () => {
  dir = useTempDataDir({ T2I_MODEL_DIR: "toy" });
  result = await runToyExperiment({
    promptsPerType: 2,
    guidanceScales: [1, 8],
    samplesPerPrompt: 4,
    steps: 10,
    seed: 7,
    promptSetName: "toy-ci",
  });
}, 300_000);
afterAll(() => removeDataDir(dir));

describe("toy experiment (reduced)", () => {
  it("scores one run per variant and guidance scale with the toy evaluator", () => {
    expect(result.runs).toHaveLength(8);
    for (const r of result.runs) {
      expect(r.detail.status).toBe("scored");
      expect(r.detail.evaluator?.name).toMatch(/toy/);
      expect(r.detail.metrics?.run.n).toBe(4 * 4);
      expect(new Set(r.detail.metrics?.prompts.map((p) => p.category))).toEqual(
        new Set(["underspecified", "compositional"]),
      );
    }
  });

  it("puts every run on the prompt set's leaderboard, all four variants", () => {
    const boards = getLeaderboard("toy-ci").evaluators;
    expect(boards).toHaveLength(1);
    expect(boards[0]!.variants.map((v) => v.variant.name).sort()).toEqual([
      "toy-clip-image",
      "toy-clip-image+text",
      "toy-clip-text",
      "toy-text-sequence",
    ]);
    expect(boards[0]!.variants.flatMap((v) => v.runs)).toHaveLength(8);
    expect(result.board.runs).toHaveLength(8);
  });

  it("writes the document with its tables and sample grids", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "toy-doc-"));
    const md = await writeExperimentDoc(result, path.join(out, "toy-experiment.md"), {
      command: "test",
      totalSeconds: 1,
      samplesPerPrompt: 4,
      steps: 10,
      seed: 7,
    });
    expect(md).toMatch(/Toy world/);
    expect(md).toMatch(/\| 8 \| /);
    for (const g of [1, 8])
      expect(fs.statSync(path.join(out, "toy-experiment", `samples-guidance-${g}.png`)).size).toBeGreaterThan(1000);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("writes the same document from the board GET /api/v1/leaderboard returns (the --server mode) as from the in-process board", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "toy-doc-"));
    const meta = { command: "test", totalSeconds: 1, samplesPerPrompt: 4, steps: 10, seed: 7 };
    const answer = leaderboardAnswerSchema.parse(JSON.parse(JSON.stringify(getLeaderboard("toy-ci"))));
    const board = experimentBoardFromLeaderboard(answer.promptSet, answer.evaluators[0]!);
    expect(board.ranking?.ranked.length).toBeGreaterThan(0);
    const local = await writeExperimentDoc(result, path.join(out, "local.md"), meta);
    const remote = await writeExperimentDoc({ ...result, board }, path.join(out, "remote.md"), meta);
    expect(remote).toBe(local);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
