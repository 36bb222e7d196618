/**
 * Where the operator CLI acts: the deployed table (TABLE_NAME and the AWS environment), or the running local
 * stack, which leaves its endpoints in `.local-data/local-stack.json` while it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsWebhookQueue } from '../adapters/aws/sqs-webhook-queue';
import { loadConfig } from '../config';
import { redriveWebhooks } from '../domain/redrive-webhooks';

export interface AdminTarget {
  tableName: string;
  dynamoEndpoint?: string;
  region?: string;
  redriveWebhooks(): Promise<unknown>;
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

export function resolveTarget(env: NodeJS.ProcessEnv): AdminTarget {
  if (env.TABLE_NAME) {
    return {
      tableName: env.TABLE_NAME,
      dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      redriveWebhooks: () => redriveInAws(env),
    };
  }
  const local = readLocalState();
  if (!local) throw new NoTargetError();
  return {
    tableName: local.tableName,
    dynamoEndpoint: local.dynamoEndpoint,
    redriveWebhooks: async () => {
      const response = await fetch(`${local.operatorUrl}/webhooks/redrive`, { method: 'POST' });
      return (await response.json()) as unknown;
    },
  };
}
