/** The one reader of `Retry-After` headers, from providers (rate limits) and webhook receivers (429/503). */

/**
 * `Retry-After` in seconds from `now`, from either form HTTP allows: delay-seconds or an HTTP-date.
 * Undefined when absent or unreadable; 0 when the date has passed.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // Every HTTP-date form starts with the day name; this keeps `-5`, `1.5` or `2026` from parsing as dates.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
