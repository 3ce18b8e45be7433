import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  CHAT_ACTOR_TYPES,
  CHAT_MEMBER_ROLES,
  INVITATION_STATUSES,
  MESSAGE_FLAG_REASONS,
  SERVICE_CREDENTIAL_SCOPES,
} from "@an/domain";
import { advisors } from "./advisors";
import { timestamps } from "./columns";
import { consultations } from "./consultations";
import { projects } from "./projects";
import { users } from "./users";

export const chatActorType = pgEnum("chat_actor_type", CHAT_ACTOR_TYPES);
export const chatMemberRole = pgEnum("chat_member_role", CHAT_MEMBER_ROLES);
export const invitationStatus = pgEnum("invitation_status", INVITATION_STATUSES);
export const serviceCredentialScope = pgEnum("service_credential_scope", SERVICE_CREDENTIAL_SCOPES);
export const messageFlagReason = pgEnum("message_flag_reason", MESSAGE_FLAG_REASONS);

/**
 * One persistent conversation per project. `lastSeq` is the last message's `seq`: a sender
 * locks this row, takes `lastSeq + 1` and commits, so seqs are gap-free and commit order
 * equals seq order (a poller reading `seq > n` never skips a row).
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id),
    lastSeq: integer().notNull().default(0),
    lastMessageAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("conversations_project_key").on(t.projectId),
    check("conversations_last_seq_non_negative", sql`${t.lastSeq} >= 0`),
  ],
);

/**
 * A user's membership of a conversation: the owner, or an advisor whose invitation was
 * accepted. `lastReadSeq` only moves forward. An advisor who may not see the history before
 * joining sees messages with `seq > historyFromSeq`. `removedAt` ends the membership (the
 * row stays for the record); access is re-checked against the invitation on every read.
 */
export const conversationMembers = pgTable(
  "conversation_members",
  {
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id),
    role: chatMemberRole().notNull(),
    canPost: boolean().notNull().default(true),
    historyFromSeq: integer().notNull().default(0),
    lastReadSeq: integer().notNull().default(0),
    /** The unread seq a digest email was last sent up to (one digest per unread stretch). */
    digestedSeq: integer().notNull().default(0),
    joinedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    removedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("conversation_members_user_idx").on(t.userId),
    check(
      "conversation_members_seqs_non_negative",
      sql`${t.lastReadSeq} >= 0 and ${t.historyFromSeq} >= 0 and ${t.digestedSeq} >= 0`,
    ),
  ],
);

/** An attachment as stored through the upload path (bytes checked, metadata stripped). */
export type MessageAttachment = {
  path: string;
  contentType: string;
  bytes: number;
  name: string;
};

/**
 * A message. `authorKey` is who sent it for idempotency (`user:<id>`, `assistant:<credential
 * id>`, `system`); `clientMsgId` is unique per author and conversation, so a retry finds the
 * stored message. `engagementId` is the consultation (a booking on the project or an async
 * advice pass) that paid for an advisor's message. Edits and deletes are soft: the earlier
 * text is kept in `message_revisions`.
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    actorType: chatActorType().notNull(),
    /** The sending user (client or advisor); null for the assistant and the system. */
    senderId: text().references(() => users.id),
    /** The assistant's credential, when the assistant sent it. */
    credentialId: uuid().references(() => serviceCredentials.id),
    authorKey: text().notNull(),
    clientMsgId: text(),
    body: text().notNull(),
    attachments: jsonb().$type<MessageAttachment[]>().notNull().default([]),
    engagementId: uuid().references(() => consultations.id),
    editedAt: timestamp({ withTimezone: true, precision: 3 }),
    deletedAt: timestamp({ withTimezone: true, precision: 3 }),
    hiddenAt: timestamp({ withTimezone: true, precision: 3 }),
    hiddenBy: text().references(() => users.id),
    hiddenReason: text(),
    flaggedAt: timestamp({ withTimezone: true, precision: 3 }),
    flagReasons: messageFlagReason().array().notNull().default([]),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("messages_conversation_seq_key").on(t.conversationId, t.seq),
    uniqueIndex("messages_client_msg_id_key")
      .on(t.conversationId, t.authorKey, t.clientMsgId)
      .where(sql`${t.clientMsgId} is not null`),
    index("messages_engagement_idx")
      .on(t.engagementId)
      .where(sql`${t.engagementId} is not null`),
    index("messages_flagged_idx")
      .on(t.flaggedAt)
      .where(sql`${t.flaggedAt} is not null`),
    check("messages_seq_positive", sql`${t.seq} > 0`),
    check(
      "messages_hidden_has_reason",
      sql`${t.hiddenAt} is null or ${t.hiddenReason} is not null`,
    ),
    check(
      "messages_sender_matches_actor",
      sql`(${t.actorType} in ('client', 'advisor')) = (${t.senderId} is not null)`,
    ),
    check(
      "messages_credential_matches_actor",
      sql`(${t.actorType} = 'assistant') = (${t.credentialId} is not null)`,
    ),
  ],
);

/** The text a message had before each edit or delete, for moderation. */
export const messageRevisions = pgTable(
  "message_revisions",
  {
    id: uuid().primaryKey().defaultRandom(),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    body: text().notNull(),
    revisedBy: text().references(() => users.id),
    revisedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("message_revisions_message_idx").on(t.messageId, t.revisedAt)],
);

/** A member's report of a message, for admins to review; one per reporter and message. */
export const messageReports = pgTable(
  "message_reports",
  {
    id: uuid().primaryKey().defaultRandom(),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    reporterId: text()
      .notNull()
      .references(() => users.id),
    reason: text().notNull(),
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
    resolvedBy: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("message_reports_one_per_reporter").on(t.messageId, t.reporterId)],
);

/**
 * An advisor's invitation into a project's chat, with its scope: whether the advisor sees the
 * history before joining, whether they may post, when it expires. At most one live
 * (pending or accepted) invitation per project and advisor.
 */
export const advisorInvitations = pgTable(
  "advisor_invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    invitedBy: text()
      .notNull()
      .references(() => users.id),
    status: invitationStatus().notNull().default("pending"),
    seesHistory: boolean().notNull().default(false),
    canPost: boolean().notNull().default(true),
    message: text(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    respondedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedBy: text().references(() => users.id),
    revokedReason: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("advisor_invitations_one_live")
      .on(t.projectId, t.advisorId)
      .where(sql`${t.status} in ('pending', 'accepted')`),
    index("advisor_invitations_advisor_idx").on(t.advisorId, t.status),
    index("advisor_invitations_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} in ('pending', 'accepted')`),
  ],
);

/**
 * A service credential: an API key for a non-human caller (the platform's assistant), shown
 * once at issue and stored as a SHA-256 hash. `prefix` (the key's first characters) finds
 * the row; revocation takes effect on the next request.
 */
export const serviceCredentials = pgTable(
  "service_credentials",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    scope: serviceCredentialScope().notNull(),
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdBy: text().references(() => users.id),
    lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedBy: text().references(() => users.id),
    ...timestamps,
  },
  (t) => [uniqueIndex("service_credentials_prefix_key").on(t.prefix)],
);
