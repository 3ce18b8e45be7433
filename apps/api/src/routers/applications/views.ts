import type { Application, listApplicationRounds } from "@an/db";

type Round = Awaited<ReturnType<typeof listApplicationRounds>>[number];

/**
 * What an applicant sees of their own application: the profile, where it stands, and each
 * round's decision and notes — not which admin decided.
 */
export function applicantView(application: Application, rounds: readonly Round[]) {
  return {
    id: application.id,
    status: application.status,
    profile: application.profile,
    round: application.round,
    submittedAt: application.submittedAt,
    decidedAt: application.decidedAt,
    decisionReason: application.decisionReason,
    createdAt: application.createdAt,
    updatedAt: application.updatedAt,
    rounds: rounds.map((r) => ({
      round: r.round,
      submittedAt: r.submittedAt,
      decision: r.decision,
      notes: r.notes,
      decidedAt: r.decidedAt,
    })),
  };
}
