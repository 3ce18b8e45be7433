/**
 * An expected outcome of a domain rule: either a value or a typed error. Domain functions
 * return these instead of throwing; the app decides how an error reaches the caller.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
