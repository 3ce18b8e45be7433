import { advisorExists, type Executor } from "@an/db";
import { AppError } from "../../errors";

/** The advisor role without an advisor profile (e.g. revoked then re-granted) has no payouts. */
export async function requireAdvisor(ex: Executor, userId: string): Promise<void> {
  if (!(await advisorExists(ex, { userId }))) throw new AppError("NOT_AN_ADVISOR");
}
