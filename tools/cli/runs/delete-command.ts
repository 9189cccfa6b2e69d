// npm run runs -- delete RUN_ID… --yes
import { callApi, CONNECTION_HELP, enc, exitCodeOf, parseSubcommand, UsageError } from "../rest-call";
import type { RunsSubcommand } from "./subcommand";

export const deleteCommand: RunsSubcommand = {
  name: "delete",
  summary: "delete runs with their samples, scores and images no other run uses",
  usage: `Usage: npm run runs -- delete RUN_ID [RUN_ID…] --yes

Deletes each run: its rows, its scoring job and its images once no other run uses them.
This cannot be undone (hide keeps the run instead); --yes confirms it.

${CONNECTION_HELP}
`,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, { yes: { type: "boolean" } });
      if (positionals.length === 0) throw new UsageError("delete needs at least one RUN_ID");
      if (!values.yes) throw new UsageError("deleting cannot be undone: add --yes to confirm");
      for (const id of positionals) {
        const r = (await callApi(values, "DELETE", `/api/v1/runs/${enc(id)}`)) as {
          samples: number;
          filesDeleted: number;
        };
        console.log(`deleted ${id}: ${r.samples} samples, ${r.filesDeleted} image files`);
      }
    }),
};
