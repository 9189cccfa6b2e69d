// npm run runs -- set-level PROMPT_SET --evaluator ID --diversity X  and  clear-level PROMPT_SET --evaluator ID
import { callApi, CONNECTION_HELP, enc, exitCodeOf, parseSubcommand, UsageError } from "../rest-call";
import type { RunsSubcommand } from "./subcommand";

type LevelAnswer = { level: { value: number; source: string; rule: string } | null };

const describe = (a: LevelAnswer) =>
  a.level ? `level ${a.level.value} (${a.level.source}: ${a.level.rule})` : "no default level yet";

export const setLevelCommand: RunsSubcommand = {
  name: "set-level",
  summary: "set a prompt set version's default diversity level for an evaluator (admin)",
  usage: `Usage: npm run runs -- set-level PROMPT_SET --evaluator ID --diversity X [--version N] [--note TEXT]

Sets the diversity level (0–2) at which the leaderboard of PROMPT_SET (latest version unless
--version) compares fidelity for evaluator ID, unless a reference set tied to that version gives
one (its own per-prompt diversity comes first). Needs an admin key; recorded in the audit log.

${CONNECTION_HELP}
`,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, {
        evaluator: { type: "string" },
        diversity: { type: "string" },
        version: { type: "string" },
        note: { type: "string" },
      });
      if (positionals.length !== 1) throw new UsageError("set-level needs one PROMPT_SET");
      if (!values.evaluator) throw new UsageError("set-level needs --evaluator ID");
      const diversity = Number(values.diversity);
      if (values.diversity === undefined || !Number.isFinite(diversity))
        throw new UsageError("set-level needs --diversity X (a number, 0–2)");
      const answer = (await callApi(values, "PUT", `/api/v1/prompt-sets/${enc(positionals[0]!)}/level`, {
        evaluator: values.evaluator,
        diversity,
        ...(values.version ? { version: Number(values.version) } : {}),
        ...(values.note ? { note: values.note } : {}),
      })) as LevelAnswer;
      console.log(`${positionals[0]}: ${describe(answer)}`);
    }),
};

export const clearLevelCommand: RunsSubcommand = {
  name: "clear-level",
  summary: "clear an admin's default diversity level (admin); the board freezes one again",
  usage: `Usage: npm run runs -- clear-level PROMPT_SET --evaluator ID [--version N]

Removes the stored default level of PROMPT_SET's board for evaluator ID (an admin's or a frozen
one): the next time the board is ranked it freezes the highest diversity every curve then
reaches. Needs an admin key; recorded in the audit log.

${CONNECTION_HELP}
`,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, {
        evaluator: { type: "string" },
        version: { type: "string" },
      });
      if (positionals.length !== 1) throw new UsageError("clear-level needs one PROMPT_SET");
      if (!values.evaluator) throw new UsageError("clear-level needs --evaluator ID");
      const q = new URLSearchParams({
        evaluator: values.evaluator,
        ...(values.version ? { version: values.version } : {}),
      });
      const answer = (await callApi(
        values,
        "DELETE",
        `/api/v1/prompt-sets/${enc(positionals[0]!)}/level?${q}`,
      )) as LevelAnswer;
      console.log(`${positionals[0]}: ${describe(answer)}`);
    }),
};
