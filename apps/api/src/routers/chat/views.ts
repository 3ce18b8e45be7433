import type { ChatMessageRecord } from "@an/db";
import { type ChatRole, chatSenderName } from "@an/domain";
import type { AttachmentUrls, AttachmentView } from "../../uploads/attachment-urls";

/** Turns stored attachments into what a viewer gets: each with a signed, expiring link. */
export type AttachmentLinks = (attachments: ChatMessageRecord["attachments"]) => AttachmentView[];

/** The attachment links of a request: signed now, with the context's signer. */
export function attachmentLinks(ctx: {
  attachmentUrls: AttachmentUrls;
  now: () => Date;
}): AttachmentLinks {
  return (attachments) => ctx.attachmentUrls.view(attachments, ctx.now());
}

/** A message as a chat member sees it. */
export type ChatMessageView = {
  id: string;
  conversationId: string;
  seq: number;
  actorType: ChatMessageRecord["actorType"];
  sender: { id: string; displayName: string } | null;
  /** The sender's own idempotency key, shown to the sender only (to match their echo). */
  clientMsgId: string | null;
  body: string;
  attachments: AttachmentView[];
  engagementId: string | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  hidden: boolean;
  createdAt: Date;
};

/**
 * A member's name as `viewerRole` may see it, for typing indicators: an advisor's public
 * name, else the person's full name; to an advisor, everyone else by first name only.
 */
export function chatMemberName(
  person: { firstName: string | null; lastName: string | null; advisorName: string | null },
  viewerRole: ChatRole,
): string {
  const asAdvisor = viewerRole !== "advisor" && person.advisorName !== null;
  return (
    chatSenderName(
      {
        actorType: asAdvisor ? "advisor" : "client",
        firstName: person.firstName,
        lastName: person.lastName,
        advisorDisplayName: person.advisorName,
      },
      viewerRole,
    ) ?? ""
  );
}

/**
 * A stored message for one viewer: senders named as that viewer may see them (a client
 * by first name only, to an advisor), and a deleted or hidden message's text and files
 * withheld from everyone but admins. Attachments carry signed links (`links`), never a bare
 * storage address.
 */
export function toMessageView(
  row: ChatMessageRecord,
  viewer: { role: ChatRole; authorKey: string },
  links: AttachmentLinks,
): ChatMessageView {
  const withheld = (row.deletedAt !== null || row.hiddenAt !== null) && viewer.role !== "admin";
  const displayName = chatSenderName(
    {
      actorType: row.actorType,
      firstName: row.senderFirstName,
      lastName: row.senderLastName,
      advisorDisplayName: row.senderAdvisorName,
    },
    viewer.role,
  );
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    actorType: row.actorType,
    sender: row.senderId && displayName ? { id: row.senderId, displayName } : null,
    clientMsgId: row.authorKey === viewer.authorKey ? row.clientMsgId : null,
    body: withheld ? "" : row.body,
    attachments: withheld ? [] : links(row.attachments),
    engagementId: row.engagementId,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    hidden: row.hiddenAt !== null,
    createdAt: row.createdAt,
  };
}
