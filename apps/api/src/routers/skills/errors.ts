import type { SkillError } from "@an/db";
import { AppError } from "../../errors";

/** The AppError for a taxonomy query's expected failure. */
export function skillError(error: SkillError): AppError {
  switch (error.code) {
    case "SKILL_NOT_FOUND":
      return new AppError("SKILL_NOT_FOUND", { ref: error.ref });
    case "SKILL_EXISTS":
      return new AppError("SKILL_EXISTS", { name: error.name });
    case "SYNONYM_TAKEN":
      return new AppError("SYNONYM_TAKEN", { term: error.term });
    case "SKILL_MERGE_INVALID":
      return new AppError("SKILL_MERGE_INVALID");
    case "EMPTY_TERM":
      return new AppError("VALIDATION_FAILED");
  }
}
