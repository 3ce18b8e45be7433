import { createServiceCredential, type Db, getUserWithRoles } from "@an/db";
import { authenticateServiceKey } from "../../auth/service-key";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

// Re-exported for tests written against this file before the helpers moved to @an/db/testing.
export {
  admitAdvisor,
  insertPendingInvitation as inviteAdvisor,
  seedProjectChat,
} from "@an/db/testing";

/** A caller for a demo user, or for the assistant when given its API key. */
export async function chatCaller(db: Db, who: string | { key: string }) {
  if (typeof who === "string") {
    const user = await getUserWithRoles(db, { id: who });
    return createCaller(createContextInner({ db, user, requestId: "req-chat" }));
  }
  const { service, error } = await authenticateServiceKey(db, who.key, new Date());
  return createCaller(createContextInner({ db, service, authError: error, requestId: "req-chat" }));
}

/** A live API key with the assistant scope. */
export async function assistantKey(db: Db): Promise<{ id: string; key: string }> {
  return createServiceCredential(db, { name: "Assistant", scope: "assistant", createdBy: null });
}
