// npm run bench:ranking-calibration: the ranking's error rates in seeded simulations, for the
// shipped rules (v3) and for method v2's rules, at 8, 16 and 50 prompts and with replicates,
// each with its standard error — the table docs/decisions/0006-ranking-v3-over-v2.md quotes. The property suite
// (lib/ranking/calibration-*.test.ts) asserts the same simulations for v3.
import { parseCliArgs } from "../../lib/core/cli-args";
import { V2_RULES, V3_RULES, type RankingRules } from "../../lib/ranking/rules";
import {
  CROWDED_LEVEL,
  detection,
  differenceCoverage,
  familywise,
  manyVersusFew,
  median,
  nullPairs,
  pct,
  replicateCoverage,
  setSimulationLevel,
  SIM_B,
  SIM_LEVEL,
  SIM_MODEL_SD,
  SIM_SIZES,
  withRules,
} from "../../tools/test-support/ranking-calibration";

const HELP = `Usage: npm run bench:ranking-calibration -- [options]

Simulates boards from the model of tools/test-support/ranking.ts and prints, per rule set and
prompt count: identical variants called different (target 5 %), the family-wise rate among 4
identical variants (≤ 5 %), the coverage of variant and difference CIs (95 %), the detection
rate of the stated MDE (80 %), and with replicates the coverage at 3 replicates × 50 prompts.
Every rate is followed by its standard error over the boards.

Options:
  --boards N     boards per rate (default 1000; MDE detection uses 0.4·N)
  --rules LIST   comma-separated: v3, v2, v3-uncorrected (v3 without the weight correction); default v3,v2
  --level NAME   middle (the middle of the sweep's diversity range, the suite's; default) or
                 crowded (the diversity at guidance 6, method v2's suite's level)
  --help`;

const { values } = parseCliArgs(
  {
    options: {
      boards: { type: "string", default: "1000" },
      rules: { type: "string", default: "v3,v2" },
      level: { type: "string", default: "middle" },
      help: { type: "boolean", default: false },
    },
  },
  { script: "bench:ranking-calibration", usage: HELP },
);
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const N = Number(values.boards);
const RULES: Record<string, RankingRules> = {
  v3: V3_RULES,
  v2: V2_RULES,
  "v3-uncorrected": { ...V3_RULES, weightCorrection: false },
};
const level = values.level === "crowded" ? CROWDED_LEVEL : SIM_LEVEL;
setSimulationLevel(level);
console.log(
  `# Ranking calibration — ${N} boards per rate, B = ${SIM_B} resamples per board, level ${level.toFixed(4)} (${values.level}), ${new Date().toISOString().slice(0, 10)}`,
);
for (const name of values.rules.split(",")) {
  const rules = RULES[name];
  if (!rules) throw new Error(`unknown rules "${name}" (v3, v2, v3-uncorrected)`);
  const m = withRules(rules);
  console.log(`\n## ${name}\n`);
  console.log(
    "| prompts | identical called different | family-wise (4 identical) | variant CI coverage | difference CI coverage | stated MDE detected |",
  );
  console.log("| ---: | --- | --- | --- | --- | --- |");
  for (const P of SIM_SIZES) {
    const t0 = Date.now();
    const nul = nullPairs(m, P, N);
    const fw = familywise(m, P, N);
    const dc = differenceCoverage(m, P, N);
    const mde = median(nul.mdes);
    const det = detection(m, P, Math.round(0.4 * N), mde);
    console.log(
      `| ${P} | ${pct(nul.identical)} | ${pct(fw)} | ${pct(nul.variantCoverage)} | ${pct(dc)} | MDE ${mde.toFixed(2)}: ${pct(det)} |   <!-- ${((Date.now() - t0) / 1000).toFixed(0)} s -->`,
    );
  }
  const rep = replicateCoverage(m, 50, 3, N);
  console.log(
    `\n3 replicates × 50 prompts, between-replicate SD ${SIM_MODEL_SD}: variant CI coverage ${pct(rep.variantCoverage)}, difference CI coverage ${pct(rep.differenceCoverage)}.`,
  );
  const many = manyVersusFew(m, 50, Math.round(0.4 * N));
  console.log(
    `12 vs 4 guidance scales on one true curve (50 prompts): called different ${pct(many.called)}, mean gap ${many.meanGap.toFixed(3)} ± ${many.meanGapSe.toFixed(3)}.`,
  );
}
