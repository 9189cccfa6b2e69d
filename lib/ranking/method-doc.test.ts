import { describe, expect, it } from "vitest";
import { DEFAULT_BOOTSTRAP_B, DEFAULT_BOOTSTRAP_LEVEL, DEFAULT_BOOTSTRAP_SEED } from "../metrics/bootstrap";
import { RANKING_METHOD, rankingMethodDoc } from "./method-doc";
import { hypervolume } from "./pareto-front";
import { rankVariants } from "./rank-variants";
import { DEFAULT_LEVEL_RULES } from "./level-rules";
import { EXTENSION_CHORD_SHARE, NEIGHBOUR_GAP_RATIO } from "./monotone-curve";
import {
  HYPERVOLUME_REFERENCE,
  METHOD_VERSION,
  MIN_CALIBRATED_PROMPTS,
  POWER_TARGET,
  RANKING_DEFAULTS,
  RELIABLE_RESAMPLE_SHARE,
} from "./settings";
import { syntheticVariant } from "../../tools/test-support/ranking";

describe("rankingMethodDoc", () => {
  it("states the constants the ranking runs with", () => {
    const defaults = rankVariants([
      syntheticVariant("A", [
        [0.2, 70],
        [0.4, 60],
      ]),
    ]).settings;
    const { B, level, seed, significance, hypervolumeReference, methodVersion, reliableShare } =
      rankingMethodDoc.constants;
    expect(defaults).toEqual({ B, level, seed, significance });
    expect({ B, level, seed }).toEqual({
      B: DEFAULT_BOOTSTRAP_B,
      level: DEFAULT_BOOTSTRAP_LEVEL,
      seed: DEFAULT_BOOTSTRAP_SEED,
    });
    expect(hypervolumeReference).toEqual(HYPERVOLUME_REFERENCE);
    expect(significance).toBe(RANKING_DEFAULTS.significance);
    expect(methodVersion).toBe(METHOD_VERSION);
    expect(reliableShare).toBe(RELIABLE_RESAMPLE_SHARE);
    expect(rankingMethodDoc.constants).toMatchObject({
      minCalibratedPrompts: MIN_CALIBRATED_PROMPTS,
      power: POWER_TARGET,
      neighbourGapRatio: NEIGHBOUR_GAP_RATIO,
      extensionChordShare: EXTENSION_CHORD_SHARE,
      defaultLevelRules: ["reference-set", "admin", "frozen"],
    });
  });

  it("mentions the version, B, the level, the seed, the significance, the reliability share and the rank rule in its text", () => {
    const { B, level, seed, significance, methodVersion } = rankingMethodDoc.constants;
    expect(RANKING_METHOD).toContain(`method version ${methodVersion}`);
    expect(RANKING_METHOD).toContain(`B = ${B} resamples`);
    expect(RANKING_METHOD).toContain(`(seed ${seed})`);
    expect(RANKING_METHOD).toContain(`Intervals are ${level * 100}% t intervals`);
    expect(RANKING_METHOD).toContain(
      `rank is 1 + the number of variants significantly better than it (adjusted p < ${significance})`,
    );
    expect(RANKING_METHOD).toContain("Holm");
    // and the literal values, so a change of constant is a visible doc change
    expect(RANKING_METHOD).toMatch(/B = 1000 resamples.*\(seed 0\)/);
    expect(RANKING_METHOD).toContain("fewer than 95% of the B resamples is marked unreliable");
    expect(RANKING_METHOD).toContain("reference point (0, 0)");
    expect(RANKING_METHOD).toContain("method version 3");
    expect(RANKING_METHOD).toContain("G/(G − 1)");
    expect(RANKING_METHOD).toContain("Below 8 prompts no difference is called significant");
    expect(RANKING_METHOD).toContain("with 80% power");
    expect(RANKING_METHOD).toContain("clamped to the metric's range [0, 100]");
    expect(RANKING_METHOD).toContain(`closer to the segment than ${NEIGHBOUR_GAP_RATIO} of the segment's width`);
    expect(RANKING_METHOD).toContain(`at least ${EXTENSION_CHORD_SHARE} of the curve's diversity span away`);
    for (const rule of DEFAULT_LEVEL_RULES) expect(RANKING_METHOD).toContain(rule.statement);
  });

  it("uses the documented reference point for the hypervolume", () => {
    const { hypervolumeReference: ref } = rankingMethodDoc.constants;
    const p = { diversity: 0.5, clipScore: 40 };
    expect(hypervolume([p])).toBeCloseTo((p.diversity - ref.diversity) * (p.clipScore - ref.clipScore), 12);
  });

  it("renders every section as markdown", () => {
    expect(RANKING_METHOD.startsWith(`# ${rankingMethodDoc.title}\n`)).toBe(true);
    for (const s of rankingMethodDoc.sections)
      expect(RANKING_METHOD).toContain(`## ${s.heading}\n\n${s.paragraphs[0]}`);
    expect(new Set(rankingMethodDoc.sections.map((s) => s.id)).size).toBe(rankingMethodDoc.sections.length);
  });
});
