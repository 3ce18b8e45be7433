import { issueServiceCredential } from "@an/db";
import { SERVICE_CREDENTIAL_SCOPES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const issueInput = z.object({
  name: text().trim().min(1).max(100),
  scope: z.enum(SERVICE_CREDENTIAL_SCOPES),
});

/**
 * Issues a service credential (the assistant's API key). The key is in this answer only:
 * it is stored hashed, so it can't be shown again; lose it and issue another. Audited.
 */
export const issue = adminProcedure.input(issueInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const issued = await issueServiceCredential(tx, {
      name: input.name,
      scope: input.scope,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    return {
      id: issued.id,
      name: issued.name,
      scope: issued.scope,
      prefix: issued.prefix,
      createdAt: issued.createdAt,
      key: issued.key,
    };
  }),
);
