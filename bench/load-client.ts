/**
 * The load generator of the accept-path benchmark, in a child process of its own so that generating load
 * does not compete with the API for the stack's event loop. Runs autocannon once with the settings given as
 * JSON in argv[2] and sends its figures back over IPC.
 *
 * autocannon's histogram keeps whole milliseconds; the 'response' event carries the exact duration, so
 * percentiles are computed from those instead (autocannon's own are reported beside them).
 */
import autocannon from 'autocannon';
import { percentile, round } from './stats';

export interface LoadSettings {
  url: string;
  apiKey: string;
  body: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  autocannonP50Ms: number;
  autocannonP99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: settings.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${settings.apiKey}` },
        body: settings.body,
        connections: settings.connections,
        duration: settings.durationSeconds,
      },
      (error: unknown, finished: autocannon.Result) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const figures: LoadFigures = {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    autocannonP50Ms: result.latency.p50,
    autocannonP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
  process.send?.(figures, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
