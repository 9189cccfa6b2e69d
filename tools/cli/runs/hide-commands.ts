// npm run runs -- hide|unhide RUN_ID…  and  hide-variant|unhide-variant NAME…
import { callApi, CONNECTION_HELP, enc, exitCodeOf, parseSubcommand, UsageError } from "../rest-call";
import type { RunsSubcommand } from "./subcommand";

function visibilityCommand(target: "run" | "variant", hide: boolean): RunsSubcommand {
  const name = `${hide ? "hide" : "unhide"}${target === "variant" ? "-variant" : ""}`;
  const arg = target === "run" ? "RUN_ID" : "VARIANT";
  const collection = target === "run" ? "runs" : "variants";
  return {
    name,
    summary: hide
      ? `hide ${target}s from rankings, with a reason shown to readers`
      : `put hidden ${target}s back into rankings`,
    usage: `Usage: npm run runs -- ${name} ${arg} [${arg}…]${hide ? " --reason TEXT" : ""}

${
  hide
    ? `Leaves the ${target}${target === "variant" ? " (and all its runs)" : ""} out of the leaderboard, curves and plot data. It stays
readable by id and its page shows the reason.`
    : `Undoes hide${target === "variant" ? "-variant" : ""}.`
}

${CONNECTION_HELP}
`,
    run: (argv) =>
      exitCodeOf(async () => {
        const { values, positionals } = parseSubcommand(argv, hide ? { reason: { type: "string" } } : {});
        if (positionals.length === 0) throw new UsageError(`${name} needs at least one ${arg}`);
        const reason = (values as { reason?: string }).reason;
        if (hide && !reason?.trim()) throw new UsageError(`${name} needs --reason TEXT (shown to readers)`);
        for (const id of positionals) {
          await callApi(
            values,
            "POST",
            `/api/v1/${collection}/${enc(id)}/${hide ? "hide" : "unhide"}`,
            hide ? { reason } : undefined,
          );
          console.log(`${hide ? "hidden" : "unhidden"}: ${target} ${id}`);
        }
      }),
  };
}

export const hideCommand = visibilityCommand("run", true);
export const unhideCommand = visibilityCommand("run", false);
export const hideVariantCommand = visibilityCommand("variant", true);
export const unhideVariantCommand = visibilityCommand("variant", false);
