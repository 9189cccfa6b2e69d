// What a rejected request must leave unchanged: row counts and the files in the data folder.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { E2E_DATA_DIR } from "./helpers";

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

export type State = Record<string, number>;

export function snapshot(): State {
  const db = new Database(path.join(E2E_DATA_DIR, "t2i.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const count = (t: string) => (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    return {
      runs: count("runs"),
      samples: count("samples"),
      images: count("images"),
      prompts: count("prompts"),
      promptSets: count("prompt_sets"),
      variants: count("variants"),
      jobs: count("jobs"),
      imageFiles: countFiles(path.join(E2E_DATA_DIR, "images")),
      stagingFiles: countFiles(path.join(E2E_DATA_DIR, "staging")),
    };
  } finally {
    db.close();
  }
}
