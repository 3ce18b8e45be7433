import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BOOKING_CHAT_LEAD_MS,
  BOOKING_CHAT_TAIL_MS,
  type ChatAccess,
  type ChatAccessFacts,
  type ChatCaller,
  type ChatEngagement,
  chatAccessReviewAt,
  decideChatAccess,
  liveEngagement,
} from "./chat-access";

const NOW = new Date("2026-12-02T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms);

const OWNER = "client-sam";
const ADVISOR = "advisor-amira";

const pass = (over: Partial<ChatEngagement> = {}): ChatEngagement => ({
  id: "pass-1",
  kind: "async_pass",
  status: "confirmed",
  startsAt: at(-DAY),
  endsAt: at(2 * DAY),
  ...over,
});
const booking = (over: Partial<ChatEngagement> = {}): ChatEngagement => ({
  id: "booking-1",
  kind: "booking",
  status: "confirmed",
  startsAt: at(DAY),
  endsAt: at(DAY + HOUR),
  ...over,
});

/** An advisor with an accepted invitation, an active standing and a running pass. */
const facts = (over: Partial<ChatAccessFacts> = {}): ChatAccessFacts => ({
  project: { ownerId: OWNER, archivedAt: null },
  invitation: { status: "accepted", expiresAt: at(10 * DAY), seesHistory: false, canPost: true },
  advisorStatus: "active",
  member: { historyFromSeq: 7, removedAt: null },
  engagements: [pass()],
  ...over,
});
const user = (userId: string, isAdmin = false): ChatCaller => ({ kind: "user", userId, isAdmin });
const denied = (reason: string): ChatAccess => ({ allowed: false, reason }) as ChatAccess;
const granted = (over: Partial<Extract<ChatAccess, { allowed: true }>>): ChatAccess => ({
  allowed: true,
  role: "advisor",
  canPost: true,
  historyFromSeq: 7,
  engagementId: "pass-1",
  audited: false,
  ...over,
});

describe("decideChatAccess", () => {
  const archived = { ownerId: OWNER, archivedAt: at(-HOUR) };
  const cases: { name: string; caller: ChatCaller; facts: ChatAccessFacts; want: ChatAccess }[] = [
    {
      name: "the owner reads everything and posts",
      caller: user(OWNER),
      facts: facts({ invitation: null, member: null, engagements: [] }),
      want: granted({ role: "owner", historyFromSeq: 0, engagementId: null }),
    },
    {
      name: "the owner of an archived project reads but can't post",
      caller: user(OWNER),
      facts: facts({ project: archived }),
      want: granted({ role: "owner", canPost: false, historyFromSeq: 0, engagementId: null }),
    },
    {
      name: "an owner who is also an admin is the owner, not audited",
      caller: user(OWNER, true),
      facts: facts(),
      want: granted({ role: "owner", historyFromSeq: 0, engagementId: null }),
    },
    {
      name: "the assistant reads everything and posts",
      caller: { kind: "assistant", credentialId: "cred-1" },
      facts: facts(),
      want: granted({ role: "assistant", historyFromSeq: 0, engagementId: null }),
    },
    {
      name: "the assistant can't post in an archived project",
      caller: { kind: "assistant", credentialId: "cred-1" },
      facts: facts({ project: archived }),
      want: granted({
        role: "assistant",
        canPost: false,
        historyFromSeq: 0,
        engagementId: null,
      }),
    },
    {
      name: "an accepted advisor with a running pass reads from joining and posts",
      caller: user(ADVISOR),
      facts: facts(),
      want: granted({}),
    },
    {
      name: "an advisor whose invitation shows the history sees it all",
      caller: user(ADVISOR),
      facts: facts({
        invitation: { status: "accepted", expiresAt: at(DAY), seesHistory: true, canPost: true },
      }),
      want: granted({ historyFromSeq: 0 }),
    },
    {
      name: "an advisor invited read-only can't post",
      caller: user(ADVISOR),
      facts: facts({
        invitation: { status: "accepted", expiresAt: at(DAY), seesHistory: false, canPost: false },
      }),
      want: granted({ canPost: false }),
    },
    {
      name: "an advisor in an archived project reads but can't post",
      caller: user(ADVISOR),
      facts: facts({ project: archived }),
      want: granted({ canPost: false }),
    },
    {
      name: "a stranger is not a member",
      caller: user("client-diego"),
      facts: facts({ invitation: null, advisorStatus: null, member: null, engagements: [] }),
      want: denied("not_a_member"),
    },
    {
      name: "an advisor with a pending invitation waits",
      caller: user(ADVISOR),
      facts: facts({
        invitation: { status: "pending", expiresAt: at(DAY), seesHistory: true, canPost: true },
        member: null,
      }),
      want: denied("invitation_pending"),
    },
    ...(["declined", "revoked", "expired"] as const).map((status) => ({
      name: `an advisor whose invitation was ${status} is out`,
      caller: user(ADVISOR),
      facts: facts({
        invitation: { status, expiresAt: at(DAY), seesHistory: true, canPost: true },
      }),
      want: denied("invitation_ended"),
    })),
    {
      name: "an accepted invitation past its expiry ends access before the task marks it",
      caller: user(ADVISOR),
      facts: facts({
        invitation: { status: "accepted", expiresAt: NOW, seesHistory: true, canPost: true },
      }),
      want: denied("invitation_expired"),
    },
    {
      name: "a suspended advisor is out",
      caller: user(ADVISOR),
      facts: facts({ advisorStatus: "suspended" }),
      want: denied("advisor_suspended"),
    },
    {
      name: "an advisor whose membership was removed is out",
      caller: user(ADVISOR),
      facts: facts({ member: { historyFromSeq: 7, removedAt: at(-HOUR) } }),
      want: denied("not_a_member"),
    },
    {
      name: "an accepted advisor without a membership row is out",
      caller: user(ADVISOR),
      facts: facts({ member: null }),
      want: denied("not_a_member"),
    },
    {
      name: "an advisor with no live engagement is out",
      caller: user(ADVISOR),
      facts: facts({ engagements: [pass({ endsAt: at(-HOUR) })] }),
      want: denied("no_live_engagement"),
    },
    {
      name: "an admin who is no member reads, audited, and never posts",
      caller: user("admin", true),
      facts: facts({ invitation: null, advisorStatus: null, member: null }),
      want: granted({
        role: "admin",
        canPost: false,
        historyFromSeq: 0,
        engagementId: null,
        audited: true,
      }),
    },
    {
      name: "an admin who is a suspended advisor still reads as admin",
      caller: user(ADVISOR, true),
      facts: facts({ advisorStatus: "suspended" }),
      want: granted({
        role: "admin",
        canPost: false,
        historyFromSeq: 0,
        engagementId: null,
        audited: true,
      }),
    },
    {
      name: "an admin who is an active, engaged advisor acts as the advisor",
      caller: user(ADVISOR, true),
      facts: facts(),
      want: granted({}),
    },
  ];

  it.each(cases)("$name", ({ caller, facts: f, want }) => {
    expect(decideChatAccess(caller, f, NOW)).toEqual(want);
  });
});

describe("liveEngagement", () => {
  const cases: { name: string; engagements: ChatEngagement[]; want: string | null }[] = [
    { name: "none", engagements: [], want: null },
    { name: "a pass running now", engagements: [pass()], want: "pass-1" },
    { name: "a pass not started yet", engagements: [pass({ startsAt: at(HOUR) })], want: null },
    { name: "a pass that ended", engagements: [pass({ endsAt: NOW })], want: null },
    {
      name: "a pass awaiting payment",
      engagements: [pass({ status: "awaiting_payment" })],
      want: null,
    },
    { name: "a refunded pass", engagements: [pass({ status: "refunded" })], want: null },
    {
      name: "a booking 3 days ahead, at the window's start",
      engagements: [
        booking({ startsAt: at(BOOKING_CHAT_LEAD_MS), endsAt: at(BOOKING_CHAT_LEAD_MS + HOUR) }),
      ],
      want: "booking-1",
    },
    {
      name: "a booking just over 3 days ahead",
      engagements: [
        booking({
          startsAt: at(BOOKING_CHAT_LEAD_MS + 1),
          endsAt: at(BOOKING_CHAT_LEAD_MS + HOUR),
        }),
      ],
      want: null,
    },
    {
      name: "a booking that ended just under 3 days ago",
      engagements: [
        booking({
          status: "completed",
          startsAt: at(-BOOKING_CHAT_TAIL_MS),
          endsAt: at(-BOOKING_CHAT_TAIL_MS + 1),
        }),
      ],
      want: "booking-1",
    },
    {
      name: "a booking that ended exactly 3 days ago",
      engagements: [
        booking({
          status: "completed",
          startsAt: at(-BOOKING_CHAT_TAIL_MS - HOUR),
          endsAt: at(-BOOKING_CHAT_TAIL_MS),
        }),
      ],
      want: null,
    },
    ...(["released", "paid_out", "reschedule_requested"] as const).map((status) => ({
      name: `a ${status} booking within the window (the hold window is shorter than the tail)`,
      engagements: [booking({ status, startsAt: at(-2 * DAY - HOUR), endsAt: at(-2 * DAY) })],
      want: "booking-1",
    })),
    ...(["cancelled", "refunded", "awaiting_payment", "payment_expired", "disputed"] as const).map(
      (status) => ({
        name: `a ${status} booking within the window`,
        engagements: [booking({ status })],
        want: null,
      }),
    ),
    {
      name: "a running pass is preferred to a booking in its window",
      engagements: [booking({ endsAt: at(HOUR), startsAt: at(-HOUR) }), pass()],
      want: "pass-1",
    },
    {
      name: "of two bookings, the one ending sooner pays",
      engagements: [
        booking({ id: "later", startsAt: at(DAY), endsAt: at(DAY + HOUR) }),
        booking({ id: "sooner", startsAt: at(-HOUR), endsAt: at(HOUR) }),
      ],
      want: "sooner",
    },
  ];

  it.each(cases)("$name", ({ engagements, want }) => {
    expect(liveEngagement(engagements, NOW)?.id ?? null).toBe(want);
  });
});

describe("chatAccessReviewAt", () => {
  it("is the nearest dated change ahead: the invitation's expiry or an engagement window's edge", () => {
    // The running pass ends in 2 days, before the invitation's 10: the pass's end.
    expect(chatAccessReviewAt(user(ADVISOR), facts(), NOW)).toEqual(at(2 * DAY));
    // A booking's chat window opens 3 days before it starts.
    expect(
      chatAccessReviewAt(
        user(ADVISOR),
        facts({ engagements: [booking({ startsAt: at(5 * DAY), endsAt: at(5 * DAY + HOUR) })] }),
        NOW,
      ),
    ).toEqual(at(5 * DAY - BOOKING_CHAT_LEAD_MS));
    expect(chatAccessReviewAt(user(ADVISOR), facts({ engagements: [booking()] }), NOW)).toEqual(
      at(DAY + HOUR + BOOKING_CHAT_TAIL_MS),
    );
    // An ended invitation never expires again; with nothing dated ahead there is no review.
    expect(
      chatAccessReviewAt(
        user(ADVISOR),
        facts({
          invitation: { status: "revoked", expiresAt: at(DAY), seesHistory: true, canPost: true },
          engagements: [pass({ endsAt: at(-HOUR), startsAt: at(-DAY) })],
        }),
        NOW,
      ),
    ).toBeNull();
    // The owner and the assistant are not subject to dates.
    expect(chatAccessReviewAt(user(OWNER), facts(), NOW)).toBeNull();
    expect(chatAccessReviewAt({ kind: "assistant", credentialId: "c" }, facts(), NOW)).toBeNull();
  });

  it("property: until the review moment, time alone never changes the decision", () => {
    const offset = fc.integer({ min: -6 * DAY, max: 6 * DAY });
    const engagement = fc.record({
      id: fc.constantFrom("e1", "e2", "e3"),
      kind: fc.constantFrom("async_pass" as const, "booking" as const),
      status: fc.constantFrom("confirmed" as const, "completed" as const, "cancelled" as const),
      start: offset,
      length: fc.integer({ min: HOUR, max: 3 * DAY }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom("pending" as const, "accepted" as const, "revoked" as const),
        offset,
        fc.array(engagement, { maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (status, expires, engagements, fraction) => {
          const f = facts({
            invitation: { status, expiresAt: at(expires), seesHistory: true, canPost: true },
            engagements: engagements.map((e) => ({
              id: e.id,
              kind: e.kind,
              status: e.status,
              startsAt: at(e.start),
              endsAt: at(e.start + e.length),
            })),
          });
          const review = chatAccessReviewAt(user(ADVISOR), f, NOW);
          const horizon = review ? review.getTime() - NOW.getTime() : 30 * DAY;
          const later = at(Math.floor(fraction * (horizon - 1)));
          expect(decideChatAccess(user(ADVISOR), f, later)).toEqual(
            decideChatAccess(user(ADVISOR), f, NOW),
          );
        },
      ),
    );
  });
});
