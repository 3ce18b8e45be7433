import type { StreamMessageRow } from "@an/db";
import { type ChatActorType, type ChatRole, clientForAdvisor } from "@an/domain";
import type { AttachmentView } from "../uploads/attachment-urls";

/** A message as a member sees it (the shape `chat.send` and history answer with). */
export type ChatMessageView = {
  id: string;
  conversationId: string;
  seq: number;
  actorType: ChatActorType;
  sender: { id: string; displayName: string } | null;
  body: string;
  attachments: AttachmentView[];
  engagementId: string | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  hidden: boolean;
  createdAt: Date;
};

/** A user's name as `viewerRole` may see it: advisors see a client's first name only. */
export function chatDisplayName(
  person: {
    actorType: ChatActorType;
    firstName: string | null;
    lastName: string | null;
    advisorName: string | null;
  },
  viewerRole: ChatRole,
): string {
  if (person.actorType === "advisor" && person.advisorName) return person.advisorName;
  if (person.actorType === "client" && viewerRole === "advisor") {
    return clientForAdvisor({ firstName: person.firstName }).firstName;
  }
  const full = [person.firstName, person.lastName]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(" ");
  return full || clientForAdvisor({ firstName: null }).firstName;
}

/**
 * A stored message as `viewerRole` sees it. Deleted and hidden messages keep their place
 * (seq) with an empty body for everyone but admins. Attachments carry signed links (`links`),
 * signed as the event is sent.
 */
export function toMessageView(
  row: StreamMessageRow,
  viewerRole: ChatRole,
  links: (attachments: StreamMessageRow["attachments"]) => AttachmentView[],
): ChatMessageView {
  const hidden = row.hiddenAt !== null;
  const blanked = (hidden || row.deletedAt !== null) && viewerRole !== "admin";
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    actorType: row.actorType,
    sender: row.senderId
      ? {
          id: row.senderId,
          displayName: chatDisplayName(
            {
              actorType: row.actorType,
              firstName: row.senderFirstName,
              lastName: row.senderLastName,
              advisorName: row.senderAdvisorName,
            },
            viewerRole,
          ),
        }
      : null,
    body: blanked ? "" : row.body,
    attachments: blanked ? [] : links(row.attachments),
    engagementId: row.engagementId,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    hidden,
    createdAt: row.createdAt,
  };
}
