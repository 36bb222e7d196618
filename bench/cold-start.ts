/**
 * Cold start, as far as this machine can tell: each handler bundled the way the CDK function construct bundles
 * it (lib/constructs/enrichment-function.ts), its minified size, and how long a fresh Node process takes to
 * `require` it (module scope: SDK clients, Powertools, configuration) next to a bare `node -e 0`.
 *
 * What Lambda adds on top (downloading the code, starting the runtime, a CPU share proportional to memory) is
 * not measurable here; the report says so.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { median, round, since } from './stats';

export const HANDLER_FILES = [
  'authorizer',
  'accept',
  'get-contact',
  'credits',
  'provider-step',
  'record-result',
  'deliver-webhook',
] as const;

export type HandlerFile = (typeof HANDLER_FILES)[number];

const PROJECT_ROOT = join(__dirname, '..');

export interface ColdStartOptions {
  /** Folder the bundles are written to (bench/.tmp is gitignored). */
  outDir: string;
  /** Fresh processes per bundle. */
  runs: number;
}

export interface BundleFigures {
  handler: HandlerFile;
  sizeKiB: number;
  sourceMapKiB: number;
  /** The packages that weigh most in the minified output. */
  largestPackages: Array<{ name: string; kib: number }>;
  /** The AWS SDK v3 in the output: @aws-sdk/*, @smithy/*, @aws-crypto/*. */
  awsSdkKiB: number;
  /** The project's own files (functions/) in the output. */
  projectCodeKiB: number;
  /** `require(bundle)` inside the fresh process, with `--enable-source-maps` as deployed (median ms). */
  requireMs: number;
  /** Spawn to exit of `node --enable-source-maps -e "require(bundle)"` (median ms). */
  processMs: number;
  /** processMs / bare `node -e 0` (same runs, interleaved). */
  ratioToBareNode: number;
}

export interface ColdStartResult {
  method: string;
  runs: number;
  bareNodeMs: number;
  bundleSeconds: number;
  bundles: BundleFigures[];
}

/** The function environment at init, minus AWS: no variable here makes module scope reach the network. */
function lambdaLikeEnvironment(handler: string): NodeJS.ProcessEnv {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: { waterfall?: unknown };
  };
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // Lambda sets these; Powertools reads them to know it runs in Lambda.
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `bench-${handler}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    TABLE_NAME: 'bench',
    RETENTION_DAYS: '90',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
    WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-webhooks',
    WEBHOOK_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-webhooks-dlq',
    PROVIDER_SECRET_ID: 'bench-provider-keys',
    WATERFALL_CONFIG: JSON.stringify(cdkJson.context.waterfall ?? null),
    POWERTOOLS_SERVICE_NAME: 'contact-enrichment',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'ContactEnrichment',
  };
}

/** The bundling options of lib/constructs/enrichment-function.ts, as the CDK passes them to esbuild. */
async function bundle(handler: HandlerFile, outDir: string): Promise<{ file: string; metafile: Metafile }> {
  const file = join(outDir, handler, 'index.js');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, 'functions', 'handlers', `${handler}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    // bundleAwsSDK: true, so nothing is external.
    external: [],
    minify: true,
    keepNames: true,
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  return { file, metafile: result.metafile };
}

const PROJECT_CODE = '(project code)';

/** Where the minified bytes come from, by package, from esbuild's metafile. */
function composition(metafile: Metafile, file: string) {
  const output = Object.entries(metafile.outputs).find(([path]) => join(PROJECT_ROOT, path) === file)?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match ? match[1]! : PROJECT_CODE;
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  const kib = (bytes: number) => round(bytes / 1024, 0);
  const awsSdk = [...byPackage.entries()]
    .filter(([name]) => /^@(aws-sdk|smithy|aws-crypto)\//.test(name))
    .reduce((total, [, bytes]) => total + bytes, 0);
  return {
    largestPackages: [...byPackage.entries()]
      .filter(([name]) => name !== PROJECT_CODE)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => ({ name, kib: kib(bytes) })),
    awsSdkKiB: kib(awsSdk),
    projectCodeKiB: kib(byPackage.get(PROJECT_CODE) ?? 0),
  };
}

interface Spawned {
  processMs: number;
  requireMs: number;
}

/** One fresh process; the child reports how long `require` took, the parent how long the process lived. */
function spawnNode(args: string[], env: NodeJS.ProcessEnv): Spawned {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 30_000 });
  const processMs = since(started);
  if (child.status !== 0) {
    throw new Error(`${args.join(' ')} exited with ${child.status}: ${child.stderr.slice(0, 2000)}`);
  }
  const reported = child.stdout.trim();
  return { processMs, requireMs: reported ? Number(reported) : 0 };
}

const requireScript = (file: string) =>
  `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;

export async function measureColdStarts(options: ColdStartOptions): Promise<ColdStartResult> {
  rmSync(options.outDir, { recursive: true, force: true });
  const bundling = performance.now();
  const bundles = await Promise.all(
    HANDLER_FILES.map(async (handler) => ({ handler, ...(await bundle(handler, options.outDir)) })),
  );
  const bundleSeconds = round(since(bundling) / 1000, 1);

  const bare: number[] = [];
  const withMaps = new Map<HandlerFile, Spawned[]>(HANDLER_FILES.map((h) => [h, []]));
  // Interleaved, so that load from other jobs on the machine spreads over every bundle alike.
  for (let run = 0; run < options.runs; run++) {
    bare.push(spawnNode(['-e', '0'], lambdaLikeEnvironment('bare')).processMs);
    for (const { handler, file } of bundles) {
      // NODE_OPTIONS=--enable-source-maps is part of every deployed function's environment.
      const args = ['--enable-source-maps', '-e', requireScript(file)];
      withMaps.get(handler)!.push(spawnNode(args, lambdaLikeEnvironment(handler)));
    }
  }
  const bareNodeMs = median(bare);

  return {
    method:
      `esbuild with the CDK construct's options (bundle, minify, keepNames, external source map without ` +
      `sources, target node22, platform node, cjs, mainFields module/main, AWS SDK bundled); ` +
      `${options.runs} fresh \`${process.execPath} -e "require(bundle)"\` processes per bundle (with --enable-source-maps, as deployed), ` +
      `interleaved with bare \`node -e 0\` runs; medians. requireMs is timed inside the child around ` +
      `require(); processMs is spawn to exit as seen by the parent. Environment as in Lambda without AWS ` +
      `(AWS_REGION=us-east-1, TABLE_NAME=bench, AWS_EXECUTION_ENV set as in Lambda).`,
    runs: options.runs,
    bareNodeMs: round(bareNodeMs, 1),
    bundleSeconds,
    bundles: bundles.map(({ handler, file, metafile }) => {
      const spawned = withMaps.get(handler)!;
      const processMs = median(spawned.map((s) => s.processMs));
      return {
        handler,
        sizeKiB: round(statSync(file).size / 1024, 0),
        sourceMapKiB: round(statSync(`${file}.map`).size / 1024, 0),
        ...composition(metafile, file),
        requireMs: round(median(spawned.map((s) => s.requireMs)), 1),
        processMs: round(processMs, 1),
        ratioToBareNode: round(processMs / bareNodeMs, 1),
      };
    }),
  };
}
