import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bayesianRating,
  type MatchCandidate,
  type ProjectNeeds,
  scoreAdvisor,
  suggestAdvisors,
} from "./advisor-matching";

const REACT = { id: "s-react", slug: "react" };
const POSTGRES = { id: "s-postgres", slug: "postgres" };
const GO = { id: "s-go", slug: "go" };

const needs: ProjectNeeds = { skills: [REACT, POSTGRES], languages: ["de"] };

function candidate(overrides: Partial<MatchCandidate> = {}): MatchCandidate {
  return {
    advisorId: "a",
    status: "active",
    acceptingBookings: true,
    skillIds: [REACT.id],
    languages: ["en"],
    rating: { sum: 0, count: 0 },
    hourlyRate: 10_000,
    asyncDayRate: null,
    currency: "USD",
    medianResponseMinutes: null,
    ...overrides,
  };
}

const score = (c: MatchCandidate, n: ProjectNeeds = needs) => scoreAdvisor(n, c, 10_000)?.score;

describe("scoreAdvisor", () => {
  it.each([
    ["suspended", { status: "suspended" as const }],
    ["not accepting work", { acceptingBookings: false }],
    ["none of the needed skills", { skillIds: [GO.id] }],
  ])("never suggests an advisor who is %s", (_name, overrides) => {
    expect(scoreAdvisor(needs, candidate(overrides), 10_000)).toBeNull();
  });

  it.each([
    ["both skills beat one", { skillIds: [REACT.id, POSTGRES.id] }, { skillIds: [REACT.id] }],
    ["speaking German beats not", { languages: ["de"] }, { languages: ["en"] }],
    ["a regional variant counts as the language", { languages: ["de-AT"] }, { languages: ["fr"] }],
    [
      "50 reviews at 4.8★ beat one at 5★",
      { rating: { sum: 240, count: 50 } },
      { rating: { sum: 5, count: 1 } },
    ],
    ["cheaper beats dearer", { hourlyRate: 8_000 }, { hourlyRate: 20_000 }],
    [
      "a quick responder beats a slow one",
      { medianResponseMinutes: 10 },
      { medianResponseMinutes: 600 },
    ],
    ["a quick responder beats one with no history", { medianResponseMinutes: 10 }, {}],
    ["no history beats a slow responder", {}, { medianResponseMinutes: 600 }],
  ])("%s", (_name, better, worse) => {
    expect(score(candidate(better))!).toBeGreaterThan(score(candidate(worse))!);
  });

  it("explains itself with machine codes", () => {
    const result = scoreAdvisor(
      needs,
      candidate({
        skillIds: [REACT.id, POSTGRES.id, GO.id],
        languages: ["de", "en"],
        rating: { sum: 149, count: 31 },
        asyncDayRate: 40_000,
        medianResponseMinutes: 42.4,
      }),
      10_000,
    );
    expect(result?.reasons).toEqual([
      { code: "skills", matched: ["react", "postgres"] },
      { code: "language", language: "de" },
      { code: "rating", average: 4.81, count: 31 },
      { code: "price", hourlyRate: 10_000, asyncDayRate: 40_000, currency: "USD" },
      { code: "response_time", medianMinutes: 42 },
    ]);
  });

  it("a project that names no skills or languages leaves those signals neutral", () => {
    const open = { skills: [], languages: [] };
    expect(score(candidate({ skillIds: [] }), open)).toBe(
      score(candidate({ skillIds: [GO.id] }), open),
    );
    expect(score(candidate({ languages: [] }), open)).toBe(
      score(candidate({ languages: ["de"] }), open),
    );
  });
});

describe("bayesianRating", () => {
  it("is the prior with no reviews and tends to the average with many", () => {
    expect(bayesianRating({ sum: 0, count: 0 })).toBe(3.5);
    expect(bayesianRating({ sum: 4_800, count: 1_000 })).toBeCloseTo(4.79, 2);
  });
});

const skillPool = [REACT, POSTGRES, GO, { id: "s-ts", slug: "typescript" }];
const arbCandidate = fc.record({
  advisorId: fc.uuid(),
  status: fc.constantFrom("active" as const, "suspended" as const),
  acceptingBookings: fc.boolean(),
  skillIds: fc.subarray(skillPool.map((s) => s.id)),
  languages: fc.subarray(["en", "de", "fr", "ar-EG"]),
  rating: fc
    .integer({ min: 0, max: 200 })
    .chain((count) =>
      fc.record({ count: fc.constant(count), sum: fc.integer({ min: count, max: 5 * count }) }),
    ),
  hourlyRate: fc.integer({ min: 0, max: 100_000 }),
  asyncDayRate: fc.option(fc.integer({ min: 1, max: 500_000 })),
  currency: fc.constantFrom("USD", "EUR"),
  medianResponseMinutes: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true })),
});
const arbNeeds = fc.record({
  skills: fc.subarray(skillPool),
  languages: fc.subarray(["en", "de", "fr"]),
});

describe("suggestAdvisors (properties)", () => {
  it("never suggests suspended or paused advisors, never exceeds the limit, scores in 0..1", () => {
    fc.assert(
      fc.property(
        arbNeeds,
        fc.array(arbCandidate, { maxLength: 30 }),
        fc.nat(40),
        (n, cs, limit) => {
          const result = suggestAdvisors({ needs: n, candidates: cs, limit });
          expect(result.length).toBeLessThanOrEqual(limit);
          const byId = new Map(cs.map((c) => [c.advisorId, c]));
          for (const s of result) {
            const c = byId.get(s.advisorId)!;
            expect(c.status).toBe("active");
            expect(c.acceptingBookings).toBe(true);
            expect(s.score).toBeGreaterThanOrEqual(0);
            expect(s.score).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it("orders best first, stably, whatever order the candidates come in", () => {
    fc.assert(
      fc.property(arbNeeds, fc.array(arbCandidate, { maxLength: 30 }), (n, cs) => {
        const a = suggestAdvisors({ needs: n, candidates: cs, limit: 100 });
        const b = suggestAdvisors({ needs: n, candidates: [...cs].reverse(), limit: 100 });
        expect(b.map((s) => s.advisorId)).toEqual(a.map((s) => s.advisorId));
        for (let i = 1; i < a.length; i++)
          expect(a[i - 1]!.score).toBeGreaterThanOrEqual(a[i]!.score);
      }),
    );
  });

  it("the score is monotone in skill overlap: one more needed skill never lowers it", () => {
    fc.assert(
      fc.property(arbNeeds, arbCandidate, fc.integer({ min: 1, max: 100_000 }), (n, c, median) => {
        const missing = n.skills.find((s) => !c.skillIds.includes(s.id));
        fc.pre(missing !== undefined);
        const before = scoreAdvisor(n, c, median);
        const after = scoreAdvisor(n, { ...c, skillIds: [...c.skillIds, missing.id] }, median);
        if (before) expect(after!.score).toBeGreaterThan(before.score);
      }),
    );
  });

  it("only suggests advisors who have at least one needed skill, when the project names some", () => {
    fc.assert(
      fc.property(arbNeeds, fc.array(arbCandidate, { maxLength: 20 }), (n, cs) => {
        fc.pre(n.skills.length > 0);
        const byId = new Map(cs.map((c) => [c.advisorId, c]));
        for (const s of suggestAdvisors({ needs: n, candidates: cs, limit: 50 })) {
          const has = byId.get(s.advisorId)!.skillIds;
          expect(n.skills.some((k) => has.includes(k.id))).toBe(true);
          expect(s.reasons[0]).toMatchObject({ code: "skills" });
        }
      }),
    );
  });
});
