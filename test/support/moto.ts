/**
 * moto's server (`moto_server`, Python) on 127.0.0.1: SQS and Secrets Manager as AWS answers them, for the
 * adapters' tests. The Jest global setup starts one per run and leaves its endpoint in `MOTO_ENDPOINT`; clients
 * made with `motoClientConfig()` never reach AWS (dummy credentials, the local endpoint).
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../local/dynamodb-local';

export const MOTO_ENDPOINT_ENV = 'MOTO_ENDPOINT';

export interface Moto {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export class MotoMissingError extends Error {
  constructor() {
    super(
      'moto_server is not on the PATH (the SQS and Secrets Manager tests need it): ' +
        'pip install "moto[server]" (README "Development"), then run the tests again.',
    );
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

class MotoExitedError extends Error {}

/** Starts moto_server on a free port; tries another port should the one found free be taken meanwhile. */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<Moto> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(options.timeoutMs ?? 30_000);
    } catch (error) {
      if (!(error instanceof MotoExitedError) || attempt === 3) throw error;
    }
  }
}

async function startOnFreePort(timeoutMs: number): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new MotoMissingError() : error),
    );
    child.once('exit', (code) =>
      reject(new MotoExitedError(`moto_server exited with code ${code}\n${output}`)),
    );
  });
  failed.catch(() => undefined);

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid, 'SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      }, 3_000).unref();
    });

  const deadline = Date.now() + timeoutMs;
  const ready = (async () => {
    while (!(await answers(endpoint))) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return failed;
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${endpoint}\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid!, stop };
}

/** The run's moto endpoint (set by the global setup). */
export function motoEndpoint(): string {
  const endpoint = process.env[MOTO_ENDPOINT_ENV];
  if (!endpoint)
    throw new Error(`${MOTO_ENDPOINT_ENV} is not set: the jest global setup starts moto_server.`);
  return endpoint;
}

/** SDK v3 client settings that reach only the run's moto. */
export function motoClientConfig() {
  return {
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'moto-secret' },
    maxAttempts: 1,
  };
}
