/**
 * Wall-clock arithmetic in IANA time zones for the simulated booking page, with `Intl`
 * only: slots are laid out in the advisor's local time, DST included.
 */

type Wall = { year: number; month: number; day: number; hour: number; minute: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallOf(t: number, timeZone: string): Wall & { second: number } {
  const parts = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `t`, in ms. */
function offsetAt(t: number, timeZone: string): number {
  const w = wallOf(t, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time in `timeZone` denotes; null when that time doesn't exist
 * (the hour skipped when clocks go forward). An ambiguous time takes the earlier instant.
 */
export function zonedInstant(timeZone: string, wall: Wall): Date | null {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const day = 24 * 3600_000;
  // The offsets in force a day before and after bracket any DST change near that time.
  const candidates = [naive - day, naive, naive + day]
    .map((t) => naive - offsetAt(t, timeZone))
    .filter((t) => {
      const back = wallOf(t, timeZone);
      return back.day === wall.day && back.hour === wall.hour && back.minute === wall.minute;
    });
  return candidates.length > 0 ? new Date(Math.min(...candidates)) : null;
}

/**
 * A short date and 24-hour time in `timeZone`, written in `locale`, followed by the zone's
 * name.
 */
export function formatInZone(at: Date, timeZone: string, locale = "en-GB"): string {
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  return `${text} (${timeZone})`;
}

export type Slot = { value: string; label: string; taken: boolean };
export type SlotDay = { label: string; slots: Slot[] };

/**
 * Bookable start times for the next `days` days in `timeZone`, every `stepMinutes` from
 * `firstHour` to `lastHour` local time, skipping the past; a slot inside a busy interval
 * is listed as taken.
 */
export function slotDays(input: {
  timeZone: string;
  now: Date;
  busy: { start: Date; end: Date }[];
  days?: number;
  firstHour?: number;
  lastHour?: number;
  stepMinutes?: number;
  /** The language of the day and time labels. */
  locale?: string;
}): SlotDay[] {
  const { timeZone, now, busy } = input;
  const days = input.days ?? 7;
  const firstHour = input.firstHour ?? 9;
  const lastHour = input.lastHour ?? 18;
  const step = input.stepMinutes ?? 30;
  const today = wallOf(now.getTime(), timeZone);
  const locale = input.locale ?? "en-GB";
  const dayLabel = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
  });
  const timeLabel = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const result: SlotDay[] = [];
  for (let i = 0; i < days; i++) {
    // Civil date arithmetic on a UTC date: no time zone can shift it.
    const civil = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const date = {
      year: civil.getUTCFullYear(),
      month: civil.getUTCMonth() + 1,
      day: civil.getUTCDate(),
    };
    const slots: Slot[] = [];
    for (let minutes = firstHour * 60; minutes < lastHour * 60; minutes += step) {
      const hour = Math.floor(minutes / 60);
      const minute = minutes % 60;
      const at = zonedInstant(timeZone, { ...date, hour, minute });
      if (!at || at.getTime() <= now.getTime()) continue;
      slots.push({
        value: at.toISOString(),
        // The wall-clock time itself, not the instant: a UTC date carries it unshifted.
        label: timeLabel.format(new Date(Date.UTC(2000, 0, 1, hour, minute))),
        taken: busy.some(
          (b) => b.start.getTime() <= at.getTime() && at.getTime() < b.end.getTime(),
        ),
      });
    }
    if (slots.length > 0) result.push({ label: dayLabel.format(civil), slots });
  }
  return result;
}
