import { getLatestApplicationForUser, listApplicationRounds } from "@an/db";
import { protectedProcedure } from "../../trpc/init";
import { applicantView } from "./views";

/** The caller's current application (the open one, else the last decided), or null. */
export const getMine = protectedProcedure.query(async ({ ctx }) => {
  const application = await getLatestApplicationForUser(ctx.db, { userId: ctx.user.id });
  if (!application) return { application: null };
  const rounds = await listApplicationRounds(ctx.db, { applicationId: application.id });
  return { application: applicantView(application, rounds) };
});
