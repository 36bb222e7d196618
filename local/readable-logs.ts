/**
 * `npm start` prints one readable line per event: the functions' structured (Powertools JSON) log lines are
 * rewritten, as they are written, into the same shape as the stack's own progress lines
 * (`07:41:39 WARN provider circuit opened provider=hunter reason=API key rejected`).
 */

/** Fields every Powertools line carries that say nothing to a person at a terminal. */
const BOOKKEEPING = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);

function value(field: unknown): string {
  if (typeof field === 'string') return field.includes(' ') ? JSON.stringify(field) : field;
  if (field && typeof field === 'object' && 'message' in field) return String((field as Error).message);
  return JSON.stringify(field);
}

/** The readable form of one structured log line, or the line itself when it is not one. */
export function readableLine(line: string): string {
  if (!line.startsWith('{"level":')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([key, field]) => !BOOKKEEPING.has(key) && field !== undefined && field !== null)
    .map(([key, field]) => `${key}=${value(field)}`);
  return [time, String(entry.level), String(entry.message), ...fields].filter(Boolean).join(' ');
}

/** Rewrites the structured lines written to `stream` from now on. */
export function makeReadable(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const rewritten = text
      .split('\n')
      .map((line) => readableLine(line))
      .join('\n');
    return write(rewritten, ...rest);
  }) as NodeJS.WriteStream['write'];
}
