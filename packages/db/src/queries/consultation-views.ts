import { and, asc, desc, eq, gte, inArray, lt, notInArray, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  applyEvent,
  type ClientSeenByAdvisor,
  clientForAdvisor,
  CONSULTATION_STATES,
  type ConsultationEvent,
  type ConsultationStatus,
  type CurrencyCode,
  type LedgerLine,
  needsAdminAttention,
  type PartyRole,
  type TransitionError,
} from "@an/domain";
import type { Executor } from "../client";
import { findFirstAdvisorReplyAt } from "./passes";
import {
  advisors,
  consultationEvents,
  consultations,
  payments,
  projects,
  refunds,
  users,
  webhookEvents,
} from "../schema";
import { listAuditForSubject } from "./audit";
import { type ConsultationRow, toMachine } from "./consultations";
import { listIncidents } from "./incidents";
import { listEntriesForConsultation } from "./ledger";

/** The linked project as consultation outputs show it (a left join: both or neither). */
function linkedProject(
  id: string | null,
  name: string | null,
): { id: string; name: string } | null {
  return id !== null && name !== null ? { id, name } : null;
}

/** A keyset position in a consultation list: (start time, id), newest start first. */
export type ConsultationCursor = { at: Date; id: string };

/** The states that wait on an admin's decision, derived from the transition table. */
export const ATTENTION_STATES: readonly ConsultationStatus[] =
  CONSULTATION_STATES.filter(needsAdminAttention);

const clientUsers = alias(users, "client_users");

const keysetAfter = (cursor: ConsultationCursor | null | undefined) =>
  cursor
    ? or(
        lt(consultations.startsAt, cursor.at),
        and(eq(consultations.startsAt, cursor.at), lt(consultations.id, cursor.id)),
      )
    : undefined;

function page<T extends { id: string; startsAt: Date }>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: ConsultationCursor | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? { at: last.startsAt, id: last.id } : null,
  };
}

/** One line of a party's consultation list. The client appears by first name only. */
export type PartyConsultationItem = {
  id: string;
  status: ConsultationStatus;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  currency: string;
  price: number;
  /** The free-text project reference older bookings carry. */
  project: string | null;
  /** The client's project the consultation is linked to. */
  linkedProject: { id: string; name: string } | null;
  advisor: { id: string; displayName: string };
  client: ClientSeenByAdvisor;
};

/**
 * The caller's own consultations, as the client or as the advisor, newest start first.
 * Whichever side asks, the client is only ever selected by first name (the advisor's view
 * of a client), so nothing here can leak an email or last name.
 */
export async function listPartyConsultations(
  ex: Executor,
  params: {
    userId: string;
    as: PartyRole;
    status?: ConsultationStatus;
    limit: number;
    cursor?: ConsultationCursor | null;
  },
): Promise<{ items: PartyConsultationItem[]; nextCursor: ConsultationCursor | null }> {
  const rows = await ex
    .select({
      id: consultations.id,
      status: consultations.status,
      startsAt: consultations.startsAt,
      endsAt: consultations.endsAt,
      durationMinutes: consultations.durationMinutes,
      currency: consultations.currency,
      price: consultations.price,
      project: consultations.project,
      linkedProjectId: projects.id,
      linkedProjectName: projects.name,
      advisorId: consultations.advisorId,
      advisorName: advisors.displayName,
      clientFirstName: clientUsers.firstName,
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(clientUsers, eq(clientUsers.id, consultations.clientId))
    .leftJoin(projects, eq(projects.id, consultations.projectId))
    .where(
      and(
        params.as === "client"
          ? eq(consultations.clientId, params.userId)
          : eq(consultations.advisorId, params.userId),
        params.status ? eq(consultations.status, params.status) : undefined,
        keysetAfter(params.cursor),
      ),
    )
    .orderBy(desc(consultations.startsAt), desc(consultations.id))
    .limit(params.limit + 1);
  const { items, nextCursor } = page(rows, params.limit);
  return {
    items: items.map(
      ({ advisorId, advisorName, clientFirstName, linkedProjectId, linkedProjectName, ...r }) => ({
        ...r,
        linkedProject: linkedProject(linkedProjectId, linkedProjectName),
        advisor: { id: advisorId, displayName: advisorName },
        client: clientForAdvisor({ firstName: clientFirstName }),
      }),
    ),
    nextCursor,
  };
}

/** A timeline line as a party sees it: what happened, when, by which side — no user ids. */
export type PartyTimelineItem = {
  type: string;
  at: Date;
  actor: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
};

/** One consultation as one of its parties may see it (the projection per side is the API's). */
export type PartyConsultation = {
  role: PartyRole;
  consultation: ConsultationRow;
  advisor: { id: string; displayName: string };
  client: ClientSeenByAdvisor;
  /** The client's project the consultation is linked to (`consultation.project` is the legacy text). */
  linkedProject: { id: string; name: string } | null;
  timeline: PartyTimelineItem[];
  refunds: { amount: number; currency: string; status: string; createdAt: Date }[];
  /** The checkout page still open for payment, if any (client only, awaiting payment). */
  checkoutUrl: string | null;
};

/**
 * A consultation for one of its parties, or null when it isn't theirs (or doesn't exist —
 * indistinguishable on purpose). Only applied events are on this timeline.
 */
export async function getPartyConsultation(
  ex: Executor,
  params: { consultationId: string; userId: string; now: Date },
): Promise<PartyConsultation | null> {
  const [found] = await ex
    .select({
      consultation: consultations,
      advisorName: advisors.displayName,
      clientFirstName: clientUsers.firstName,
      linkedProjectId: projects.id,
      linkedProjectName: projects.name,
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(clientUsers, eq(clientUsers.id, consultations.clientId))
    .leftJoin(projects, eq(projects.id, consultations.projectId))
    .where(eq(consultations.id, params.consultationId));
  if (!found) return null;
  const c = found.consultation;
  const role =
    c.clientId === params.userId ? "client" : c.advisorId === params.userId ? "advisor" : null;
  if (!role) return null;
  const [timeline, refundRows, openPayments] = await Promise.all([
    ex
      .select({
        type: consultationEvents.type,
        at: consultationEvents.at,
        actor: consultationEvents.actor,
        fromStatus: consultationEvents.fromStatus,
        toStatus: consultationEvents.toStatus,
        reason: consultationEvents.reason,
      })
      .from(consultationEvents)
      .where(and(eq(consultationEvents.consultationId, c.id), eq(consultationEvents.applied, true)))
      .orderBy(asc(consultationEvents.at), asc(consultationEvents.id)),
    ex
      .select({
        amount: refunds.amount,
        currency: refunds.currency,
        status: refunds.status,
        createdAt: refunds.createdAt,
      })
      .from(refunds)
      .where(eq(refunds.consultationId, c.id))
      .orderBy(asc(refunds.createdAt)),
    role === "client" && c.status === "awaiting_payment"
      ? ex
          .select({ url: payments.url, expiresAt: payments.expiresAt })
          .from(payments)
          .where(and(eq(payments.consultationId, c.id), eq(payments.status, "open")))
          .orderBy(desc(payments.createdAt))
      : Promise.resolve([]),
  ]);
  const open = openPayments.find(
    (p) => p.url !== null && p.expiresAt.getTime() > params.now.getTime(),
  );
  return {
    role,
    consultation: c,
    advisor: { id: c.advisorId, displayName: found.advisorName },
    client: clientForAdvisor({ firstName: found.clientFirstName }),
    linkedProject: linkedProject(found.linkedProjectId, found.linkedProjectName),
    timeline,
    refunds: refundRows,
    checkoutUrl: open?.url ?? null,
  };
}

/** One line of the admins' consultation list: both parties in full. */
export type AdminConsultationItem = {
  id: string;
  status: ConsultationStatus;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  currency: string;
  price: number;
  refundablePrice: number;
  holdEndsAt: Date | null;
  createdAt: Date;
  advisor: { id: string; displayName: string };
  client: { id: string; email: string | null; firstName: string | null; lastName: string | null };
  needsAttention: boolean;
};

/**
 * Every consultation, newest start first, filtered by status, either party, start time
 * range [from, to), and whether it waits on an admin (statuses derived from the table).
 */
export async function listConsultationsForAdmin(
  ex: Executor,
  params: {
    statuses?: readonly ConsultationStatus[];
    advisorId?: string;
    clientId?: string;
    needsAttention?: boolean;
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: ConsultationCursor | null;
  },
): Promise<{ items: AdminConsultationItem[]; nextCursor: ConsultationCursor | null }> {
  const rows = await ex
    .select({
      id: consultations.id,
      status: consultations.status,
      startsAt: consultations.startsAt,
      endsAt: consultations.endsAt,
      durationMinutes: consultations.durationMinutes,
      currency: consultations.currency,
      price: consultations.price,
      refundablePrice: consultations.refundablePrice,
      holdEndsAt: consultations.holdEndsAt,
      createdAt: consultations.createdAt,
      advisorId: consultations.advisorId,
      advisorName: advisors.displayName,
      clientId: consultations.clientId,
      clientEmail: clientUsers.email,
      clientFirstName: clientUsers.firstName,
      clientLastName: clientUsers.lastName,
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(clientUsers, eq(clientUsers.id, consultations.clientId))
    .where(
      and(
        params.statuses?.length ? inArray(consultations.status, [...params.statuses]) : undefined,
        params.needsAttention === true
          ? inArray(consultations.status, [...ATTENTION_STATES])
          : undefined,
        params.needsAttention === false
          ? notInArray(consultations.status, [...ATTENTION_STATES])
          : undefined,
        params.advisorId ? eq(consultations.advisorId, params.advisorId) : undefined,
        params.clientId ? eq(consultations.clientId, params.clientId) : undefined,
        params.from ? gte(consultations.startsAt, params.from) : undefined,
        params.to ? lt(consultations.startsAt, params.to) : undefined,
        keysetAfter(params.cursor),
      ),
    )
    .orderBy(desc(consultations.startsAt), desc(consultations.id))
    .limit(params.limit + 1);
  const { items, nextCursor } = page(rows, params.limit);
  return {
    items: items.map((r) => ({
      id: r.id,
      status: r.status,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      durationMinutes: r.durationMinutes,
      currency: r.currency,
      price: r.price,
      refundablePrice: r.refundablePrice,
      holdEndsAt: r.holdEndsAt,
      createdAt: r.createdAt,
      advisor: { id: r.advisorId, displayName: r.advisorName },
      client: {
        id: r.clientId,
        email: r.clientEmail,
        firstName: r.clientFirstName,
        lastName: r.clientLastName,
      },
      needsAttention: needsAdminAttention(r.status),
    })),
    nextCursor,
  };
}

/** The webhook deliveries about a consultation, oldest first, without their bodies. */
export async function listWebhookEventsForConsultation(
  ex: Executor,
  params: { consultationId: string },
) {
  return ex
    .select({
      id: webhookEvents.id,
      provider: webhookEvents.provider,
      eventType: webhookEvents.eventType,
      providerEventId: webhookEvents.providerEventId,
      subject: webhookEvents.subject,
      bodySha256: webhookEvents.bodySha256,
      status: webhookEvents.status,
      outcome: webhookEvents.outcome,
      attempts: webhookEvents.attempts,
      receivedAt: webhookEvents.receivedAt,
      processedAt: webhookEvents.processedAt,
      bodyPurgedAt: webhookEvents.bodyPurgedAt,
      replayedAt: webhookEvents.replayedAt,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.consultationId, params.consultationId))
    .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id));
}

/**
 * Everything about one consultation for an admin: the row (quote, rules, policy), both
 * parties in full, the whole timeline including refused events, ledger entries with their
 * postings, payments, refunds, incidents, webhook deliveries (no bodies) and the audit
 * trail. Null when it doesn't exist.
 */
export async function getConsultationForAdmin(ex: Executor, params: { consultationId: string }) {
  const [found] = await ex
    .select({
      consultation: consultations,
      advisorName: advisors.displayName,
      advisorEmail: users.email,
      advisorTimeZone: advisors.timeZone,
      client: {
        id: clientUsers.id,
        email: clientUsers.email,
        firstName: clientUsers.firstName,
        lastName: clientUsers.lastName,
        locale: clientUsers.locale,
        timeZone: clientUsers.timeZone,
      },
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(users, eq(users.id, consultations.advisorId))
    .innerJoin(clientUsers, eq(clientUsers.id, consultations.clientId))
    .where(eq(consultations.id, params.consultationId));
  if (!found) return null;
  const id = found.consultation.id;
  const [timeline, ledger, paymentRows, refundRows, incidents, webhooks, audit] = await Promise.all(
    [
      ex
        .select()
        .from(consultationEvents)
        .where(eq(consultationEvents.consultationId, id))
        .orderBy(asc(consultationEvents.at), asc(consultationEvents.id)),
      listEntriesForConsultation(ex, { consultationId: id }),
      ex
        .select()
        .from(payments)
        .where(eq(payments.consultationId, id))
        .orderBy(asc(payments.createdAt)),
      ex
        .select()
        .from(refunds)
        .where(eq(refunds.consultationId, id))
        .orderBy(asc(refunds.createdAt)),
      listIncidents(ex, { consultationId: id, limit: 100 }),
      listWebhookEventsForConsultation(ex, { consultationId: id }),
      listAuditForSubject(ex, { subjectType: "consultation", subjectId: id, limit: 100 }),
    ],
  );
  return {
    consultation: found.consultation,
    advisor: {
      id: found.consultation.advisorId,
      displayName: found.advisorName,
      email: found.advisorEmail,
      /** The zone the advisor works in (their profile's), for times in their own clock. */
      timeZone: found.advisorTimeZone,
    },
    client: found.client,
    needsAttention: needsAdminAttention(found.consultation.status),
    timeline,
    ledger,
    payments: paymentRows,
    refunds: refundRows,
    incidents,
    webhookEvents: webhooks,
    audit,
  };
}

export type EventPreview =
  | { kind: "not_found" }
  | { kind: "refused"; error: TransitionError }
  | {
      kind: "ok";
      before: ConsultationRow;
      status: ConsultationStatus;
      /** What stays refundable afterwards, split like the quote. */
      refundable: { price: number; platformFee: number; advisorShare: number };
      /** Money back to the client (refund effects). */
      refund: number;
      /** Amount to take back from an advisor already paid out. */
      reverseTransfer: number;
      ledger: {
        kind: string;
        lines: { account: string; amount: number; currency: CurrencyCode }[];
      }[];
    };

/**
 * A dry run of one event on a stored consultation at `now`: the domain machine computes
 * the outcome (status, what stays refundable, refunds, ledger lines) exactly as applying
 * it would, and nothing is written. Refunds previewed here are the refunds applied.
 */
export async function previewConsultationEvent(
  ex: Executor,
  params: { consultationId: string; event: (row: ConsultationRow) => ConsultationEvent; now: Date },
): Promise<EventPreview> {
  const [row] = await ex
    .select()
    .from(consultations)
    .where(eq(consultations.id, params.consultationId));
  if (!row) return { kind: "not_found" };
  const reply =
    row.kind === "async_pass"
      ? await findFirstAdvisorReplyAt(ex, { consultationId: row.id })
      : null;
  const result = applyEvent(toMachine(row, [], reply), params.event(row), params.now);
  if (!result.ok) return { kind: "refused", error: result.error };
  const { consultation: next, effects } = result.value;
  const total = (type: "refund_payment" | "reverse_transfer") =>
    effects.reduce((sum, e) => (e.type === type ? sum + e.amount.amount : sum), 0);
  const line = (l: LedgerLine) => ({
    account: l.account,
    amount: l.amount.amount,
    currency: l.amount.currency,
  });
  return {
    kind: "ok",
    before: row,
    status: next.status,
    refundable: {
      price: next.refundable.price.amount,
      platformFee: next.refundable.platformFee.amount,
      advisorShare: next.refundable.advisorShare.amount,
    },
    refund: total("refund_payment"),
    reverseTransfer: total("reverse_transfer"),
    ledger: effects.flatMap((e) =>
      e.type === "post_ledger" ? [{ kind: e.entry.kind, lines: e.entry.lines.map(line) }] : [],
    ),
  };
}
