import type { PassError } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import type { Context } from "../../trpc/context";
import { userIdSchema } from "../schemas";

export const projectIdSchema = z.uuid();

/** What a pass is about: the advisor, the project and its length. Never a price. */
export const passTermsInput = z
  .object({
    advisorId: userIdSchema,
    projectId: projectIdSchema,
    /** Whole days; the platform's limits (1–30 today) are checked by the domain. */
    days: z.number().int().min(1).max(366),
  })
  .strict();

/** A pass workflow's refusal as the caller's AppError (localized once, in the formatter). */
export function passError(
  ctx: Pick<Context, "t">,
  error: PassError,
  input: { projectId: string; days: number },
): AppError {
  switch (error.code) {
    case "PROJECT_NOT_FOUND":
      return new AppError("PROJECT_NOT_FOUND", { ref: input.projectId });
    case "PROJECT_ARCHIVED":
      return new AppError("PROJECT_ARCHIVED", { ref: input.projectId });
    case "ADVISOR_NOT_INVITED":
      return new AppError("ADVISOR_NOT_INVITED");
    case "PASS_NOT_AVAILABLE":
      return new AppError("PASS_NOT_AVAILABLE", {
        name: error.advisorName,
        reason: ctx.t(`errors.pass_not_available.${error.reason}`),
      });
    case "PASS_DAYS_NOT_ALLOWED":
      return new AppError("PASS_DAYS_NOT_ALLOWED", { max: error.maxDays, value: input.days });
  }
}
