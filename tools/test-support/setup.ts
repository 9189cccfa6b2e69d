// The preamble of the data-model tests, once: a fresh migrated data folder per test, and the
// random-weight fixture evaluator loaded once per file. Call at the top level of a test file.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import { FIXTURE_MODEL, removeDataDir, useTempDataDir } from "./runs";

/** `data.dir` is the current test's data folder (useTempDataDir, with `env` added), removed after the test. */
export function dataDirPerTest(env: Record<string, string> = {}): { readonly dir: string } {
  let dir = "";
  beforeEach(() => {
    dir = useTempDataDir(env);
  });
  afterEach(() => removeDataDir(dir));
  return {
    get dir() {
      return dir;
    },
  };
}

/** `fixture.ev` is the fixture CLIP (fixtures/clip-tiny) on one thread, shared by the file's tests. */
export function fixtureEvaluator(opts: { batchSize?: number; model?: string } = {}): { readonly ev: ClipEvaluator } {
  let ev: ClipEvaluator | undefined;
  beforeAll(async () => {
    ev = await ClipEvaluator.load(opts.model ?? FIXTURE_MODEL, {
      threads: 1,
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    });
  });
  afterAll(() => ev?.release());
  return {
    get ev() {
      if (!ev) throw new Error("fixtureEvaluator: used outside a test");
      return ev;
    },
  };
}
