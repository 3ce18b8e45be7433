import type { JobPayload } from "@an/db";
import type { Translator } from "@an/domain";

/** The params of a `chat_digest` job, as the job contract defines them. */
export type ChatDigestParams = Extract<
  JobPayload<"send_notification">,
  { template: "chat_digest" }
>["params"];

const KEY = "notifications.chat_digest";

/**
 * Renders a member's chat digest in their locale: how many messages are unread in which
 * project, and the first few with their senders. The senders arrive already named as this
 * recipient may see them; the assistant and the system are named here, in their language.
 */
export function renderChatDigest(input: {
  params: ChatDigestParams;
  recipient: { firstName: string | null; email: string | null };
  t: Translator;
}): { subject: string; body: string } {
  const { params, recipient, t } = input;
  const lines = params.messages.map((m) =>
    t(`${KEY}.line`, {
      sender: m.name ?? t(`${KEY}.${m.actorType === "system" ? "system" : "assistant"}`),
      snippet: m.snippet || t(`${KEY}.noText`),
    }),
  );
  const more = params.count - params.messages.length;
  if (more > 0) lines.push(t(`${KEY}.more`, { more }));
  const vars = {
    name: recipient.firstName ?? recipient.email ?? "",
    project: params.projectName,
    count: params.count,
    lines: lines.join("\n"),
  };
  return { subject: t(`${KEY}.subject`, vars), body: t(`${KEY}.body`, vars) };
}
