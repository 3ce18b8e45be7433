import { sql } from "drizzle-orm";
import {
  type AdvisorStatus,
  type ChatAccess,
  type ChatCaller,
  type ConsultationKind,
  type ConsultationStatus,
  chatAccessReviewAt,
  decideChatAccess,
  type InvitationStatus,
  LIVE_INVITATION_STATUSES,
} from "@an/domain";
import type { Executor } from "../client";
import {
  advisorInvitations,
  advisors,
  consultations,
  conversationMembers,
  conversations,
  projects,
  users,
} from "../schema";

export type ChatAccessResult = {
  conversation: { id: string; projectId: string; lastSeq: number };
  access: ChatAccess;
  /** When time alone could next change `access` (see `chatAccessReviewAt`); null: never. */
  reviewAt: Date | null;
  /** What names a user caller as a message sender (null for the assistant). */
  callerNames: ChatSenderNames | null;
};

/** A sender's names, as a message view needs them. */
export type ChatSenderNames = {
  firstName: string | null;
  lastName: string | null;
  advisorName: string | null;
};

/**
 * Reads what decides a caller's access to a conversation and asks the domain. Null when the
 * conversation doesn't exist. Every read and every send calls this, and live streams call it
 * again when a membership changes, so a revoked, expired or suspended advisor loses access
 * at once.
 */
export async function loadChatAccess(
  ex: Executor,
  params: { conversationId: string; caller: ChatCaller; now: Date },
): Promise<ChatAccessResult | null> {
  const caller = params.caller;
  // Every chat call and every live stream asks this, so it is one round trip: the
  // conversation and project, then (for a user who doesn't own the project) their latest
  // invitation, advisor standing, membership and engagements, as JSON columns.
  const userId = caller.kind === "user" ? caller.userId : null;
  const live = sql.join(
    LIVE_INVITATION_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const rows = await ex.execute<AccessRow>(sql`
    select c.id, c.project_id as "projectId", c.last_seq as "lastSeq",
           p.owner_id as "ownerId", p.archived_at as "archivedAt",
           case when ${userId}::text is null or ${userId}::text = p.owner_id then null else (
             select json_build_object(
                      'status', i.status, 'expiresAt', i.expires_at,
                      'seesHistory', i.sees_history, 'canPost', i.can_post)
               from ${advisorInvitations} i
              where i.project_id = c.project_id and i.advisor_id = ${userId}
              -- The live invitation (at most one) decides; else the latest ended one says
              -- why not. Creation time alone can tie, and then an ended one could hide a live one.
              order by (i.status in (${live})) desc, i.created_at desc, i.id desc
              limit 1) end as invitation,
           case when ${userId}::text is null or ${userId}::text = p.owner_id then null else (
             select a.status from ${advisors} a where a.user_id = ${userId}) end as "advisorStatus",
           case when ${userId}::text is null or ${userId}::text = p.owner_id then null else (
             select json_build_object(
                      'historyFromSeq', m.history_from_seq, 'removedAt', m.removed_at)
               from ${conversationMembers} m
              where m.conversation_id = c.id and m.user_id = ${userId}) end as member,
           case when ${userId}::text is null or ${userId}::text = p.owner_id then null else (
             select json_agg(json_build_object(
                      'id', k.id, 'kind', k.kind, 'status', k.status,
                      'startsAt', k.starts_at, 'endsAt', k.ends_at))
               from ${consultations} k
              where k.project_id = c.project_id and k.advisor_id = ${userId}) end as engagements,
           (select json_build_object(
                     'firstName', u.first_name, 'lastName', u.last_name,
                     'advisorName', (select a.display_name from ${advisors} a where a.user_id = u.id))
              from ${users} u where u.id = ${userId}) as "callerNames"
      from ${conversations} c
      join ${projects} p on p.id = c.project_id
     where c.id = ${params.conversationId}
  `);
  const row = rows[0];
  if (!row) return null;
  const conversation = { id: row.id, projectId: row.projectId, lastSeq: row.lastSeq };
  const project = { ownerId: row.ownerId, archivedAt: toDate(row.archivedAt) };
  const facts = {
    project,
    invitation: row.invitation
      ? { ...row.invitation, expiresAt: new Date(row.invitation.expiresAt) }
      : null,
    advisorStatus: row.advisorStatus,
    member: row.member
      ? {
          historyFromSeq: row.member.historyFromSeq,
          removedAt: toDate(row.member.removedAt),
        }
      : null,
    // Only an advisor's own consultations pay for chat time; without a standing there are none.
    engagements:
      row.advisorStatus === null
        ? []
        : (row.engagements ?? []).map((e) => ({
            ...e,
            startsAt: new Date(e.startsAt),
            endsAt: new Date(e.endsAt),
          })),
  };
  return {
    conversation,
    access: decideChatAccess(caller, facts, params.now),
    reviewAt: chatAccessReviewAt(caller, facts, params.now),
    callerNames: row.callerNames,
  };
}

type AccessRow = {
  id: string;
  projectId: string;
  lastSeq: number;
  ownerId: string;
  archivedAt: Date | string | null;
  invitation: {
    status: InvitationStatus;
    expiresAt: string;
    seesHistory: boolean;
    canPost: boolean;
  } | null;
  advisorStatus: AdvisorStatus | null;
  member: { historyFromSeq: number; removedAt: string | null } | null;
  callerNames: ChatSenderNames | null;
  engagements:
    | {
        id: string;
        kind: ConsultationKind;
        status: ConsultationStatus;
        startsAt: string;
        endsAt: string;
      }[]
    | null;
};

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}
