/** `npm start` as a user meets it: clear one-line errors, and a clean stop on SIGTERM. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const START = join(ROOT, 'local', 'start.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startProduct(
  env: Record<string, string>,
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, START], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Command: npm start', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'local-stack-state-'));
  const stateFile = join(stateDir, 'local-stack.json');
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('says in one line that the port is taken, and exits 1', async () => {
    // Prepare
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;

    // Act
    const run = await startProduct({ PORT: String(port), LOCAL_STATE_FILE: stateFile });
    blocker.close();

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `error: Port ${port} is already in use: stop what listens there or start with PORT=<another port> npm start.`,
    );
  });

  it('says in one line that Java is missing, with the install hint', async () => {
    // Act
    const run = await startProduct({
      PORT: String(await freePort()),
      PATH: '/nonexistent',
      LOCAL_STATE_FILE: stateFile,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'error: Java 17+ is needed for DynamoDB Local: install it with `apt-get install openjdk-17-jre-headless` (or your OS equivalent).',
    );
  });

  it('serves the API, then stops DynamoDB Local and exits 0 on SIGTERM', async () => {
    // Prepare
    const port = await freePort();
    let dynamoPort = 0;
    let apiAnswered = 0;

    // Act
    const run = await startProduct({ PORT: String(port), LOCAL_STATE_FILE: stateFile }, (stdout, child) => {
      if (!stdout.includes('Ctrl-C stops everything') || dynamoPort) return;
      dynamoPort = Number(
        new URL((JSON.parse(readFileSync(stateFile, 'utf8')) as { dynamoEndpoint: string }).dynamoEndpoint)
          .port,
      );
      void fetch(`http://127.0.0.1:${port}/account/credits`).then((response) => {
        apiAnswered = response.status;
        child.kill('SIGTERM');
      });
    });

    // Assess
    expect(apiAnswered).toBe(401);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`running at http://127.0.0.1:${port}`);
    expect(run.stdout).toMatch(/api_key\s+ce_/);
    expect(existsSync(stateFile)).toBe(false);
    expect(await accepts(dynamoPort)).toBe(false);
  }, 90_000);
});
