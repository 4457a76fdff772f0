// Money and the court's paired words (generated [zh, en] labels) as a person reads them.
import { language } from "./i18n";

/** An amount in fen as yuan: 1234567 → 12,345.67. */
export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100).toLocaleString("en-US");
  return `${whole}.${String(fen % 100).padStart(2, "0")}`;
}

/** Yuan as typed (at most two decimals, thousands separators allowed) in fen, or null. */
export function fenOf(text: string): number | null {
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text.replaceAll(",", "").trim());
  if (match === null) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** The reader's language's half of a generated [zh, en] label. */
export function words(pair: readonly [zh: string, en: string]): string {
  return language() === "en" ? pair[1] : pair[0];
}
