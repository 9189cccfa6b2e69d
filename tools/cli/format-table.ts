// Plain-text rendering of a batch report for terminals.
import type { BatchReport } from "../../lib/scoring/score-batch";

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "—" : v.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

export function formatReportTable(report: BatchReport): string {
  const e = report.evaluator;
  const s = report.summary;
  const ci = (k: keyof typeof s.ci, d = 3) => {
    const c = s.ci[k];
    return c ? `[${fmt(c.low, d)}, ${fmt(c.high, d)}]` : "";
  };
  const out: string[] = [];
  out.push(`evaluator  ${e.id}  (${e.name}, ${e.variant})`);
  if (e.warning) out.push(`WARNING    ${e.warning}`);
  out.push(
    `items      ${s.n} (${s.failed} failed), ${s.groups} groups, ${s.truncated} prompts truncated to the text context\n`,
  );
  const level = s.ci.clipScore?.level ?? 0.95;
  out.push(
    table(
      ["metric", "value", `${Math.round(level * 100)}% CI (bootstrap over prompts)`, "convention"],
      [
        ["clipScore", fmt(s.clipScore, 2), ci("clipScore", 2), "torchmetrics: mean 100·cos, clamped at 0"],
        ["clipS", fmt(s.clipS), ci("clipS"), "Hessel et al. 2021: mean 2.5·max(cos, 0)"],
        ["diversity", fmt(s.diversity), ci("diversity"), "1 − mean pairwise cos within a group"],
        ["vendi", fmt(s.vendi), ci("vendi"), "Vendi score q=1, cosine kernel (1 … n)"],
      ],
    ),
  );
  out.push(
    table(
      ["group", "n", "failed", "clipScore", "diversity", "vendi"],
      report.groups.map((g) => [
        g.group.length > 48 ? g.group.slice(0, 47) + "…" : g.group,
        String(g.n),
        String(g.failed),
        fmt(g.clipScore, 2),
        fmt(g.diversity),
        fmt(g.vendi),
      ]),
    ),
  );
  const failed = report.items.filter((i) => i.error);
  if (failed.length) {
    out.push(`failed items:`);
    for (const f of failed) out.push(`  ${f.file}: ${f.error!.code}: ${f.error!.message}`);
    out.push("");
  }
  return out.join("\n");
}
