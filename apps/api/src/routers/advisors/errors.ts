import type { AdvisorError } from "@an/db";
import { AppError } from "../../errors";

/** The AppError for an advisor query's expected failure. */
export function advisorError(error: AdvisorError): AppError {
  switch (error.code) {
    case "ADVISOR_NOT_FOUND":
      return new AppError("ADVISOR_NOT_FOUND", { ref: error.ref });
    case "UNKNOWN_SKILLS":
      return new AppError("UNKNOWN_SKILLS", { skills: error.skills.join(", ") });
  }
}
