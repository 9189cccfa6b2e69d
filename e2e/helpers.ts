// Shared e2e helpers: API keys made with the real CLI against the server's data folder, and
// factories for sample batches with unique names so tests never depend on each other.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { drawShapePng, SHAPES, type ColorName } from "../tools/fixtures/draw-shape";
import { ENTRY_POINTS } from "../lib/core/entry-points";

export const E2E_DATA_DIR = ".cache/e2e-data";

let cachedKey: string | undefined;

/** A new API key made with the real CLI (admin unless `role` says otherwise). */
export function newApiKey(role?: "admin" | "submitter", name = `e2e-${randomUUID().slice(0, 8)}`): string {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", ENTRY_POINTS.apikey, "create", "--name", name, ...(role ? ["--role", role] : [])],
    {
      env: { ...process.env, T2I_DATA_DIR: E2E_DATA_DIR },
      encoding: "utf8",
    },
  );
  const m = /t2i_[A-Za-z0-9_-]+/.exec(out);
  if (!m) throw new Error(`apikey create printed no key:\n${out}`);
  return m[0];
}

/** The admin key most specs share. */
export function apiKey(): string {
  cachedKey ??= newApiKey();
  return cachedKey;
}

export const auth = () => ({ Authorization: `Bearer ${apiKey()}` });

let cachedWorkerToken: string | undefined;

/** A GPU worker token made with the real CLI (npm run worker-token) against the server's data folder. */
export function workerToken(): string {
  if (cachedWorkerToken) return cachedWorkerToken;
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", ENTRY_POINTS.workerToken, "create", "--name", `e2e-${randomUUID().slice(0, 8)}`],
    {
      env: { ...process.env, T2I_DATA_DIR: E2E_DATA_DIR },
      encoding: "utf8",
    },
  );
  const m = /t2iw_[A-Za-z0-9_-]+/.exec(out);
  if (!m) throw new Error(`worker-token create printed no token:\n${out}`);
  cachedWorkerToken = m[0];
  return cachedWorkerToken;
}

export const workerAuth = () => ({ Authorization: `Bearer ${workerToken()}` });

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export type SampleFile = { name: string; prompt: string; seed: number; data: Buffer };

/** n prompts × k samples of procedurally drawn images; `salt` makes the bytes unique per call. */
export async function makeSamples(
  prompts: string[],
  k: number,
  salt = Math.floor(Math.random() * 1e9),
): Promise<SampleFile[]> {
  const colors: ColorName[] = ["red", "blue", "green", "yellow", "purple", "orange"];
  const out: SampleFile[] = [];
  for (const [i, prompt] of prompts.entries()) {
    for (let s = 0; s < k; s++) {
      const seed = salt + i * 100 + s;
      out.push({
        name: `p${i}-s${s}.png`,
        prompt,
        seed,
        data: await drawShapePng({ shape: SHAPES[i % SHAPES.length]!, color: colors[i % colors.length]!, seed }),
      });
    }
  }
  return out;
}

export function manifestJsonl(files: SampleFile[]): string {
  return files.map((f) => JSON.stringify({ file: f.name, prompt: f.prompt, seed: f.seed })).join("\n") + "\n";
}
