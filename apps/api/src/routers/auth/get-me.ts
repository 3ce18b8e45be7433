import type { Locale } from "@an/domain";
import type { AuthUser } from "../../trpc/context";
import { protectedProcedure } from "../../trpc/init";
import type { MeView } from "./views";

/** The view of the signed-in user that `getMe` and `updatePreferences` answer with. */
export function meView(user: AuthUser, responseLocale: Locale): MeView {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    locale: user.locale,
    timeZone: user.timeZone,
    roles: user.roles,
    responseLocale,
  };
}

/** The signed-in user, with the roles they hold right now and their own locale and zone. */
export const getMe = protectedProcedure.query(({ ctx }): MeView => meView(ctx.user, ctx.locale));
