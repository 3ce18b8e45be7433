import type { ApplicationError } from "@an/db";
import { AppError } from "../../errors";

/** The AppError for a refused application operation; its amounts are formatted per caller. */
export function applicationError(error: ApplicationError): AppError {
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
      return new AppError(error.code, { min: error.minimum, max: error.maximum });
    case "CURRENCY_NOT_OFFERED":
      return new AppError(error.code, { currency: error.currency });
  }
}
