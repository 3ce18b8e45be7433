import type { Entitlements } from "@an/domain";
import type { Executor } from "../client";
import { insertPlan, getPlanByKey } from "../queries/plans";
import { complimentaryGrants } from "../schema";

/** What {@link grantTestPlan} grants unless told otherwise: room for several advisors, passes. */
export const TEST_PLAN_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 10,
  buyPasses: true,
};

/**
 * Gives `userId` a plan with `entitlements` for the whole of any test's clock (a
 * complimentary grant from 2000 to 2100), for tests that need more than the free tier
 * (several advisors in one project). The plan is created once per set of entitlements.
 */
export async function grantTestPlan(
  db: Executor,
  userId: string,
  entitlements: Entitlements = TEST_PLAN_ENTITLEMENTS,
): Promise<{ planId: string; grantId: string }> {
  const key = `test-${entitlements.inviteAdvisors ? "i" : "n"}${entitlements.maxAdvisorsPerProject}${entitlements.buyPasses ? "p" : "n"}`;
  const now = new Date("2000-01-01T00:00:00Z");
  const plan =
    (await insertPlan(db, {
      key,
      texts: { en: { name: `Test plan ${key}`, description: "For tests" } },
      entitlements,
      sortOrder: 0,
      now,
    })) ?? (await getPlanByKey(db, key));
  const [grant] = await db
    .insert(complimentaryGrants)
    .values({
      userId,
      planId: plan!.id,
      reason: "test fixture",
      startsAt: now,
      endsAt: new Date("2100-01-01T00:00:00Z"),
    })
    .returning({ id: complimentaryGrants.id });
  return { planId: plan!.id, grantId: grant!.id };
}
