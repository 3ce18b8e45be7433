import { type Executor } from "@an/db";
import { advisors } from "@an/db/schema";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors";

/** The advisor role without an advisor profile (e.g. revoked then re-granted) has no payouts. */
export async function requireAdvisor(ex: Executor, userId: string): Promise<void> {
  const [row] = await ex
    .select({ id: advisors.userId })
    .from(advisors)
    .where(eq(advisors.userId, userId));
  if (!row) throw new AppError("NOT_AN_ADVISOR");
}
