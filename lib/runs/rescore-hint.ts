// What the service says after `npm run fetch-model` installed a new evaluator: how many scored
// runs lack its scores, and the command that re-scores them (start-up log, health, page banner).
// The command acts on the server's database with the server's evaluator, so it carries the
// server's data folder and evaluator settings wherever they differ from the defaults: typed as
// printed in another shell on the server machine, it reaches the same database.
import path from "node:path";
import { getServiceEvaluator } from "../scoring/service-evaluator";
import { config, type Config } from "../core/config";
import { countRunsLackingScores } from "./rescore-run";

export type RescoreHint = { evaluator: string; runsLackingScores: number; command: string | null };

/** A word for a POSIX shell: quoted unless it is made of safe characters only. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `npm run runs -- rescore --all` prefixed with the settings by which this process finds its
 * database and evaluator (absolute paths), where they differ from a fresh shell's defaults in
 * the project folder.
 */
export function rescoreAllCommand(cfg: Config = config(), projectDir = process.cwd()): string {
  const env: string[] = [];
  const set = (name: string, value: string) => env.push(`${name}=${shellWord(value)}`);
  const defaultData = path.resolve(projectDir, "data");
  if (cfg.dataDir !== defaultData) set("T2I_DATA_DIR", cfg.dataDir);
  if (cfg.dbPath !== path.join(cfg.dataDir, "t2i.sqlite")) set("T2I_DB_PATH", cfg.dbPath);
  if (cfg.modelsDir !== path.join(cfg.dataDir, "models")) set("T2I_MODELS_DIR", cfg.modelsDir);
  if (cfg.modelDir) set("T2I_MODEL_DIR", cfg.modelDir);
  if (cfg.modelVariant !== "fp32") set("T2I_MODEL_VARIANT", cfg.modelVariant);
  return [...env, "npm run runs -- rescore --all"].join(" ");
}

/** Loads the service's evaluator (cached per process). `command` is null when nothing lacks its scores. */
export async function rescoreHint(): Promise<RescoreHint> {
  const evaluator = (await getServiceEvaluator()).identity.id;
  const n = countRunsLackingScores(evaluator);
  return { evaluator, runsLackingScores: n, command: n > 0 ? rescoreAllCommand() : null };
}

/** One line for logs and banners, or undefined when every scored run has the evaluator's scores. */
export function rescoreHintLine(h: RescoreHint): string | undefined {
  if (h.runsLackingScores === 0) return undefined;
  const runs = h.runsLackingScores === 1 ? "1 scored run lacks" : `${h.runsLackingScores} scored runs lack`;
  return `${runs} scores from the installed evaluator ${h.evaluator}; re-score with (in the project folder on this machine): ${h.command}`;
}
