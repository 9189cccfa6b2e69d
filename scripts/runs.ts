// npm run runs: delete, hide, unhide and edit runs and variants, and read the audit log, over the REST API.
import { runRunsCli } from "../lib/runs/cli";

process.exitCode = await runRunsCli(process.argv.slice(2));
