import { protectedProcedure } from "../../trpc/init";

/** The signed-in user, with the roles they hold right now. */
export const me = protectedProcedure.query(({ ctx }) => ({
  id: ctx.user.id,
  email: ctx.user.email,
  firstName: ctx.user.firstName,
  lastName: ctx.user.lastName,
  locale: ctx.user.locale,
  roles: ctx.user.roles,
  responseLocale: ctx.locale,
}));
