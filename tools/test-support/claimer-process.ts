// Child process of claim-job.test.ts: waits for the start signal, then claims jobs until none
// is left (pausing 1 ms between claims so the processes interleave) and prints the ids it got.
import fs from "node:fs";
import path from "node:path";
import { config } from "../../lib/core/config";
import { claimJob } from "../../lib/jobs/claim-job";

const workerId = process.argv[2]!;
const go = path.join(config().dataDir, "go");
process.stdout.write("ready\n");
while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
const got: number[] = [];
for (let job = claimJob(workerId, 60_000); job; job = claimJob(workerId, 60_000)) {
  got.push(job.id);
  await new Promise((r) => setTimeout(r, 1));
}
process.stdout.write(JSON.stringify(got) + "\n");
