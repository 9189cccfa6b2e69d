// Test generator for the command engine: complains at length on stderr, then exits 3.
// writeSync: process.exit() may drop stderr still queued for a busy pipe.
import fs from "node:fs";

const lines = Array.from({ length: 400 }, (_, i) => `loading shard ${i + 1} of 400\n`).join("");
fs.writeSync(2, `${lines}RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n`);
process.exit(3);
