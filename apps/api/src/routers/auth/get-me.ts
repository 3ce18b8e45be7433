import { protectedProcedure } from "../../trpc/init";
import type { MeView } from "./views";

/** The signed-in user, with the roles they hold right now. */
export const getMe = protectedProcedure.query(({ ctx }): MeView => ({
  id: ctx.user.id,
  email: ctx.user.email,
  firstName: ctx.user.firstName,
  lastName: ctx.user.lastName,
  locale: ctx.user.locale,
  roles: ctx.user.roles,
  responseLocale: ctx.locale,
}));
