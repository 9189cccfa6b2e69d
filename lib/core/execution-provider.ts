// Picks the onnxruntime execution provider for a set of ONNX sessions (the diffusion pipeline,
// the CLIP evaluator's towers). The npm package lists "cuda" among its backends even when its
// CUDA binaries were not installed (bundled: false), so the reliable test is creating a session
// with it; "auto" falls back to the CPU and says why. Where the binaries are plainly absent the
// probe is skipped: a failed probe makes onnxruntime print its own error log, which would alarm
// every CPU-only user.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";

export const PROVIDER_CHOICES = ["auto", "cpu", "cuda"] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];

export type ActiveProvider = {
  name: "cpu" | "cuda";
  /** One line for logs: which provider runs and, on a fallback, why. */
  description: string;
};

export type SessionSettings = { threads: number };

const CUDA_HINT =
  "install onnxruntime-node's CUDA 12 binaries with `npm run install-cuda` " +
  "(needs CUDA 12 and cuDNN 9 libraries on the library path)";

export function cudaListed(): boolean {
  return ort.listSupportedBackends().some((b) => b.name === "cuda");
}

/** Why CUDA surely cannot load (its provider library is not beside the binding), or undefined when unsure. */
export function cudaBinariesMissing(): string | undefined {
  if (process.platform !== "linux") return undefined;
  // From this module, and from the project root (`npm start` runs there): inside the web server's
  // bundle this module's own URL may not resolve packages.
  const bases = [import.meta.url, path.join(process.cwd(), "package.json")];
  for (const base of bases) {
    let pkg: string;
    try {
      pkg = createRequire(base).resolve("onnxruntime-node/package.json");
    } catch {
      continue;
    }
    const bindingDir = path.join(path.dirname(pkg), "bin", "napi-v6", process.platform, process.arch);
    // An unknown package layout: let the probe decide.
    if (!fs.existsSync(path.join(bindingDir, "onnxruntime_binding.node"))) return undefined;
    if (fs.existsSync(path.join(bindingDir, "libonnxruntime_providers_cuda.so"))) return undefined;
    return `onnxruntime-node's CUDA binaries are not installed (no libonnxruntime_providers_cuda.so in ${bindingDir})`;
  }
  return undefined;
}

function sessionOptions(
  provider: "cpu" | "cuda",
  s: SessionSettings,
  quiet: boolean,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    // A CUDA probe that falls back would otherwise print onnxruntime's own error log too.
    ...(quiet ? { logSeverityLevel: 4 as const } : {}),
    intraOpNumThreads: s.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
  };
}

/** First line of an onnxruntime error, without its terminal colour codes. */
export function ortErrorLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")[0]!
    .trim();
}

class SessionLoadError extends Error {
  constructor(
    readonly file: string,
    readonly provider: string,
    readonly reason: string,
  ) {
    super(`could not load ${file} on ${provider}: ${reason}`);
  }
}

async function open(
  file: string,
  provider: "cpu" | "cuda",
  s: SessionSettings,
  quiet: boolean,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, sessionOptions(provider, s, quiet));
  } catch (e) {
    throw new SessionLoadError(file, provider, ortErrorLine(e));
  }
}

/**
 * Opens every file on one provider. `cuda` fails if CUDA cannot be used; `auto` tries CUDA
 * when the build lists it and otherwise (or on failure) uses the CPU.
 */
export async function openSessions(
  files: string[],
  choice: ProviderChoice,
  settings: SessionSettings,
): Promise<{ sessions: ort.InferenceSession[]; provider: ActiveProvider }> {
  const openAll = async (p: "cpu" | "cuda", quiet = false) => {
    const sessions: ort.InferenceSession[] = [];
    try {
      for (const f of files) sessions.push(await open(f, p, settings, quiet));
    } catch (e) {
      await Promise.all(sessions.map((s) => s.release()));
      throw e;
    }
    return sessions;
  };
  if (choice === "cpu") {
    return {
      sessions: await openAll("cpu"),
      provider: { name: "cpu", description: `cpu (requested), ${settings.threads} threads` },
    };
  }
  const listed = cudaListed();
  if (choice === "cuda" && !listed)
    throw new Error(`this onnxruntime-node build has no CUDA execution provider; ${CUDA_HINT}`);
  const missing = listed ? cudaBinariesMissing() : undefined;
  if (choice === "auto" && missing) {
    return {
      sessions: await openAll("cpu"),
      provider: {
        name: "cpu",
        description: `cpu, ${settings.threads} threads (CUDA unavailable: ${missing}; to use it, ${CUDA_HINT})`,
      },
    };
  }
  if (listed) {
    try {
      return {
        sessions: await openAll("cuda", choice === "auto"),
        provider: { name: "cuda", description: "cuda (onnxruntime CUDA execution provider)" },
      };
    } catch (e) {
      if (choice === "cuda") throw new Error(`${(e as Error).message}; ${CUDA_HINT}`);
      // Only a CUDA failure falls back; a broken model file fails on the CPU again below.
      const reason = e instanceof SessionLoadError ? e.reason : (e as Error).message;
      return {
        sessions: await openAll("cpu"),
        provider: {
          name: "cpu",
          description: `cpu, ${settings.threads} threads (CUDA unavailable: ${reason}; to use it, ${CUDA_HINT})`,
        },
      };
    }
  }
  return {
    sessions: await openAll("cpu"),
    provider: {
      name: "cpu",
      description: `cpu, ${settings.threads} threads (this onnxruntime-node build lists no CUDA execution provider)`,
    },
  };
}
