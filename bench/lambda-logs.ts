/**
 * The functions log as deployed during the benchmarks: Powertools at INFO, the ProviderOutcome metric as EMF
 * lines. Those lines cost CPU here as they do in Lambda, and bytes of CloudWatch Logs ingestion there, so
 * they are produced, counted and kept off the terminal. The loggers read these variables when their modules
 * load: this module is imported before any handler.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_SERVICE_NAME ??= 'contact-enrichment';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ContactEnrichment';

export interface LogBytes {
  /** Powertools Logger JSON lines. */
  logLines: number;
  /** Powertools Metrics EMF lines. */
  metricLines: number;
}

const counted: LogBytes = { logLines: 0, metricLines: 0 };
const write = process.stdout.write.bind(process.stdout);

process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (text.startsWith('{"level"')) {
    counted.logLines += Buffer.byteLength(text, 'utf8');
    return true;
  }
  if (text.startsWith('{"_aws"')) {
    counted.metricLines += Buffer.byteLength(text, 'utf8');
    return true;
  }
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

/** Bytes of log and metric lines written to stdout so far. */
export function logBytes(): LogBytes {
  return { ...counted };
}
