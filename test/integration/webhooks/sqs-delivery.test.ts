/**
 * Webhook delivery as deployed, on moto's SQS: the queue and its dead-letter queue with the stack's redrive
 * policy (maxReceiveCount = the schedule's attempts), the deliver handler from the composition root polled as
 * the Lambda event source mapping does, DynamoDB Local, a receiver on 127.0.0.1, and `webhooks redrive` through
 * the operator CLI's deployed-stack target. The retry schedule is in seconds so a whole round takes a few.
 */
import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsWebhookQueue } from '../../../functions/adapters/aws/sqs-webhook-queue';
import { runAdmin } from '../../../functions/admin/cli';
import { resolveTarget } from '../../../functions/admin/target';
import { deliverWebhookHandler } from '../../../functions/composition';
import { ENV, loadConfig } from '../../../functions/config';
import type { Account } from '../../../functions/domain/accounts/accounts';
import { systemClock } from '../../../functions/domain/clock';
import { toContactView } from '../../../functions/domain/enrichment/contact';
import { maxAttempts, retryScheduleFrom } from '../../../functions/domain/webhooks/retry-schedule';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { motoClientConfig, motoEndpoint } from '../../support/moto';
import {
  createRedrivenQueue,
  eventually,
  queueDepth,
  SqsEventSource,
  type RedrivenQueue,
} from '../../support/sqs-event-source';
import { createAccount, finishedContact, storesOf, type Stores } from './fixtures';
import { WebhookReceiver } from './receiver';

const SCHEDULE = [1, 1];

/**
 * Runs `fn` with the AWS environment pointed at moto only (endpoint, dummy credentials, no config files), as
 * the SDK clients the operator CLI makes read it, then restores the environment.
 */
async function asOperator<T>(
  env: Record<string, string>,
  fn: (env: NodeJS.ProcessEnv) => Promise<T>,
): Promise<T> {
  const aws = {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'moto-secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const saved = { ...process.env };
  Object.assign(process.env, aws);
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  try {
    return await fn({ ...aws, ...env });
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe('Webhook delivery on SQS (moto): event source mapping, redrive policy, webhooks redrive', () => {
  let table: TestTable;
  let stores: Stores;
  let account: Account;
  let client: SQSClient;
  let queues: RedrivenQueue;
  let source: SqsEventSource;
  /** The attempt number each delivery was handed (the message's receive count). */
  const attempts: Array<{ enrichmentId: string; attempt: number }> = [];
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    table = await createTestTable();
    stores = storesOf(table);
    account = await createAccount(stores);
    receiver.secret = account.webhook_secret;
    await receiver.start();
    client = new SQSClient(motoClientConfig());
    queues = await createRedrivenQueue(client, {
      name: `webhooks-${randomUUID()}`,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: maxAttempts(retryScheduleFrom(SCHEDULE)),
    });
    const config = loadConfig({
      [ENV.tableName]: table.tableName,
      [ENV.webhookRetrySchedule]: SCHEDULE.join(','),
      [ENV.allowPrivateWebhookTargets]: 'true',
    });
    const handler = deliverWebhookHandler(
      { config, db: table.db, clock: systemClock, loopbackWebhookTargets: true },
      new SqsWebhookQueue(client, queues.queueUrl, queues.deadLetterQueueUrl),
      { timeoutMs: 2_000 },
      (deliver) => ({
        execute: (command) => {
          if ('enrichment_id' in command.message) {
            attempts.push({ enrichmentId: command.message.enrichment_id, attempt: command.attempt });
          }
          return deliver.execute(command);
        },
      }),
    );
    source = new SqsEventSource({ client, queueUrl: queues.queueUrl, queueArn: queues.queueArn, handler });
    source.start();
  });

  afterAll(async () => {
    await source.stop();
    client.destroy();
    await receiver.stop();
    await table.drop();
  });

  beforeEach(() => receiver.reset());

  const enqueue = (enrichmentId: string) =>
    new SqsWebhookQueue(client, queues.queueUrl).enqueue({
      account_id: account.account_id,
      enrichment_id: enrichmentId,
    });
  const webhookOf = async (enrichmentId: string) =>
    (await stores.webhooks.getContact(account.account_id, enrichmentId))?.webhook;
  const attemptsOf = (enrichmentId: string) =>
    attempts.filter((a) => a.enrichmentId === enrichmentId).map((a) => a.attempt);
  const settled = async (url: string) => {
    const { visible, inFlight } = await queueDepth(client, url);
    return visible + inFlight === 0;
  };

  it('delivers a signed webhook on the first attempt and deletes its message', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());

    // Act
    await enqueue(record.enrichment_id);
    await eventually(async () => receiver.deliveries.length === 1 && settled(queues.queueUrl));

    // Assess
    expect(receiver.deliveries[0]!.verified).toEqual({ ok: true, payload: toContactView(record) });
    expect(attemptsOf(record.enrichment_id)).toEqual([1]);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await queueDepth(client, queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('retries on the schedule, lets the redrive policy dead-letter the last failure, and redelivers once redriven', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = () => ({ status: 500 });

    // Act
    await enqueue(record.enrichment_id);
    await eventually(async () => (await queueDepth(client, queues.deadLetterQueueUrl)).visible === 1);

    // Assess: one attempt per receive, spaced by the schedule, then the message is in the dead-letter queue.
    expect(attemptsOf(record.enrichment_id)).toEqual([1, 2, 3]);
    const times = receiver.deliveries.map((d) => d.receivedAt);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(900);
    expect(await settled(queues.queueUrl)).toBe(true);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_response_status: 500,
    });

    // Prepare: the receiver is back.
    receiver.reset();

    // Act: the operator's command, with the environment it is given for a deployed stack.
    const summary = await asOperator(
      {
        TABLE_NAME: table.tableName,
        DYNAMODB_ENDPOINT: table.endpoint,
        WEBHOOK_QUEUE_URL: queues.queueUrl,
        WEBHOOK_DLQ_URL: queues.deadLetterQueueUrl,
      },
      (env) => runAdmin(['webhooks', 'redrive'], resolveTarget(env)),
    );
    await eventually(async () => receiver.deliveries.length === 1 && settled(queues.queueUrl));

    // Assess: a new message, so a new round starting at attempt 1; the record keeps counting.
    expect(summary).toEqual({ redriven: 1 });
    expect(attemptsOf(record.enrichment_id)).toEqual([1, 2, 3, 1]);
    expect(await queueDepth(client, queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'delivered',
      attempts: 4,
      last_response_status: 200,
    });
  });

  it('dead-letters a delivery answered 410 Gone at once, without retrying it', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = () => ({ status: 410 });

    // Act
    await enqueue(record.enrichment_id);
    await eventually(async () => (await queueDepth(client, queues.deadLetterQueueUrl)).visible === 1);

    // Assess
    expect(attemptsOf(record.enrichment_id)).toEqual([1]);
    expect(receiver.deliveries).toHaveLength(1);
    expect(await settled(queues.queueUrl)).toBe(true);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_response_status: 410,
    });
  });
});
