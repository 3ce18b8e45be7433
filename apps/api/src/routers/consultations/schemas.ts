import { CONSULTATION_STATES } from "@an/domain";
import { z } from "zod";
import { text } from "../schemas";

export const consultationIdSchema = z.uuid();

export const consultationStatusSchema = z.enum(CONSULTATION_STATES);

/** An admin's reason for a decision: required, kept on the timeline and in the audit log. */
export const decisionReasonSchema = text().trim().min(3).max(2000);

/** An instant as ISO 8601 with an offset ("2026-11-01T10:00:00Z"). */
export const instantSchema = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Our list cursors carry a time and an id; consultation lists key on the start time. */
export const toConsultationCursor = (cursor: { createdAt: Date; id: string } | null | undefined) =>
  cursor ? { at: cursor.createdAt, id: cursor.id } : null;
export const fromConsultationCursor = (cursor: { at: Date; id: string } | null) =>
  cursor ? { createdAt: cursor.at, id: cursor.id } : null;
