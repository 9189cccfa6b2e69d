// AppErrors raised while ingesting, so the messages and `details` shapes stay the same on every path.
import { AppError } from "../core/errors";
import type { UploadLimits } from "./limits";

export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** 413 with `details: { limit, max }`, `limit` naming the UploadLimits key. */
export function tooLarge(
  what: string,
  limit: keyof UploadLimits,
  max: number,
  extra?: Record<string, unknown>,
): AppError {
  const amount =
    limit === "maxFiles" || limit === "maxFields"
      ? String(max)
      : limit === "maxTotalPixels"
        ? `${max} pixels`
        : formatBytes(max);
  return new AppError("payload_too_large", `${what} is over the limit of ${amount}`, { limit, max, ...extra });
}

/** 422: more images than one upload may hold. */
export function tooManyFiles(max: number): AppError {
  return new AppError("validation_failed", `the upload holds more than ${max} images`, { limit: "maxFiles", max });
}
