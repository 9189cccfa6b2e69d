// npm run runs -- audit [--target ID] [--limit N]
import { usageErrorText } from "../../../lib/core/cli-args";
import { listAuditInputSchema } from "../../../lib/audit/list-audit";
import { callApi, CONNECTION_HELP, exitCodeOf, parseSubcommand, UsageError } from "../rest-call";
import type { RunsSubcommand } from "./subcommand";

type Entry = {
  id: number;
  createdAt: string;
  apiKeyName: string | null;
  action: string;
  targetId: string;
  details: Record<string, unknown>;
};

const usage = `Usage: npm run runs -- audit [--target ID] [--limit N]

Prints who changed what and when, newest first: time, key name, action, target, details.
--limit N is 1 to 500 (default 100).

${CONNECTION_HELP}
`;

export const auditCommand: RunsSubcommand = {
  name: "audit",
  summary: "print the audit log (admin keys only)",
  usage,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, { target: { type: "string" }, limit: { type: "string" } });
      if (positionals.length > 0) throw new UsageError(`audit takes no arguments, got "${positionals[0]}"`);
      // The server's rule for the limit, checked before the request.
      const limit = listAuditInputSchema.shape.limit.safeParse(values.limit);
      if (!limit.success)
        throw new UsageError(
          usageErrorText("runs audit", `--limit: ${limit.error.issues[0]!.message}`, usage).trimEnd(),
        );
      const q = new URLSearchParams();
      if (values.target) q.set("targetId", values.target);
      if (values.limit) q.set("limit", values.limit);
      const { entries } = (await callApi(values, "GET", `/api/v1/audit?${q.toString()}`)) as { entries: Entry[] };
      for (const e of entries) {
        console.log(
          `${new Date(e.createdAt).toISOString().replace("T", " ").slice(0, 19)}  ${(e.apiKeyName ?? "-").padEnd(16)}  ${e.action.padEnd(16)}  ${e.targetId}  ${JSON.stringify(e.details)}`,
        );
      }
      if (entries.length === 0) console.log("no entries");
    }),
};
