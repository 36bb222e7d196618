/** What the figures were measured on: they mean little without the machine, its load and the code's commit. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { round } from './stats';

export interface Machine {
  date: string;
  gitCommit: string;
  /** Files changed but not committed when the run started: the figures are for the working tree. */
  uncommittedFiles: number;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** os.loadavg() (1, 5, 15 minutes) when the run started; other jobs may share the machine. */
  loadAverageAtStart: number[];
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function loadAverage(): number[] {
  return loadavg().map((value) => round(value));
}

export function describeMachine(): Machine {
  const status = git(['status', '--porcelain']);
  return {
    date: new Date().toISOString(),
    gitCommit: git(['rev-parse', 'HEAD']),
    uncommittedFiles: status === 'unknown' || status === '' ? 0 : status.split('\n').length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadAverage(),
  };
}

/** The pid of the DynamoDB Local listening on `port` (Linux /proc only), to report its CPU beside ours. */
export function dynamoDbLocalPid(port: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (
        args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) &&
        args[args.indexOf('-port') + 1] === String(port)
      )
        return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

let clockTicks: number | undefined;

/** User + system CPU time a process has used so far, in ms (Linux /proc only). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // Fields after the command name, which sits in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
