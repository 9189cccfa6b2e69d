// Child process of e2e/api/hardening.spec.ts: writes a run at the size limits into the database
// of T2I_DATA_DIR (insertLargeRun's defaults: 1,990 prompts of 10,000 characters, 19,900 samples)
// and prints it as JSON.
import { insertLargeRun } from "./large-run";

process.stdout.write(JSON.stringify(insertLargeRun()) + "\n");
