// npm run runs: delete, hide, unhide and edit runs and variants, and read the audit log, over the REST API.
import { runRunsCli } from "../../tools/cli/runs/index";

process.exitCode = await runRunsCli(process.argv.slice(2));
