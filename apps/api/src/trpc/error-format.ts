import { DEFAULT_LOCALE, formatMoney, type Locale, type Money } from "@an/domain";
import type { TRPCError } from "@trpc/server";
import type { Translator as TFunction } from "@an/domain";
import {
  APP_ERROR_CODES,
  AppError,
  type AppErrorCode,
  type AppErrorParams,
  isAppErrorCode,
} from "../errors";
import { translator } from "@an/domain";

/** A validation issue as standard-schema (zod 4) reports it. */
type Issue = {
  code?: string;
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
};

function issuesOf(cause: unknown): Issue[] | null {
  if (cause && typeof cause === "object" && "issues" in cause && Array.isArray(cause.issues)) {
    return cause.issues as Issue[];
  }
  return null;
}

function pathOf(issue: Issue): (string | number)[] {
  return (issue.path ?? []).map((p) => {
    const key = typeof p === "object" && p !== null && "key" in p ? p.key : p;
    return typeof key === "number" ? key : String(key);
  });
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * One issue in the caller's language. A schema may name an AppError code as its message
 * (`z.enum(ROLES, { error: "UNKNOWN_ROLE" })`) to get that error's wording.
 */
function localizeIssue(
  t: TFunction,
  issue: Issue,
  input: unknown,
): { message: string; appCode?: AppErrorCode } {
  const path = pathOf(issue);
  const value = valueAt(input, path);
  if (isAppErrorCode(issue.message)) {
    const field = path.at(-1);
    return {
      appCode: issue.message,
      message: t(`errors.${issue.message}`, {
        value: String(value),
        [String(field ?? "value")]: String(value),
      }),
    };
  }
  const kind =
    issue.origin === "string"
      ? "string"
      : issue.origin === "array" || issue.origin === "set"
        ? "array"
        : "number";
  switch (issue.code) {
    case "invalid_type":
      return {
        message:
          value === undefined
            ? t("validation.required")
            : t("validation.invalid_type", { expected: issue.expected }),
      };
    case "too_small":
      return { message: t(`validation.too_small_${kind}`, { minimum: String(issue.minimum) }) };
    case "too_big":
      return { message: t(`validation.too_big_${kind}`, { maximum: String(issue.maximum) }) };
    case "invalid_format":
      return {
        message:
          issue.format === "email"
            ? t("validation.invalid_email")
            : t("validation.invalid_format", { format: issue.format }),
      };
    case "invalid_value":
      return {
        message: t("validation.invalid_value", {
          options: (issue.values ?? []).map(String).join(", "),
        }),
      };
    case "unrecognized_keys":
      return {
        message: t("validation.unrecognized_keys", { keys: (issue.keys ?? []).join(", ") }),
      };
    default:
      return { message: t("validation.invalid") };
  }
}

export type FormattedError = {
  appCode: AppErrorCode;
  message: string;
  /**
   * A short heading for the kind of outcome (a conflict, input to fix, not allowed), so a
   * UI can title a notice by what happened rather than "something went wrong".
   */
  title: string;
  fieldErrors: Record<string, string[]> | null;
  retryAfterSeconds: number | null;
};

/** What the formatter knows about the request besides the error. */
type FormatOptions = {
  locale?: Locale;
  requestId: string;
  input: unknown;
  path?: string;
  maxBodyBytes?: number;
  /** The HTTP method and content type, to say what about the request was unreadable. */
  method?: string;
  contentType?: string;
};

/**
 * Turns any error a procedure produced into the code and localized message the caller
 * gets. Unknown errors become INTERNAL with the request id, never a leaked message.
 */
export function formatAppError(error: TRPCError, opts: FormatOptions): FormattedError {
  const formatted = formatWithoutTitle(error, opts);
  const t = translator(opts.locale ?? DEFAULT_LOCALE);
  return { ...formatted, title: t(`errorTitles.${APP_ERROR_CODES[formatted.appCode]}`) };
}

function formatWithoutTitle(error: TRPCError, opts: FormatOptions): Omit<FormattedError, "title"> {
  const t = translator(opts.locale ?? DEFAULT_LOCALE);
  const issues = issuesOf(error.cause);
  if (issues && error.code === "BAD_REQUEST") {
    const fieldErrors: Record<string, string[]> = {};
    let appCode: AppErrorCode = "VALIDATION_FAILED";
    let single: string | null = null;
    for (const issue of issues) {
      const localized = localizeIssue(t, issue, opts.input);
      const key = pathOf(issue).join(".") || "_";
      (fieldErrors[key] ??= []).push(localized.message);
      if (localized.appCode && issues.length === 1) {
        appCode = localized.appCode;
        single = localized.message;
      }
    }
    return {
      appCode,
      message: single ?? t("errors.VALIDATION_FAILED"),
      fieldErrors,
      retryAfterSeconds: null,
    };
  }
  const app =
    error instanceof AppError ? error : error.cause instanceof AppError ? error.cause : null;
  if (app) {
    return {
      appCode: app.appCode,
      message: t(`errors.${app.appCode}`, {
        ...interpolated(app.params, opts.locale ?? DEFAULT_LOCALE),
        requestId: opts.requestId,
      }),
      fieldErrors: null,
      retryAfterSeconds: app.retryAfterSeconds ?? null,
    };
  }
  // A query's input travels in the URL, a mutation's in the body: name the one that was unreadable.
  const unreadable: AppErrorCode =
    opts.method === "GET" ? "MALFORMED_QUERY_INPUT" : "MALFORMED_BODY";
  const byTrpcCode: Partial<Record<TRPCError["code"], AppErrorCode>> = {
    NOT_FOUND: "PROCEDURE_NOT_FOUND",
    METHOD_NOT_SUPPORTED: "METHOD_NOT_SUPPORTED",
    PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
    UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_CONTENT_TYPE",
    PARSE_ERROR: unreadable,
    BAD_REQUEST: unreadable,
  };
  const appCode = byTrpcCode[error.code] ?? "INTERNAL";
  return {
    appCode,
    message: t(`errors.${appCode}`, {
      path: opts.path ?? "",
      requestId: opts.requestId,
      limit: formatBytes(opts.maxBodyBytes ?? 0),
      contentType: opts.contentType || "none",
    }),
    fieldErrors: null,
    retryAfterSeconds: null,
  };
}

function isMoney(value: AppErrorParams[string]): value is Money {
  return typeof value === "object" && value !== null && "amount" in value && "currency" in value;
}

/** An error's params as message text: amounts in the caller's locale ("150,00 €"). */
function interpolated(params: AppErrorParams, locale: Locale): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      isMoney(value) ? formatMoney(value, locale) : value,
    ]),
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}
