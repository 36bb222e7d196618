/**
 * The accept path's load generator, in a child process so that generating load does not share the stack's event
 * loop: autocannon POSTs the body given in argv[2] (JSON settings) and sends the figures back over IPC.
 * Percentiles come from each 2xx response's exact duration (autocannon's histogram keeps whole milliseconds).
 */
import autocannon from 'autocannon';
import { percentile, round } from './stats';

export interface LoadSettings {
  url: string;
  authorization: string;
  body: string;
  connections: number;
  seconds: number;
}

export interface LoadFigures {
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx, errors and timeouts. */
  failed: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
const latencies: number[] = [];
const instance = autocannon(
  {
    url: settings.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: settings.authorization },
    body: settings.body,
    connections: settings.connections,
    duration: settings.seconds,
  },
  (error: unknown, result: autocannon.Result) => {
    if (error) throw error;
    const figures: LoadFigures = {
      perSecond: round(latencies.length / result.duration, 1),
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      failed: result.non2xx + result.errors + result.timeouts,
    };
    process.send?.(figures, () => process.exit(0));
  },
);
instance.on('response', (_client, status, _bytes, ms) => {
  if (status >= 200 && status < 300) latencies.push(ms);
});
