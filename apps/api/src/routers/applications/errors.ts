import type { ApplicationError } from "@an/db";
import { formatMoney, type Locale } from "@an/domain";
import { AppError } from "../../errors";

/** The AppError for a refused application operation, with money formatted for `locale`. */
export function applicationError(error: ApplicationError, locale: Locale): AppError {
  switch (error.code) {
    case "APPLICATION_EXISTS":
      return new AppError(error.code);
    case "APPLICATION_NOT_FOUND":
      return new AppError(error.code, { ref: error.id });
    case "APPLICATION_NOT_EDITABLE":
    case "APPLICATION_NOT_PENDING":
      return new AppError(error.code, { status: error.status });
    case "APPLICATION_OWN_DECISION":
      return new AppError("FORBIDDEN");
    case "APPLICATION_INCOMPLETE":
      return new AppError(error.code, { fields: error.fields.join(", ") });
    case "UNKNOWN_SKILLS":
      return new AppError(error.code, { skills: error.skills.join(", ") });
    case "RATE_OUT_OF_LIMITS":
      return new AppError(error.code, {
        min: formatMoney(error.minimum, locale),
        max: formatMoney(error.maximum, locale),
      });
    case "CURRENCY_NOT_OFFERED":
      return new AppError(error.code, { currency: error.currency });
  }
}
