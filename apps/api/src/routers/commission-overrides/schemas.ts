import { z } from "zod";
import { text } from "../schemas";

/** Why an override is set or ended: kept with it and in the audit log. */
export const overrideReason = () => text().trim().min(3).max(500);

/** An advisor's user id, as the console shows it. */
export const advisorIdSchema = text().trim().min(1).max(200);

export const overrideIdSchema = z.uuid();
