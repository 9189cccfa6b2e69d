import { describe, expect, it } from "vitest";
import { bootstrap, ratioOfSums } from "./bootstrap";
import { MetricInputError } from "./errors";
import { summarize, type SummarizeItem } from "./summarize";
import { basis, dot64, uniform, unitVectors } from "../../tools/test-support/metrics";
import { vendiScore } from "./vendi";

describe("summarize", () => {
  it("hand-worked run", () => {
    // group a: cosines 0.3, −0.1; embeddings (1,0), (0,1) → diversity 1, vendi 2
    // group b: one failed image; one embedding → diversity null, vendi 1 (not in run mean)
    // clipScore = max(100·(0.3 − 0.1)/2, 0) = 10; clipS = 2.5·(0.3 + 0)/2 = 0.375; cosSqSum = 0.09 + 0.01
    const items: SummarizeItem[] = [
      { group: "a", cosine: 0.3 },
      { group: "a", cosine: -0.1 },
      { group: "b", cosine: null },
    ];
    const { groups, summary } = summarize(
      items,
      {
        a: [
          [1, 0],
          [0, 1],
        ],
        b: [[1, 0]],
      },
      { bootstrap: false },
    );
    expect(groups).toEqual([
      {
        group: "a",
        n: 2,
        failed: 0,
        embedded: 2,
        cosSum: expect.closeTo(0.2, 12),
        cosSqSum: expect.closeTo(0.1, 12),
        clipScore: 10,
        clipS: 0.375,
        diversity: 1,
        vendi: 2,
      },
      {
        group: "b",
        n: 1,
        failed: 1,
        embedded: 1,
        cosSum: 0,
        cosSqSum: 0,
        clipScore: null,
        clipS: null,
        diversity: null,
        diversityReason: "needs at least 2 samples, got 1",
        vendi: 1,
      },
    ]);
    expect(groups[0]!.clipScore).toBeCloseTo(10, 12);
    expect(summary).toMatchObject({
      n: 3,
      failed: 1,
      groups: 2,
      diversity: 1,
      diversityGroups: 1,
      diversitySkipped: 1,
    });
    expect(summary.clipScore).toBeCloseTo(10, 12);
    expect(summary.clipS).toBeCloseTo(0.375, 12);
    expect(summary.vendi).toBeCloseTo(2, 12);
    expect(summary.ci).toEqual({ clipScore: null, clipS: null, diversity: null, vendi: null });
  });

  describe("on a random run", () => {
    const u = uniform(99);
    const items: SummarizeItem[] = [];
    const embeddings = new Map<string, Float32Array[]>();
    for (let g = 0; g < 60; g++) {
      const group = `prompt-${g}`;
      const n = 1 + (g % 5); // 1..5 images; every fifth prompt has a single image
      embeddings.set(group, unitVectors(n, 32, g, 0.5 + u()));
      for (let i = 0; i < n; i++) items.push({ group, cosine: u() < 0.05 ? null : (u() - 0.3) * 0.6 });
    }
    const { groups, summary } = summarize(items, embeddings);

    it("run-level scores equal independent computations", () => {
      // torchmetrics over all scored items, by a plain loop
      const scored = items.filter((i) => i.cosine !== null).map((i) => i.cosine!);
      const tm = Math.max((100 * scored.reduce((s, c) => s + c, 0)) / scored.length, 0);
      const hs = scored.reduce((s, c) => s + 2.5 * Math.max(c, 0), 0) / scored.length;
      expect(summary.clipScore).toBeCloseTo(tm, 10);
      expect(summary.clipS).toBeCloseTo(hs, 10);
      expect(summary.failed).toBe(items.length - scored.length);
      // diversity from full Gram matrices, mean over groups with ≥ 2 images
      const multi = [...embeddings.values()].filter((e) => e.length >= 2);
      const div = multi.map((e) => {
        let off = 0;
        for (let i = 0; i < e.length; i++) for (let j = 0; j < e.length; j++) if (i !== j) off += dot64(e[i]!, e[j]!);
        return 1 - off / (e.length * (e.length - 1));
      });
      expect(summary.diversity).toBeCloseTo(div.reduce((s, v) => s + v, 0) / div.length, 6);
      expect(summary.vendi).toBeCloseTo(multi.reduce((s, e) => s + vendiScore(e), 0) / multi.length, 9);
      expect(summary.diversityGroups).toBe(48);
      expect(summary.diversitySkipped).toBe(12);
    });

    it("intervals are seeded, reproducible, contain the estimates, and resample the same statistics", () => {
      for (const k of ["clipScore", "clipS", "diversity", "vendi"] as const) {
        const ci = summary.ci[k]!;
        expect(ci).toMatchObject({ level: 0.95, B: 1000, seed: 0 });
        expect(ci.low).toBeLessThanOrEqual(summary[k]!);
        expect(ci.high).toBeGreaterThanOrEqual(summary[k]!);
        expect(ci.high).toBeGreaterThan(ci.low);
      }
      expect(summarize(items, embeddings).summary.ci).toEqual(summary.ci);
      expect(summarize(items, embeddings, { bootstrap: { seed: 1 } }).summary.ci.vendi).not.toEqual(summary.ci.vendi);
      // The diversity interval is the bootstrap of "mean over groups with n ≥ 2" over all prompts,
      // taken in id order.
      const byId = [...groups].sort((x, y) => (x.group < y.group ? -1 : x.group > y.group ? 1 : 0));
      const direct = bootstrap(
        byId.length,
        ratioOfSums(
          byId.map((g) => g.diversity ?? 0),
          byId.map((g) => (g.diversity === null ? 0 : 1)),
        ),
      );
      expect(summary.ci.diversity).toMatchObject({ low: direct.low, high: direct.high, dropped: direct.dropped });
    });

    it("a Map and a plain object give the same result", () => {
      const asObject = Object.fromEntries(embeddings);
      expect(summarize(items, asObject, { bootstrap: { B: 20 } })).toEqual(
        summarize(items, embeddings, { bootstrap: { B: 20 } }),
      );
    });
  });

  it("all images failed: fidelity is null with no interval, diversity still computed", () => {
    const items = [0, 1, 2, 3].map((i) => ({ group: `p${i % 2}`, cosine: null }));
    const { summary } = summarize(items, { p0: basis(2, 4), p1: basis(2, 4) }, { bootstrap: { B: 50 } });
    expect(summary.clipScore).toBeNull();
    expect(summary.ci.clipScore).toBeNull();
    expect(summary.failed).toBe(4);
    expect(summary.diversity).toBe(1);
    // every group has diversity 1: the interval has zero width
    expect(summary.ci.diversity).toMatchObject({ low: 1, high: 1 });
  });

  it("gives the same values and intervals whatever order the items arrive in (several workers upload in any order)", () => {
    const u = uniform(7);
    const keys = ["p3", "p1", "p10", "p2", "p0"];
    const items: SummarizeItem[] = keys.flatMap((g) => [0, 1, 2].map(() => ({ group: g, cosine: u() * 0.6 - 0.1 })));
    const embs = Object.fromEntries(keys.map((g, i) => [g, unitVectors(3, 8, 100 + i, 0.5)]));
    const a = summarize(items, embs, { bootstrap: { B: 200 } });
    const b = summarize([...items].reverse(), embs, { bootstrap: { B: 200 } });
    expect(b.summary).toEqual(a.summary);
    expect(a.groups.map((g) => g.group)).toEqual(keys); // display order: as the items came
    expect(b.groups.map((g) => g.group)).toEqual([...keys].reverse());
    expect(a.summary.ci.clipScore!.high).toBeGreaterThan(a.summary.ci.clipScore!.low);
  });

  it("groups without embeddings count as 0 samples", () => {
    const { groups, summary } = summarize([{ group: "x", cosine: 0.2 }], {}, { bootstrap: false });
    expect(groups[0]).toMatchObject({
      embedded: 0,
      diversity: null,
      diversityReason: "needs at least 2 samples, got 0",
      vendi: null,
    });
    expect(summary.diversity).toBeNull();
    expect(summary.vendi).toBeNull();
  });

  it("rejects inconsistent input with messages that name the group", () => {
    expect(() => summarize([], {})).toThrow("no items given");
    expect(() => summarize([{ group: "a", cosine: 0.1 }], { b: basis(2, 2) })).toThrow(
      'embeddings were given for group "b", which has no items; check that group ids match',
    );
    expect(() =>
      summarize(
        [
          { group: "a", cosine: 0.1 },
          { group: "b", cosine: 0.1 },
        ],
        { a: basis(2, 512), b: basis(2, 768) },
      ),
    ).toThrow('group "b" embedding 0 has dimension 768, expected 512');
    expect(() => summarize([{ group: "a", cosine: 31.2 }], {})).toThrow(
      'cosine of item 0 (group "a") is 31.2, outside [-1, 1]',
    );
    expect(() =>
      summarize([{ group: "a", cosine: 0.1 }], {
        a: [
          [1, 1],
          [1, 0],
        ],
      }),
    ).toThrow(MetricInputError);
  });
});
