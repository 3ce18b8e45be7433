import { DEMO_USERS } from "@an/db";
import { AppError } from "../../errors";
import { publicProcedure } from "../../trpc/init";

/** Development only: the seeded demo users the console offers to sign in as. */
export const listUsers = publicProcedure.query(({ ctx }) => {
  if (!ctx.devAuth.enabled) throw new AppError("DEV_ONLY");
  return DEMO_USERS.map((u) => ({
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    roles: u.roles,
  }));
});
