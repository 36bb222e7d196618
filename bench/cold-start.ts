/**
 * Cold start, as far as this machine can tell: each Lambda entry of `functions/manifest/` bundled with the
 * options every function is deployed with (lib/bundling.ts), its minified size, what weighs most in it, and how
 * long a fresh Node process takes to `require` it (module scope: SDK clients, Powertools, configuration), beside a
 * bare `node -e 0`. The modules left to the runtime (the AWS SDK) and the data files beside the bundle are loaded
 * from node_modules, as Lambda loads them from its own. What Lambda adds (fetching the code, starting the
 * runtime, a CPU share proportional to memory) cannot be seen here.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { ENV } from '../functions/config';
import {
  FUNCTION_SPECS,
  FUNCTION_NAMES as HANDLER_FILES,
  type FunctionName as HandlerFile,
} from '../functions/manifest';
import { BUNDLING, isDataFile } from '../lib/bundling';
import { percentile, round, since } from './stats';

const ROOT = join(__dirname, '..');

export interface BundleFigures {
  handler: HandlerFile;
  kib: number;
  /** @aws-sdk/*, @smithy/*, @aws-crypto/* in the output. */
  awsSdkKib: number;
  /** The three packages (or folders of functions/) that weigh most in the output, KiB each. */
  top: Array<{ name: string; kib: number }>;
  /** The AWS SDK clients it requires from the runtime. */
  runtimeClients: string[];
  /** Data files read beside the bundle (lib/bundling.ts DATA_FILES its entry copies). */
  dataKib: number;
  /** `require(bundle)` inside a fresh process with --enable-source-maps, as deployed (median ms). */
  requireMs: number;
}

export interface ColdStartResult {
  runs: number;
  bareNodeMs: number;
  bundles: BundleFigures[];
}

/** A function's environment at init without AWS: nothing here lets module scope reach the network. */
const environment: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  [ENV.region]: 'us-east-1',
  [ENV.tableName]: 'bench',
  [ENV.retentionDays]: '90',
  [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
  [ENV.webhookQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-webhooks',
  [ENV.webhookDeadLetterQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-webhooks-dlq',
  [ENV.providerSecretId]: 'bench-provider-keys',
};

/** One entry bundled as the construct bundles it (lib/bundling.ts). */
export async function bundle(
  handler: HandlerFile,
  outDir: string,
): Promise<{ file: string; metafile: Metafile }> {
  const file = join(outDir, handler, 'index.js');
  const { metafile } = await build({
    ...BUNDLING,
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'functions', 'manifest', `${handler}.ts`)],
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
  return { file, metafile };
}

/** Bytes in the output per package of node_modules (or folder of functions/, or file), largest first. */
export function contributors(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const bytes = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const name =
      /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
      /^(functions\/[^/]+)\//.exec(path)?.[1] ??
      path;
    bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...bytes].map(([name, total]) => ({ name, bytes: total })).sort((a, b) => b.bytes - a.bytes);
}

/** What the bundle leaves to be required at run time: the runtime's SDK and the data files beside it. */
export function requiredAtRunTime(metafile: Metafile): string[] {
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
  return [
    ...new Set(imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path)),
  ].sort();
}

const kib = (bytes: number) => round(bytes / 1024, 0);

/** ms the fresh process reports for `require(file)`, or its spawn-to-exit time for `node -e 0`. */
function timeNode(file: string | undefined): number {
  const started = performance.now();
  const script = file
    ? `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`
    : '0';
  const child = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
    env: environment,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0)
    throw new Error(`${file ?? 'node'}: exit ${child.status}: ${child.stderr.slice(0, 1000)}`);
  return file ? Number(child.stdout.trim()) : since(started);
}

export async function measureColdStarts(outDir: string, runs: number): Promise<ColdStartResult> {
  rmSync(outDir, { recursive: true, force: true });
  const bundles = await Promise.all(
    HANDLER_FILES.map(async (h) => ({ handler: h, ...(await bundle(h, outDir)) })),
  );
  const bare: number[] = [];
  const times = new Map<HandlerFile, number[]>(HANDLER_FILES.map((h) => [h, []]));
  // Interleaved, so that other load on the machine spreads over every bundle alike.
  for (let run = 0; run < runs; run++) {
    bare.push(timeNode(undefined));
    for (const { handler, file } of bundles) times.get(handler)!.push(timeNode(file));
  }
  return {
    runs,
    bareNodeMs: round(percentile(bare, 50), 1),
    bundles: bundles.map(({ handler, file, metafile }) => {
      const weights = contributors(metafile);
      const copied = FUNCTION_SPECS.find((spec) => spec.name === handler)?.copyFiles ?? [];
      return {
        handler,
        kib: kib(statSync(file).size),
        awsSdkKib: kib(
          weights
            .filter((w) => /^@(aws-sdk|smithy|aws-crypto)\//.test(w.name))
            .reduce((total, w) => total + w.bytes, 0),
        ),
        top: weights.slice(0, 3).map((w) => ({ name: w.name, kib: round(w.bytes / 1024, 1) })),
        runtimeClients: requiredAtRunTime(metafile).filter((path) => path.startsWith('@aws-sdk/')),
        dataKib: kib(
          copied.filter(isDataFile).reduce((total, path) => total + statSync(join(ROOT, path)).size, 0),
        ),
        requireMs: round(percentile(times.get(handler)!, 50), 1),
      };
    }),
  };
}
