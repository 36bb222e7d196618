/**
 * Where the operator CLI acts: the deployed table (TABLE_NAME and the AWS environment), or the running local
 * stack, which leaves its endpoints in `.local-data/local-stack.json` while it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { StepFunctionsWorkflow } from '../adapters/aws/sfn-workflow-starter';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { resendWebhook, sweepPending } from '../composition';
import { systemClock } from '../domain/clock';
import { SqsWebhookQueue } from '../adapters/aws/sqs-webhook-queue';
import { loadConfig } from '../config';
import { envNameOf } from '../settings';
import { redriveWebhooks } from '../domain/webhooks/redrive-webhooks';
import type { WaterfallSettings } from '../domain/enrichment/waterfall-settings';

export interface AdminTarget {
  tableName: string;
  /**
   * The target's waterfall (`providers stats` recommends orders of its providers). A deployed table's is
   * WATERFALL_CONFIG's, which must be set: reading it otherwise throws `MissingWaterfallConfigError`.
   */
  readonly waterfall: WaterfallSettings;
  dynamoEndpoint?: string;
  region?: string;
  redriveWebhooks(): Promise<unknown>;
  /** Runs the sweeper of pending enrichments now (`enrichments recover`). */
  recoverEnrichments(olderThanSeconds: number): Promise<unknown>;
  /** A new delivery round of a finished enrichment's webhook (`webhooks resend`). */
  resendWebhook(accountId: string, enrichmentId: string): Promise<unknown>;
}

export interface LocalStackState {
  pid: number;
  apiUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  /** Loopback-only operator endpoint of the local stack (webhook redrive). */
  operatorUrl: string;
}

/** Where the running local stack leaves its endpoints (`LOCAL_STATE_FILE` overrides it). */
export const LOCAL_STATE_FILE =
  process.env.LOCAL_STATE_FILE ?? join(__dirname, '..', '..', '.local-data', 'local-stack.json');

export class NoTargetError extends Error {
  constructor() {
    super(
      'No target: set TABLE_NAME (and AWS_REGION) for a deployed stack, or start the local stack with `npm start`.',
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readLocalState(file = LOCAL_STATE_FILE): LocalStackState | undefined {
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as LocalStackState;
  return isRunning(state.pid) ? state : undefined;
}

const WATERFALL_ENV = envNameOf('waterfall');

/**
 * The deployed stack's waterfall is not in the operator's shell: scoring against the defaults would recommend
 * orders of providers the deployment may not use, so it is asked for.
 */
export class MissingWaterfallConfigError extends Error {
  constructor() {
    super(
      `providers stats against a deployed table needs ${WATERFALL_ENV}: the waterfall the stack was deployed with. ` +
        `Copy it from a deployed function's environment (\`aws lambda get-function-configuration --function-name ` +
        `<the stack's feedback function> --query Environment.Variables.${WATERFALL_ENV} --output text\`), or give ` +
        'the `waterfall` you deployed with (cdk.json context or `-c waterfall=…`) as JSON.',
    );
  }
}

/** The deployed waterfall, from WATERFALL_CONFIG alone: its default is not the deployment's to assume. */
function deployedWaterfall(env: NodeJS.ProcessEnv): WaterfallSettings {
  if (!env[WATERFALL_ENV]?.trim()) throw new MissingWaterfallConfigError();
  return loadConfig(env).waterfall;
}

export class MissingQueueError extends Error {
  constructor() {
    super(
      'webhooks redrive needs WEBHOOK_QUEUE_URL and WEBHOOK_DLQ_URL (the stack outputs) in the environment.',
    );
  }
}

/** Moves the deployed dead-letter queue's deliveries back to the webhook queue. */
async function redriveInAws(env: NodeJS.ProcessEnv): Promise<unknown> {
  const config = loadConfig(env);
  if (!config.webhookQueueUrl || !config.webhookDeadLetterQueueUrl) throw new MissingQueueError();
  const client = new SQSClient({ region: config.region ?? env.AWS_DEFAULT_REGION });
  try {
    return await redriveWebhooks(
      new SqsWebhookQueue(client, config.webhookQueueUrl, config.webhookDeadLetterQueueUrl),
    );
  } finally {
    client.destroy();
  }
}

export class MissingWorkflowError extends Error {
  constructor() {
    super(
      'enrichments recover needs STATE_MACHINE_ARN and WEBHOOK_QUEUE_URL (the stack outputs) in the environment.',
    );
  }
}

/** Runs the deployed sweeper's use case from here, against the deployed table, state machine and queue. */
async function recoverInAws(env: NodeJS.ProcessEnv, olderThanSeconds: number): Promise<unknown> {
  const config = loadConfig(env);
  if (!config.stateMachineArn || !config.webhookQueueUrl) throw new MissingWorkflowError();
  const region = config.region ?? env.AWS_DEFAULT_REGION;
  const sfn = new SFNClient({ region });
  const sqs = new SQSClient({ region });
  const db = createDocumentClient({ endpoint: config.dynamoEndpoint, region });
  try {
    const sweeper = sweepPending(
      { config, db, clock: systemClock },
      new StepFunctionsWorkflow(sfn, config.stateMachineArn),
      new SqsWebhookQueue(sqs, config.webhookQueueUrl),
    );
    return await sweeper.execute({ olderThanSeconds });
  } finally {
    sfn.destroy();
    sqs.destroy();
    db.destroy();
  }
}

export class MissingWebhookQueueError extends Error {
  constructor() {
    super('webhooks resend needs WEBHOOK_QUEUE_URL (the stack output) in the environment.');
  }
}

/** Runs the API's resend use case from here, against the deployed table and webhook queue. */
async function resendInAws(
  env: NodeJS.ProcessEnv,
  accountId: string,
  enrichmentId: string,
): Promise<unknown> {
  const config = loadConfig(env);
  if (!config.webhookQueueUrl) throw new MissingWebhookQueueError();
  const region = config.region ?? env.AWS_DEFAULT_REGION;
  const sqs = new SQSClient({ region });
  const db = createDocumentClient({ endpoint: config.dynamoEndpoint, region });
  try {
    return await resendWebhook(
      { config, db, clock: systemClock },
      new SqsWebhookQueue(sqs, config.webhookQueueUrl),
    ).execute(accountId, enrichmentId);
  } finally {
    sqs.destroy();
    db.destroy();
  }
}

/** The local stack's operator routes answer `{ error }` when the use case refused. */
async function operatorCall(url: string): Promise<unknown> {
  const answer = (await (await fetch(url, { method: 'POST' })).json()) as { error?: string };
  if (typeof answer.error === 'string') throw new OperatorRefusedError(answer.error);
  return answer;
}

export class OperatorRefusedError extends Error {}

export function resolveTarget(env: NodeJS.ProcessEnv): AdminTarget {
  if (env.TABLE_NAME) {
    return {
      tableName: env.TABLE_NAME,
      get waterfall() {
        return deployedWaterfall(env);
      },
      dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      redriveWebhooks: () => redriveInAws(env),
      recoverEnrichments: (olderThanSeconds) => recoverInAws(env, olderThanSeconds),
      resendWebhook: (accountId, enrichmentId) => resendInAws(env, accountId, enrichmentId),
    };
  }
  const local = readLocalState();
  if (!local) throw new NoTargetError();
  return {
    tableName: local.tableName,
    /** The waterfall the local stack starts with from the same environment. */
    get waterfall() {
      return loadConfig(env, { local: true }).waterfall;
    },
    dynamoEndpoint: local.dynamoEndpoint,
    redriveWebhooks: async () => {
      const response = await fetch(`${local.operatorUrl}/webhooks/redrive`, { method: 'POST' });
      return (await response.json()) as unknown;
    },
    resendWebhook: (accountId, enrichmentId) =>
      operatorCall(
        `${local.operatorUrl}/webhooks/resend?${new URLSearchParams({ account_id: accountId, enrichment_id: enrichmentId })}`,
      ),
    recoverEnrichments: async (olderThanSeconds) => {
      const url = `${local.operatorUrl}/enrichments/recover?older_than=${olderThanSeconds}`;
      return (await (await fetch(url, { method: 'POST' })).json()) as unknown;
    },
  };
}
