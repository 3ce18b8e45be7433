import type { Locale, Role } from "@an/domain";

/** `auth.getMe`: the signed-in user and the roles they hold right now. */
export type MeView = {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  roles: Role[];
  /** The locale this response's messages are in. */
  responseLocale: Locale;
};
