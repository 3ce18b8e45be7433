import { desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { notifications } from "../schema";

export type NewNotification = {
  dedupeKey: string;
  userId: string | null;
  toEmail: string | null;
  template: string;
  params: Record<string, unknown>;
  locale: string;
  subject: string;
  body: string;
};

/**
 * Writes a message to the outbox, or returns the one already written under the same
 * dedupe key (a retried job must not write a second copy).
 */
export async function putNotification(ex: Executor, message: NewNotification) {
  // The row written, or (a retried job, a repeated event) the one already there.
  const [inserted] = await ex
    .insert(notifications)
    .values(message)
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning();
  if (inserted) return inserted;
  const [row] = await ex
    .select()
    .from(notifications)
    .where(eq(notifications.dedupeKey, message.dedupeKey))
    .limit(1);
  if (!row) throw new Error(`notification ${message.dedupeKey} vanished after insert`);
  return row;
}

export async function markNotificationSent(
  ex: Executor,
  params: { id: string; providerMessageId: string | null },
): Promise<void> {
  await ex
    .update(notifications)
    .set({
      status: "sent",
      sentAt: sql`now()`,
      providerMessageId: params.providerMessageId,
      attempts: sql`${notifications.attempts} + 1`,
      lastError: null,
    })
    .where(eq(notifications.id, params.id));
}

export async function markNotificationFailed(
  ex: Executor,
  params: { id: string; error: string },
): Promise<void> {
  await ex
    .update(notifications)
    .set({
      status: "failed",
      attempts: sql`${notifications.attempts} + 1`,
      lastError: params.error.slice(0, 2000),
    })
    .where(eq(notifications.id, params.id));
}

/** The newest outbox messages, for the console. */
export async function listNotifications(ex: Executor, params: { limit: number; userId?: string }) {
  return ex
    .select({
      id: notifications.id,
      userId: notifications.userId,
      toEmail: notifications.toEmail,
      template: notifications.template,
      locale: notifications.locale,
      subject: notifications.subject,
      status: notifications.status,
      attempts: notifications.attempts,
      lastError: notifications.lastError,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
    })
    .from(notifications)
    .where(params.userId ? eq(notifications.userId, params.userId) : undefined)
    .orderBy(desc(notifications.createdAt))
    .limit(params.limit);
}
