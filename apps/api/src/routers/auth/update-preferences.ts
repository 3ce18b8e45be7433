import { updateUserPreferences } from "@an/db";
import { SUPPORTED_LOCALES } from "@an/domain";
import { z } from "zod";
import { toAppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { timeZoneSchema } from "../schemas";
import { meView } from "./get-me";
import type { MeView } from "./views";

export const updatePreferencesInput = z
  .object({
    /** The language the person reads notices, digests and the console in. */
    locale: z.enum(SUPPORTED_LOCALES),
    /** The IANA zone times are shown in ("Africa/Cairo", "UTC"). */
    timeZone: timeZoneSchema,
  })
  .partial()
  .strict()
  .refine((v) => v.locale !== undefined || v.timeZone !== undefined, {
    error: "PREFERENCES_EMPTY",
  });

/**
 * Sets the caller's own locale and/or time zone; omitted fields stay. Audited
 * (`user.preferences_updated`). An advisor's new zone is their profile's too, so their next
 * payout run is recomputed as when they change it in the profile.
 */
export const updatePreferences = protectedProcedure
  .input(updatePreferencesInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx): Promise<MeView> => {
      const result = await updateUserPreferences(tx, {
        userId: ctx.user.id,
        patch: input,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (!result.ok) throw toAppError(result.error);
      return meView(result.value, ctx.locale);
    }),
  );
