import {
  getUserWithRoles,
  type JobPayload,
  loadConsultationNoticeContext,
  markNotificationFailed,
  markNotificationSent,
  putNotification,
  type UserWithRoles,
} from "@an/db";
import { type Locale, negotiateLocale, translator, type Translator } from "@an/domain";
import { renderBillingNotice } from "../notifications/billing-notice";
import { renderChatDigest } from "../notifications/chat-digest";
import { renderConsultationNotice } from "../notifications/consultation-notice";
import type { TaskHandler, WorkerDeps } from "./types";

type Payload = JobPayload<"send_notification">;
/** Templates whose text needs nothing beyond the payload itself. */
type SimplePayload = Exclude<
  Payload,
  {
    template: "consultation_notice" | "chat_digest" | "billing_notice" | "application_invitation";
  }
>;

/** The values a simple template interpolates beyond the recipient's name, already localized. */
function templateVars(payload: SimplePayload, t: Translator): Record<string, string> {
  switch (payload.template) {
    case "role_granted":
    case "role_revoked":
      return { role: t(`roles.${payload.params.role}`) };
    case "application_rejected":
      return { reason: payload.params.reason };
    case "application_changes_requested":
      return { notes: payload.params.notes };
    case "application_submitted":
    case "application_approved":
      return {};
    case "invitation_received":
    case "invitation_revoked":
    case "invitation_expired":
      return { project: payload.params.project, client: payload.params.client };
    case "invitation_accepted":
    case "invitation_declined":
      return { project: payload.params.project, advisor: payload.params.advisor };
  }
}

/**
 * The message's subject and body in the recipient's locale, or null when there is nothing
 * left to tell (the consultation a notice is about no longer exists).
 */
async function render(
  deps: WorkerDeps,
  payload: Payload,
  user: UserWithRoles,
  locale: Locale,
): Promise<{ subject: string; body: string } | null> {
  const t = translator(locale);
  if (payload.template === "chat_digest") {
    return renderChatDigest({ params: payload.params, recipient: user, t });
  }
  if (payload.template === "billing_notice") {
    return renderBillingNotice({ params: payload.params, recipient: user, locale, t });
  }
  if (payload.template === "consultation_notice") {
    const context = await loadConsultationNoticeContext(deps.db, {
      consultationId: payload.params.consultationId,
    });
    if (!context) return null;
    return renderConsultationNotice({
      context,
      params: payload.params,
      recipient: user,
      locale,
      t,
    });
  }
  // Addressed to an email, not a user: sendToAddress renders it.
  if (payload.template === "application_invitation") return null;
  const vars = { name: user.firstName ?? user.email ?? "", ...templateVars(payload, t) };
  return {
    subject: t(`notifications.${payload.template}.subject`, vars),
    body: t(`notifications.${payload.template}.body`, vars),
  };
}

/**
 * Renders a notification in the recipient's locale into the outbox, then sends it by SMTP
 * when configured. Idempotent: the outbox row is keyed by the payload's dedupe key, and a
 * message already sent is not sent again. A failed send is recorded and rethrown, so
 * graphile-worker retries it with backoff.
 */
export function sendNotification(deps: WorkerDeps): TaskHandler<"send_notification"> {
  return async (payload, helpers) => {
    if (payload.userId === undefined) {
      await sendToAddress(deps, payload);
      return;
    }
    const user = await getUserWithRoles(deps.db, { id: payload.userId });
    if (!user) {
      helpers.logger.warn(
        `send_notification: user ${payload.userId} no longer exists; nothing to send`,
      );
      return;
    }
    const locale = negotiateLocale({ userLocale: user.locale });
    const rendered = await render(deps, payload, user, locale);
    if (!rendered) {
      helpers.logger.warn(
        `send_notification ${payload.dedupeKey}: what it is about no longer exists; nothing to send`,
      );
      return;
    }
    const message = await putNotification(deps.db, {
      dedupeKey: payload.dedupeKey,
      userId: user.id,
      toEmail: user.email,
      template: payload.template,
      params: payload.params,
      locale,
      subject: rendered.subject,
      body: rendered.body,
    });
    await deliver(deps, message);
  };
}

/**
 * A message to an address with no account behind it (an application invitation), in the
 * locale the job names: the outbox row has no user.
 */
async function sendToAddress(deps: WorkerDeps, payload: Payload): Promise<void> {
  if (payload.template !== "application_invitation" || !payload.toEmail) {
    throw new Error(`send_notification ${payload.dedupeKey}: only invitations go to an address`);
  }
  const locale = negotiateLocale({ userLocale: payload.locale ?? null });
  const t = translator(locale);
  // The invitee's time zone is unknown too: the time is given in UTC, and says so.
  const expires = `${new Intl.DateTimeFormat(locale, {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(new Date(payload.params.expiresAt))} UTC`;
  const vars = { token: payload.params.token, expiresAt: expires };
  const message = await putNotification(deps.db, {
    dedupeKey: payload.dedupeKey,
    userId: null,
    toEmail: payload.toEmail,
    template: payload.template,
    // The token is in the body the invitee needs; it is not repeated in the params.
    params: { expiresAt: payload.params.expiresAt },
    locale,
    subject: t("notifications.application_invitation.subject", vars),
    body: t("notifications.application_invitation.body", vars),
  });
  await deliver(deps, message);
}

/** Sends an outbox message by SMTP when configured; a message already sent is not resent. */
async function deliver(
  deps: WorkerDeps,
  message: Awaited<ReturnType<typeof putNotification>>,
): Promise<void> {
  if (message.status === "sent" || !deps.mailer) return;
  if (!message.toEmail) {
    await markNotificationFailed(deps.db, {
      id: message.id,
      error: "recipient has no email address",
    });
    return;
  }
  try {
    const info = (await deps.mailer.sendMail({
      from: deps.mailFrom,
      to: message.toEmail,
      subject: message.subject,
      text: message.body,
      headers: { "X-Notification-Id": message.id },
    })) as { messageId?: string };
    await markNotificationSent(deps.db, {
      id: message.id,
      providerMessageId: info.messageId ?? null,
    });
  } catch (error) {
    await markNotificationFailed(deps.db, { id: message.id, error: String(error) });
    throw error;
  }
}
