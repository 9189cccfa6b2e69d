// The shape of one `npm run runs -- <name>` subcommand (scripts/client/runs.ts dispatches over a list).
export type RunsSubcommand = {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The subcommand's --help text. */
  usage: string;
  /** Exit code: 0 done, 1 the service (or database) refused something, 2 bad arguments or unreachable. */
  run(argv: string[]): Promise<number>;
};
