import { getConversationProject, getReadCursor, listChatMembers, openConversation } from "@an/db";
import { chatSenderName } from "@an/domain";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";

export const getConversationInput = z.object({ conversationId: z.uuid() });

/**
 * A conversation as the caller may see it: its project, its members (to an advisor, a
 * client is a first name only) and what the caller may do here, from the same access
 * decision the commands use, so the console never re-derives the rules.
 */
export const getConversation = chatProcedure
  .input(getConversationInput)
  .query(async ({ ctx, input }) => {
    const caller = ctx.chatCaller;
    const { conversation, access } = unwrap(
      await ctx.db.transaction((tx) =>
        openConversation(tx, {
          conversationId: input.conversationId,
          caller,
          now: ctx.now(),
          requestId: ctx.requestId,
        }),
      ),
    );
    const project = await getConversationProject(ctx.db, { conversationId: conversation.id });
    const members = await listChatMembers(ctx.db, { conversationId: conversation.id });
    const lastReadSeq =
      caller.kind === "user"
        ? await getReadCursor(ctx.db, { conversationId: conversation.id, userId: caller.userId })
        : null;
    const isMember = lastReadSeq !== null && access.role !== "admin";
    const isPerson = caller.kind === "user";
    return {
      id: conversation.id,
      project: {
        id: conversation.projectId,
        name: project!.name,
        archived: project!.archivedAt !== null,
      },
      lastSeq: conversation.lastSeq,
      lastMessageAt: project!.lastMessageAt,
      historyFromSeq: access.historyFromSeq,
      lastReadSeq,
      role: access.role,
      members: members.map((m) => ({
        userId: m.userId,
        role: m.role,
        displayName:
          chatSenderName(
            {
              actorType: m.role === "owner" ? "client" : "advisor",
              firstName: m.firstName,
              lastName: m.lastName,
              advisorDisplayName: m.advisorName,
            },
            access.role,
          ) ?? "",
        isYou: caller.kind === "user" && m.userId === caller.userId,
      })),
      capabilities: {
        canRead: true,
        canPost: access.canPost,
        /** Own messages only; the server checks authorship on each. */
        canEditOwn: access.canPost,
        canDeleteOwn: access.role !== "admin",
        canMarkRead: isMember,
        canReport: isPerson && (access.role === "owner" || access.role === "advisor"),
        /** Admins read conversations they are not in; each such read is audited. */
        readIsAudited: access.audited,
      },
    };
  });
