// `npm run runs -- retry RUN_ID…`: re-queue failed runs through POST /api/v1/runs/{id}/retry.
import { parseCliArgs } from "../../../lib/core/cli-args";
import { postEach } from "./api-client";
import type { RunsSubcommand } from "./subcommand";

const usage = `Usage: npm run runs -- retry RUN_ID [RUN_ID…] [--server URL] [--key KEY]

Puts failed runs back in the scoring queue (POST /api/v1/runs/{id}/retry on the service):
their per-sample errors are tried again and samples already scored keep their scores.
Runs that are not failed are refused (409).

  --server URL   default http://localhost:3000 (or T2I_SERVER)
  --key KEY      API key (default: T2I_API_KEY)
  -h, --help

Exit codes: 0 every run re-queued, 1 the service refused one (its error is printed),
2 bad arguments or the service is unreachable.
`;

export const retryCommand: RunsSubcommand = {
  name: "retry",
  summary: "re-queue failed runs for scoring (REST)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      {
        args: argv,
        options: { server: { type: "string" }, key: { type: "string" }, help: { type: "boolean", short: "h" } },
        allowPositionals: true,
      },
      { script: "runs retry", usage: usage },
    );
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    if (positionals.length === 0) {
      process.stderr.write(`error: name at least one run id\n\n${usage}`);
      return 2;
    }
    return postEach(
      positionals,
      values,
      (id) => `/api/v1/runs/${encodeURIComponent(id)}/retry`,
      (id, _a, server) => `${id}: queued again  ${server}/runs/${id}`,
    );
  },
};
