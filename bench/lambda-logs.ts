/**
 * The functions log during the benchmarks as deployed: Powertools at INFO, the metrics as EMF lines. Those lines
 * cost CPU here as in Lambda, and CloudWatch Logs ingestion there, so they are written, counted and kept off the
 * terminal. The loggers read these variables when their modules load: run.ts imports this module first.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let bytes = 0;

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.startsWith('{"level"') && !text.startsWith('{"_aws"')) return write(chunk, ...rest);
    bytes += Buffer.byteLength(text, 'utf8');
    return true;
  }) as typeof stream.write;
}

/** Bytes of log and metric lines the functions have written so far. */
export const logBytes = () => bytes;
