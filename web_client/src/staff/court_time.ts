// Dates and times as the court means them: "today" and hearing times are in the court's time
// zone (sent with the session), whatever zone the browser's device is set to.

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsIn(zone: string, instant: Date): Parts {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** YYYY-MM-DD of `instant` in the court's zone. */
export function courtDate(zone: string, instant: Date = new Date()): string {
  const p = partsIn(zone, instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** HH:MM (or HH:MM:SS) of an ISO instant in the court's zone. */
export function courtClock(zone: string, iso: string, seconds = false): string {
  const p = partsIn(zone, new Date(iso));
  return `${pad(p.hour)}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ""}`;
}

/** YYYY-MM-DD HH:MM of an ISO instant in the court's zone. */
export function courtDateTime(zone: string, iso: string): string {
  return `${courtDate(zone, new Date(iso))} ${courtClock(zone, iso)}`;
}

/** The instant (ISO, UTC) at which the court's wall clock shows `local` (a datetime-local value:
 * "YYYY-MM-DDTHH:MM", seconds optional). */
export function courtLocalToIso(zone: string, local: string): string {
  const wanted = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  // Guess with the zone's offset at the wall-clock time read as UTC, then correct once (DST).
  let instant = wanted;
  for (let i = 0; i < 2; i++) {
    const p = partsIn(zone, new Date(instant));
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    instant += wanted - shown;
  }
  return new Date(instant).toISOString();
}
