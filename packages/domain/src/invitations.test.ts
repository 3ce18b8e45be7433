import { describe, expect, it } from "vitest";
import {
  decideInvitationCommand,
  decideInvite,
  INVITATION_DEFAULT_TTL_MS,
  INVITATION_MAX_TTL_MS,
  INVITATION_MIN_TTL_MS,
  type InvitationActor,
  type InvitationCommand,
  type InvitationFacts,
  invitationActions,
  invitationExpiry,
  invitationLapsed,
} from "./invitations";
import type { InvitationStatus } from "./vocabulary";

const NOW = new Date("2026-12-02T12:00:00Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

const OWNER: InvitationActor = { userId: "client-sam", isAdmin: false };
const OTHER_CLIENT: InvitationActor = { userId: "client-diego", isAdmin: false };
const ADVISOR: InvitationActor = { userId: "advisor-amira", isAdmin: false };
const OTHER_ADVISOR: InvitationActor = { userId: "advisor-lucas", isAdmin: false };
const ADMIN: InvitationActor = { userId: "admin", isAdmin: true };

describe("invitationExpiry", () => {
  const cases: { name: string; requested: Date | null; want: Date | "out_of_range" }[] = [
    { name: "default: 30 days", requested: null, want: at(INVITATION_DEFAULT_TTL_MS) },
    { name: "exactly the minimum (1 hour)", requested: at(INVITATION_MIN_TTL_MS), want: at(HOUR) },
    {
      name: "just under the minimum",
      requested: at(INVITATION_MIN_TTL_MS - 1),
      want: "out_of_range",
    },
    { name: "in the past", requested: at(-HOUR), want: "out_of_range" },
    {
      name: "exactly the maximum (180 days)",
      requested: at(INVITATION_MAX_TTL_MS),
      want: at(INVITATION_MAX_TTL_MS),
    },
    {
      name: "just over the maximum",
      requested: at(INVITATION_MAX_TTL_MS + 1),
      want: "out_of_range",
    },
    { name: "not a date", requested: new Date(Number.NaN), want: "out_of_range" },
  ];
  it.each(cases)("$name", ({ requested, want }) => {
    const result = invitationExpiry({ requested, now: NOW });
    if (want === "out_of_range") {
      expect(result).toEqual({
        ok: false,
        error: { code: "INVITATION_EXPIRY_OUT_OF_RANGE", minHours: 1, maxDays: 180 },
      });
    } else {
      expect(result).toEqual({ ok: true, value: want });
    }
  });
});

describe("decideInvite", () => {
  const base = {
    projectId: "project-1",
    project: { ownerId: OWNER.userId, archivedAt: null as Date | null },
    advisorId: ADVISOR.userId,
    advisorStatus: "active" as const,
    hasLiveInvitation: false,
    now: NOW,
  };
  const cases: {
    name: string;
    actor: InvitationActor;
    over?: Partial<Parameters<typeof decideInvite>[0]>;
    want: string;
  }[] = [
    { name: "the owner invites an active advisor", actor: OWNER, want: "ok" },
    { name: "an admin invites for the owner", actor: ADMIN, want: "ok" },
    {
      name: "another client can't see the project",
      actor: OTHER_CLIENT,
      want: "PROJECT_NOT_FOUND",
    },
    { name: "an advisor can't invite", actor: OTHER_ADVISOR, want: "PROJECT_NOT_FOUND" },
    {
      name: "an unknown project",
      actor: ADMIN,
      over: { project: null },
      want: "PROJECT_NOT_FOUND",
    },
    {
      name: "an archived project",
      actor: OWNER,
      over: { project: { ownerId: OWNER.userId, archivedAt: at(-HOUR) } },
      want: "PROJECT_ARCHIVED",
    },
    {
      name: "the owner inviting themselves",
      actor: OWNER,
      over: { advisorId: OWNER.userId },
      want: "CANNOT_INVITE_SELF",
    },
    {
      name: "someone who isn't an approved advisor",
      actor: OWNER,
      over: { advisorStatus: null },
      want: "ADVISOR_NOT_FOUND",
    },
    {
      name: "a suspended advisor",
      actor: OWNER,
      over: { advisorStatus: "suspended" },
      want: "ADVISOR_NOT_INVITABLE",
    },
    {
      name: "an advisor already invited (pending or accepted)",
      actor: OWNER,
      over: { hasLiveInvitation: true },
      want: "INVITATION_EXISTS",
    },
    {
      name: "an expiry in the past",
      actor: OWNER,
      over: { expiresAt: at(-1) },
      want: "INVITATION_EXPIRY_OUT_OF_RANGE",
    },
  ];
  it.each(cases)("$name → $want", ({ actor, over, want }) => {
    const result = decideInvite({ ...base, actor, ...over });
    expect(result.ok ? "ok" : result.error.code).toBe(want);
  });

  it("stores the default expiry when none is asked for", () => {
    expect(decideInvite({ ...base, actor: OWNER })).toEqual({
      ok: true,
      value: { expiresAt: at(INVITATION_DEFAULT_TTL_MS) },
    });
  });
});

describe("decideInvitationCommand and invitationActions", () => {
  const facts = (over: Partial<InvitationFacts> = {}): InvitationFacts & { id: string } => ({
    id: "inv-1",
    advisorId: ADVISOR.userId,
    status: "pending",
    expiresAt: at(HOUR),
    project: { id: "project-1", ownerId: OWNER.userId, archivedAt: null },
    advisorStatus: "active",
    ...over,
  });
  type Case = {
    name: string;
    command: InvitationCommand;
    actor: InvitationActor;
    over?: Partial<InvitationFacts>;
    want: string;
  };
  const statuses: InvitationStatus[] = ["pending", "accepted", "declined", "revoked", "expired"];
  const cases: Case[] = [
    {
      name: "the advisor accepts a pending invitation",
      command: "accept",
      actor: ADVISOR,
      want: "accepted",
    },
    {
      name: "the advisor declines a pending invitation",
      command: "decline",
      actor: ADVISOR,
      want: "declined",
    },
    ...statuses
      .filter((s) => s !== "pending")
      .flatMap((status): Case[] => [
        {
          name: `accept when ${status}`,
          command: "accept",
          actor: ADVISOR,
          over: { status },
          want: "INVITATION_NOT_PENDING",
        },
        {
          name: `decline when ${status}`,
          command: "decline",
          actor: ADVISOR,
          over: { status },
          want: "INVITATION_NOT_PENDING",
        },
      ]),
    {
      name: "accept once expired",
      command: "accept",
      actor: ADVISOR,
      over: { expiresAt: NOW },
      want: "INVITATION_EXPIRED",
    },
    {
      name: "decline once expired",
      command: "decline",
      actor: ADVISOR,
      over: { expiresAt: NOW },
      want: "INVITATION_EXPIRED",
    },
    {
      name: "accept into an archived project",
      command: "accept",
      actor: ADVISOR,
      over: { project: { id: "project-1", ownerId: OWNER.userId, archivedAt: at(-HOUR) } },
      want: "PROJECT_ARCHIVED",
    },
    {
      name: "decline in an archived project",
      command: "decline",
      actor: ADVISOR,
      over: { project: { id: "project-1", ownerId: OWNER.userId, archivedAt: at(-HOUR) } },
      want: "declined",
    },
    {
      name: "accept while suspended",
      command: "accept",
      actor: ADVISOR,
      over: { advisorStatus: "suspended" },
      want: "ADVISOR_ACCOUNT_SUSPENDED",
    },
    {
      name: "decline while suspended",
      command: "decline",
      actor: ADVISOR,
      over: { advisorStatus: "suspended" },
      want: "declined",
    },
    {
      name: "the owner can't accept for the advisor",
      command: "accept",
      actor: OWNER,
      want: "INVITATION_FORBIDDEN",
    },
    {
      name: "an admin can't accept for the advisor",
      command: "accept",
      actor: ADMIN,
      want: "INVITATION_FORBIDDEN",
    },
    {
      name: "the owner can't decline for the advisor",
      command: "decline",
      actor: OWNER,
      want: "INVITATION_FORBIDDEN",
    },
    {
      name: "another advisor can't see it",
      command: "accept",
      actor: OTHER_ADVISOR,
      want: "INVITATION_NOT_FOUND",
    },
    {
      name: "another client can't see it",
      command: "revoke",
      actor: OTHER_CLIENT,
      want: "INVITATION_NOT_FOUND",
    },
    {
      name: "the owner revokes a pending invitation",
      command: "revoke",
      actor: OWNER,
      want: "revoked",
    },
    {
      name: "the owner revokes an accepted invitation",
      command: "revoke",
      actor: OWNER,
      over: { status: "accepted" },
      want: "revoked",
    },
    {
      name: "an admin revokes an accepted invitation",
      command: "revoke",
      actor: ADMIN,
      over: { status: "accepted" },
      want: "revoked",
    },
    {
      name: "the owner revokes one past its expiry the task hasn't reached",
      command: "revoke",
      actor: OWNER,
      over: { expiresAt: NOW },
      want: "revoked",
    },
    ...(["declined", "revoked", "expired"] as const).map((status): Case => ({
      name: `revoke when ${status}`,
      command: "revoke",
      actor: OWNER,
      over: { status },
      want: "INVITATION_NOT_REVOCABLE",
    })),
    {
      name: "the advisor can't revoke",
      command: "revoke",
      actor: ADVISOR,
      over: { status: "accepted" },
      want: "INVITATION_FORBIDDEN",
    },
  ];
  it.each(cases)("$name → $want", ({ command, actor, over, want }) => {
    const result = decideInvitationCommand(command, actor, facts(over), NOW);
    expect(result.ok ? result.value.status : result.error.code).toBe(want);
  });

  const actionCases: {
    name: string;
    actor: InvitationActor;
    over?: Partial<InvitationFacts>;
    want: { accept: boolean; decline: boolean; revoke: boolean };
  }[] = [
    {
      name: "advisor, pending",
      actor: ADVISOR,
      want: { accept: true, decline: true, revoke: false },
    },
    {
      name: "advisor, accepted",
      actor: ADVISOR,
      over: { status: "accepted" },
      want: { accept: false, decline: false, revoke: false },
    },
    {
      name: "advisor, suspended",
      actor: ADVISOR,
      over: { advisorStatus: "suspended" },
      want: { accept: false, decline: true, revoke: false },
    },
    { name: "owner, pending", actor: OWNER, want: { accept: false, decline: false, revoke: true } },
    {
      name: "owner, accepted",
      actor: OWNER,
      over: { status: "accepted" },
      want: { accept: false, decline: false, revoke: true },
    },
    {
      name: "owner, declined",
      actor: OWNER,
      over: { status: "declined" },
      want: { accept: false, decline: false, revoke: false },
    },
    {
      name: "admin, accepted",
      actor: ADMIN,
      over: { status: "accepted" },
      want: { accept: false, decline: false, revoke: true },
    },
    {
      name: "stranger",
      actor: OTHER_CLIENT,
      want: { accept: false, decline: false, revoke: false },
    },
  ];
  it.each(actionCases)("actions: $name", ({ actor, over, want }) => {
    expect(invitationActions(actor, facts(over), NOW)).toEqual(want);
  });
});

describe("invitationLapsed", () => {
  it.each([
    { status: "pending" as const, expiresAt: NOW, want: true },
    { status: "accepted" as const, expiresAt: at(-1), want: true },
    { status: "accepted" as const, expiresAt: at(1), want: false },
    { status: "declined" as const, expiresAt: at(-HOUR), want: false },
    { status: "revoked" as const, expiresAt: at(-HOUR), want: false },
    { status: "expired" as const, expiresAt: at(-HOUR), want: false },
  ])("$status expiring at $expiresAt → $want", ({ status, expiresAt, want }) => {
    expect(invitationLapsed({ status, expiresAt }, NOW)).toBe(want);
  });
});
