import type { Locale, Role } from "@an/domain";

/** `auth.getMe`: the signed-in user and the roles they hold right now. */
export type MeView = {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** The person's own locale: notices and digests are written in it. */
  locale: string;
  /** The person's IANA time zone; null while unknown (times are then shown in UTC). */
  timeZone: string | null;
  roles: Role[];
  /** The locale this response's messages are in. */
  responseLocale: Locale;
};
