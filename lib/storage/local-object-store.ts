// The object store in the local data folder (the default): <dataDir>/images/… and <dataDir>/thumbs/….
// A file appears whole or not at all: it is hard-linked into place (or copied beside it and
// linked) and never rewritten.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ObjectMissingError, type ObjectKey, type ObjectStore } from "./object-store";

export class LocalObjectStore implements ObjectStore {
  readonly kind = "local" as const;
  constructor(readonly root: string) {}

  /** The file of `key`. */
  pathOf(key: ObjectKey): string {
    return path.join(this.root, ...key.split("/"));
  }

  /** Synchronous put, for callers inside a database transaction (content-store.ts placeFileSync). */
  putFileSync(key: ObjectKey, source: string): boolean {
    const target = this.pathOf(key);
    if (fs.existsSync(target)) return false;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // link() creates the name only if it does not exist, so two writers racing on the same
    // content cannot both believe they added it; the content appears complete or not at all.
    try {
      fs.linkSync(source, target);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP") throw e;
    }
    // Staging on another filesystem (or one without hard links): copy next to the target first.
    const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    fs.copyFileSync(source, tmp);
    try {
      fs.linkSync(tmp, target);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      return false;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  async putFile(key: ObjectKey, source: string): Promise<boolean> {
    return this.putFileSync(key, source);
  }

  async putBytes(key: ObjectKey, data: Buffer): Promise<void> {
    const file = this.pathOf(key);
    if (fs.existsSync(file)) return;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write-then-rename so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  }

  async has(key: ObjectKey): Promise<boolean> {
    return fs.existsSync(this.pathOf(key));
  }

  async read(key: ObjectKey): Promise<Buffer> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new ObjectMissingError(key);
      throw e;
    }
  }

  async stream(key: ObjectKey) {
    const file = this.pathOf(key);
    const st = await fs.promises.stat(file).catch((e: NodeJS.ErrnoException) => {
      throw e.code === "ENOENT" ? new ObjectMissingError(key) : e;
    });
    return { body: fs.createReadStream(file), bytes: st.size };
  }

  async presignedUrl(): Promise<undefined> {
    return undefined;
  }

  removeSync(key: ObjectKey): boolean {
    const file = this.pathOf(key);
    const there = fs.existsSync(file);
    fs.rmSync(file, { force: true });
    return there;
  }

  async remove(key: ObjectKey): Promise<boolean> {
    return this.removeSync(key);
  }

  async *list(prefix: string): AsyncIterable<{ key: ObjectKey; modifiedAt: Date }> {
    const walk = function* (dir: string, rel: string): Generator<{ key: ObjectKey; modifiedAt: Date }> {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
        throw e;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        const key = `${rel}/${e.name}`;
        if (e.isDirectory()) yield* walk(full, key);
        else {
          const st = fs.statSync(full, { throwIfNoEntry: false });
          if (st) yield { key, modifiedAt: st.mtime };
        }
      }
    };
    const top = prefix.replace(/\/+$/, "");
    yield* walk(this.pathOf(top), top);
  }
}
