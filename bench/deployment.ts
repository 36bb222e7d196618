/**
 * What the deployed stack is made of, read from lib/ itself: the CDK app is built in-process (no bundling,
 * no synthesis to disk) and its constructs are inspected, so the cost model prices the memory sizes and the
 * workflow type that `cdk deploy` would create, not a copy of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionName } from './product-probe';

/** Construct ids of the functions in lib/ → the handler file each one runs. */
const FUNCTION_IDS: Record<string, FunctionName> = {
  Authorizer: 'authorizer',
  Accept: 'accept',
  GetContact: 'get-contact',
  Credits: 'credits',
  ProviderStep: 'provider-step',
  RecordResult: 'record-result',
  Deliver: 'deliver-webhook',
};

/** What to price when lib/ cannot be read: the figure the task allows assuming, said out loud in the report. */
export const ASSUMED_MEMORY_MB = 256;

export interface Deployment {
  /** 'lib' when read from the CDK constructs; 'assumed' otherwise (see `note`). */
  source: 'lib' | 'assumed';
  note: string;
  memoryMb: Record<FunctionName, number>;
  architecture: string;
  stateMachineType: string;
  authorizerCacheSeconds: number | null;
  webhookBatchSize: number | null;
}

function assumed(reason: string): Deployment {
  return {
    source: 'assumed',
    note: `lib/ could not be read (${reason}); ${ASSUMED_MEMORY_MB} MB assumed for every function.`,
    memoryMb: Object.fromEntries(
      Object.values(FUNCTION_IDS).map((name) => [name, ASSUMED_MEMORY_MB]),
    ) as Record<FunctionName, number>,
    architecture: 'arm64',
    stateMachineType: 'STANDARD',
    authorizerCacheSeconds: null,
    webhookBatchSize: null,
  };
}

export async function readDeployment(): Promise<Deployment> {
  try {
    const root = join(__dirname, '..');
    // Imported here, not at the top: a lib/ that does not build must not stop the other benchmarks.
    const [{ App }, lambda, sfn, apigateway, { EnrichmentStack }, { settingsFromContext }] =
      await Promise.all([
        import('aws-cdk-lib'),
        import('aws-cdk-lib/aws-lambda'),
        import('aws-cdk-lib/aws-stepfunctions'),
        import('aws-cdk-lib/aws-apigateway'),
        import('../lib/enrichment-stack.js'),
        import('../lib/settings.js'),
      ]);
    const context = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: object }).context;
    const app = new App({
      outdir: join(__dirname, '.tmp', 'cdk.out'),
      // An empty list skips bundling, as for stacks `cdk synth --exclusively` leaves out.
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
    });
    const stack = new EnrichmentStack(app, 'Bench', { settings: settingsFromContext(app.node) });
    const memoryMb: Partial<Record<FunctionName, number>> = {};
    const architectures = new Set<string>();
    let stateMachineType = 'unknown';
    let authorizerCacheSeconds: number | null = null;
    let webhookBatchSize: number | null = null;
    for (const construct of stack.node.findAll()) {
      if (construct instanceof lambda.CfnFunction) {
        const name = FUNCTION_IDS[construct.node.scope?.node.id ?? ''];
        if (name && typeof construct.memorySize === 'number') memoryMb[name] = construct.memorySize;
        for (const architecture of (construct.architectures as string[] | undefined) ?? ['x86_64']) {
          architectures.add(architecture);
        }
      } else if (construct instanceof sfn.CfnStateMachine) {
        stateMachineType = String(construct.stateMachineType ?? 'STANDARD');
      } else if (construct instanceof apigateway.CfnAuthorizer) {
        const ttl = construct.authorizerResultTtlInSeconds;
        authorizerCacheSeconds = typeof ttl === 'number' ? ttl : null;
      } else if (construct instanceof lambda.CfnEventSourceMapping) {
        webhookBatchSize = typeof construct.batchSize === 'number' ? construct.batchSize : null;
      }
    }
    const missing = Object.values(FUNCTION_IDS).filter((name) => memoryMb[name] === undefined);
    for (const name of missing) memoryMb[name] = ASSUMED_MEMORY_MB;
    return {
      source: 'lib',
      note:
        `Read from the CDK stack of lib/ built in-process with cdk.json's context (bundling skipped).` +
        (missing.length ? ` Not found there, ${ASSUMED_MEMORY_MB} MB assumed: ${missing.join(', ')}.` : ''),
      memoryMb: memoryMb as Record<FunctionName, number>,
      architecture: [...architectures].join(', '),
      stateMachineType,
      authorizerCacheSeconds,
      webhookBatchSize,
    };
  } catch (error) {
    return assumed((error as Error).message.split('\n')[0] ?? 'unknown error');
  }
}
