/**
 * Suggested advisors for a project: which approved advisors fit what the project needs,
 * ranked, each with the reasons as machine codes (the console localizes them). Pure: the
 * db loads the candidates and their figures, this decides.
 */

/** A skill as the taxonomy names it (merged skills already resolved to the survivor). */
export type MatchSkill = { id: string; slug: string };

/** What a project asks for. Empty lists mean "no preference" (neutral, not a mismatch). */
export type ProjectNeeds = {
  skills: readonly MatchSkill[];
  /** BCP-47 codes, canonical ("de", "pt-BR"). */
  languages: readonly string[];
};

/** An advisor as the matcher sees them. */
export type MatchCandidate = {
  advisorId: string;
  status: "active" | "suspended";
  acceptingBookings: boolean;
  /** Active skill ids the advisor has (merged ones as their survivor). */
  skillIds: readonly string[];
  languages: readonly string[];
  rating: { sum: number; count: number };
  /** Minor units of `currency`. */
  hourlyRate: number;
  /** Minor units of `currency` for one day of async advice; null when not offered. */
  asyncDayRate: number | null;
  currency: string;
  /** Median minutes from a client's message to this advisor's reply; null = no chat history. */
  medianResponseMinutes: number | null;
};

/** Why an advisor is suggested; machine codes with parameters, localized by the console. */
export type MatchReason =
  | { code: "skills"; matched: string[] }
  | { code: "language"; language: string }
  | { code: "rating"; average: number; count: number }
  | { code: "price"; hourlyRate: number; asyncDayRate: number | null; currency: string }
  | { code: "response_time"; medianMinutes: number };

export type AdvisorSuggestion = {
  advisorId: string;
  /** 0..1; higher is a better fit. */
  score: number;
  reasons: MatchReason[];
};

/** How much each signal weighs in the score (they sum to 1). */
export const MATCH_WEIGHTS = {
  skills: 0.45,
  language: 0.15,
  rating: 0.2,
  price: 0.1,
  responseTime: 0.1,
} as const;

/**
 * Bayesian rating: every advisor starts with `RATING_PRIOR_COUNT` phantom reviews of
 * `RATING_PRIOR_MEAN` stars, so one 5★ review doesn't outrank fifty at 4.8★.
 */
export const RATING_PRIOR_MEAN = 3.5;
export const RATING_PRIOR_COUNT = 5;
/** Minutes at which the response-time signal is worth half; no history counts as exactly this. */
export const RESPONSE_HALF_MINUTES = 120;

/** The value a signal takes when there is nothing to compare (no need, no history). */
const NEUTRAL = 0.5;

/** Only active advisors who accept work are ever suggested. */
export function isSuggestable(candidate: Pick<MatchCandidate, "status" | "acceptingBookings">) {
  return candidate.status === "active" && candidate.acceptingBookings;
}

/** The Bayesian-smoothed rating in stars (1..5). */
export function bayesianRating(rating: { sum: number; count: number }): number {
  return (
    (RATING_PRIOR_MEAN * RATING_PRIOR_COUNT + rating.sum) / (RATING_PRIOR_COUNT + rating.count)
  );
}

function languageBase(tag: string): string {
  return tag.split("-")[0]!.toLowerCase();
}

/** The first project language the advisor speaks (exactly, else by base language: de ~ de-AT). */
function matchedLanguage(needs: readonly string[], spoken: readonly string[]): string | null {
  for (const wanted of needs) if (spoken.includes(wanted)) return wanted;
  const bases = new Set(spoken.map(languageBase));
  for (const wanted of needs) if (bases.has(languageBase(wanted))) return wanted;
  return null;
}

/**
 * The median hourly rate per currency of the candidates: prices are judged against peers
 * quoting in the same currency, never across currencies.
 */
function medianRates(candidates: readonly MatchCandidate[]): Map<string, number> {
  const byCurrency = new Map<string, number[]>();
  for (const c of candidates) {
    const list = byCurrency.get(c.currency) ?? [];
    list.push(c.hourlyRate);
    byCurrency.set(c.currency, list);
  }
  const medians = new Map<string, number>();
  for (const [currency, rates] of byCurrency) {
    const sorted = [...rates].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    medians.set(
      currency,
      sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    );
  }
  return medians;
}

/**
 * One candidate's score and reasons against the project's needs. `medianRate` is the
 * reference hourly rate in the candidate's currency (price at the median is neutral).
 * Null when the advisor can't be suggested: not active, not accepting work, or none of
 * the project's needed skills (when it names any).
 */
export function scoreAdvisor(
  needs: ProjectNeeds,
  candidate: MatchCandidate,
  medianRate: number,
): AdvisorSuggestion | null {
  if (!isSuggestable(candidate)) return null;
  const reasons: MatchReason[] = [];
  const has = new Set(candidate.skillIds);
  const matched = needs.skills.filter((s) => has.has(s.id));
  if (needs.skills.length > 0 && matched.length === 0) return null;
  const skills = needs.skills.length > 0 ? matched.length / needs.skills.length : NEUTRAL;
  if (matched.length > 0) reasons.push({ code: "skills", matched: matched.map((s) => s.slug) });

  let language = NEUTRAL;
  if (needs.languages.length > 0) {
    const found = matchedLanguage(needs.languages, candidate.languages);
    language = found ? 1 : 0;
    if (found) reasons.push({ code: "language", language: found });
  }

  const rating = (bayesianRating(candidate.rating) - 1) / 4;
  if (candidate.rating.count > 0) {
    reasons.push({
      code: "rating",
      average: Math.round((candidate.rating.sum / candidate.rating.count) * 100) / 100,
      count: candidate.rating.count,
    });
  }

  // Half at the median, towards 1 when cheaper, towards 0 when dearer.
  const price =
    medianRate > 0 ? medianRate / (medianRate + Math.max(0, candidate.hourlyRate)) : NEUTRAL;
  reasons.push({
    code: "price",
    hourlyRate: candidate.hourlyRate,
    asyncDayRate: candidate.asyncDayRate,
    currency: candidate.currency,
  });

  const minutes = candidate.medianResponseMinutes;
  const responseTime =
    minutes === null
      ? NEUTRAL
      : RESPONSE_HALF_MINUTES / (RESPONSE_HALF_MINUTES + Math.max(0, minutes));
  if (minutes !== null) reasons.push({ code: "response_time", medianMinutes: Math.round(minutes) });

  const score =
    MATCH_WEIGHTS.skills * skills +
    MATCH_WEIGHTS.language * language +
    MATCH_WEIGHTS.rating * rating +
    MATCH_WEIGHTS.price * price +
    MATCH_WEIGHTS.responseTime * responseTime;
  return { advisorId: candidate.advisorId, score, reasons };
}

/**
 * The best `limit` suggestions for a project, best first; ties broken by advisor id so the
 * order is stable. Advisors who can't be suggested (see {@link scoreAdvisor}) never appear.
 */
export function suggestAdvisors(params: {
  needs: ProjectNeeds;
  candidates: readonly MatchCandidate[];
  limit: number;
}): AdvisorSuggestion[] {
  const eligible = params.candidates.filter(isSuggestable);
  const medians = medianRates(eligible);
  const scored: AdvisorSuggestion[] = [];
  for (const candidate of eligible) {
    const s = scoreAdvisor(params.needs, candidate, medians.get(candidate.currency) ?? 0);
    if (s) scored.push(s);
  }
  scored.sort((a, b) =>
    b.score !== a.score ? b.score - a.score : a.advisorId < b.advisorId ? -1 : 1,
  );
  return scored.slice(0, Math.max(0, params.limit));
}
