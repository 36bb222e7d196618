/**
 * The deliver handler on moto's SQS, driven as the Lambda event source mapping drives it (batches, partial batch
 * failures, receive count, visibility timeout, the queue's redrive policy), with a scripted use case.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsWebhookQueue } from '../../../functions/adapters/aws/sqs-webhook-queue';
import type { DeliveryCommand, DeliveryOutcome } from '../../../functions/domain/webhooks/deliver-webhook';
import { createDeliverWebhookHandler } from '../../../functions/handlers/deliver-webhook';
import { motoClientConfig } from '../../support/moto';
import {
  createRedrivenQueue,
  eventually,
  queueDepth,
  receiveAll,
  SqsEventSource,
  type RedrivenQueue,
} from '../../support/sqs-event-source';

const MAX_RECEIVE_COUNT = 3;

const message = (n: number) => ({ account_id: 'A1', enrichment_id: `E${n}` });

describe('Function: createDeliverWebhookHandler (moto SQS, event source mapping)', () => {
  let client: SQSClient;
  let queues: RedrivenQueue;
  let source: SqsEventSource | undefined;

  beforeAll(() => {
    client = new SQSClient(motoClientConfig());
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  afterAll(() => client.destroy());

  /** Fresh queues with `messages` on them, and the handler polled from them. */
  async function rig(
    outcomes: (command: DeliveryCommand) => DeliveryOutcome | Promise<DeliveryOutcome>,
    options: {
      messages: unknown[];
      visibilityTimeoutSeconds?: number;
      queue?: (real: SqsWebhookQueue) => SqsWebhookQueue;
    },
  ) {
    queues = await createRedrivenQueue(client, {
      name: `deliver-${randomUUID()}`,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    const ids: string[] = [];
    for (const body of options.messages) {
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl: queues.queueUrl,
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
      ids.push(sent.MessageId!);
    }
    const real = new SqsWebhookQueue(client, queues.queueUrl, queues.deadLetterQueueUrl);
    const queue = options.queue?.(real) ?? real;
    const attempts: Array<DeliveryCommand & { at: number }> = [];
    const execute = async (command: DeliveryCommand) => {
      attempts.push({ ...command, at: Date.now() });
      return outcomes(command);
    };
    const handler = createDeliverWebhookHandler({ deliverWebhook: { execute }, queue });
    source = new SqsEventSource({ client, queueUrl: queues.queueUrl, queueArn: queues.queueArn, handler });
    source.start();
    return { ids, attempts, source };
  }

  const deadLetters = async () =>
    (await receiveAll(client, queues.deadLetterQueueUrl)).map((dead) => dead.Body);
  const depth = () => queueDepth(client, queues.queueUrl);
  const empty = async () => {
    const { visible, inFlight } = await depth();
    return visible + inFlight === 0;
  };

  it('passes the receive count as the attempt number', async () => {
    // Prepare
    const { attempts } = await rig(
      ({ attempt }) =>
        attempt < 3
          ? { kind: 'retry', attempt, delaySeconds: 0, failure: 'http_500' }
          : { kind: 'delivered', attempt, responseStatus: 200 },
      { messages: [message(1)] },
    );

    // Act
    await eventually(() => attempts.length === 3 && empty());

    // Assess
    expect(attempts.map(({ message: m, attempt }) => [m, attempt])).toEqual([
      [message(1), 1],
      [message(1), 2],
      [message(1), 3],
    ]);
  });

  it('acknowledges a delivered message: it is deleted from the queue', async () => {
    // Prepare
    const { ids, source: polled } = await rig(
      ({ attempt }) => ({ kind: 'delivered', attempt, responseStatus: 200 }),
      {
        messages: [message(1), message(2)],
      },
    );

    // Act
    await eventually(empty);

    // Assess
    expect(polled.invocations).toEqual([{ records: expect.any(Array), failed: [] }]);
    expect(polled.invocations[0]!.records.map((record) => record.messageId).sort()).toEqual([...ids].sort());
    expect(await deadLetters()).toEqual([]);
  });

  it('hides a message to retry for its delay and reports it failed', async () => {
    // Prepare
    const {
      ids,
      attempts,
      source: polled,
    } = await rig(
      ({ attempt }) =>
        attempt === 1
          ? { kind: 'retry', attempt, delaySeconds: 2, failure: 'http_500' }
          : { kind: 'delivered', attempt, responseStatus: 200 },
      { messages: [message(1)], visibilityTimeoutSeconds: 30 },
    );

    // Act
    await eventually(() => attempts.length === 1 && polled.invocations.length === 1);
    const hidden = await depth();
    await eventually(() => attempts.length === 2 && empty());

    // Assess
    expect(polled.invocations[0]!.failed).toEqual([ids[0]]);
    expect(hidden).toEqual({ visible: 0, inFlight: 1 });
    // Back after its delay, long before the queue's own 30 s visibility timeout.
    const gap = attempts[1]!.at - attempts[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1_900);
    expect(gap).toBeLessThan(10_000);
  });

  it('leaves the last failed attempt to the redrive policy, which dead-letters it', async () => {
    // Prepare
    const { attempts } = await rig(
      ({ attempt }) =>
        attempt < MAX_RECEIVE_COUNT
          ? { kind: 'retry', attempt, delaySeconds: 0, failure: 'http_500' }
          : { kind: 'failed', attempt, reason: 'attempts_exhausted', failure: 'http_500' },
      { messages: [message(1)] },
    );

    // Act
    const dead = await eventually(async () => {
      const bodies = await deadLetters();
      return bodies.length > 0 && bodies;
    });

    // Assess
    expect(dead).toEqual([JSON.stringify(message(1))]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(await depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('dead-letters a delivery that gave up early and acknowledges it', async () => {
    // Prepare
    const { attempts, source: polled } = await rig(
      ({ attempt }) => ({ kind: 'failed', attempt, reason: 'gone', failure: 'http_410' }),
      { messages: [message(1)] },
    );

    // Act
    await eventually(empty);

    // Assess
    expect(polled.invocations.map((invocation) => invocation.failed)).toEqual([[]]);
    expect(attempts).toHaveLength(1);
    expect(await deadLetters()).toEqual([JSON.stringify(message(1))]);
  });

  it('dead-letters an unreadable message without attempting it', async () => {
    // Prepare
    const { attempts } = await rig(() => ({ kind: 'skipped', reason: 'missing' }), {
      messages: ['not json', { account_id: 'A1' }],
    });

    // Act
    await eventually(empty);

    // Assess
    expect(attempts).toEqual([]);
    expect((await deadLetters()).sort()).toEqual(['not json', '{"account_id":"A1"}'].sort());
  });

  it('reports only the message whose attempt threw as failed; the queue brings it back', async () => {
    // Prepare
    const {
      ids,
      attempts,
      source: polled,
    } = await rig(
      ({ message: m, attempt }) => {
        if ('enrichment_id' in m && m.enrichment_id === 'E2' && attempt === 1) {
          throw new Error('DynamoDB throttled');
        }
        return { kind: 'delivered', attempt, responseStatus: 204 };
      },
      { messages: [message(1), message(2), message(3)], visibilityTimeoutSeconds: 1 },
    );

    // Act
    await eventually(() => attempts.length === 4 && empty());

    // Assess
    expect(polled.invocations[0]!.records).toHaveLength(3);
    expect(polled.invocations[0]!.failed).toEqual([ids[1]]);
    expect(attempts.slice(3).map(({ message: m, attempt }) => [m, attempt])).toEqual([[message(2), 2]]);
  });

  it('still reports a retry failed when the delay cannot be set: the queue timeout brings it back', async () => {
    // Prepare
    const { attempts, source: polled } = await rig(
      ({ attempt }) =>
        attempt === 1
          ? { kind: 'retry', attempt, delaySeconds: 60, failure: 'timeout' }
          : { kind: 'delivered', attempt, responseStatus: 200 },
      {
        messages: [message(1)],
        visibilityTimeoutSeconds: 1,
        queue: (real) =>
          Object.assign(Object.create(real) as SqsWebhookQueue, {
            changeVisibility: () => Promise.reject(new Error('ReceiptHandleIsInvalid')),
          }),
      },
    );

    // Act
    await eventually(() => attempts.length === 2 && empty());

    // Assess
    expect(polled.invocations[0]!.failed).toHaveLength(1);
    expect(attempts[1]!.at - attempts[0]!.at).toBeLessThan(10_000);
  });

  it('attempts one copy of a delivery that appears twice in a batch and acknowledges the other', async () => {
    // Prepare
    const {
      ids,
      attempts,
      source: polled,
    } = await rig(({ attempt }) => ({ kind: 'retry', attempt, delaySeconds: 60, failure: 'http_500' }), {
      messages: [message(1), message(1)],
    });

    // Act
    await eventually(() => polled.invocations.length === 1 && attempts.length === 1);
    await source!.stop();

    // Assess
    const [first] = polled.invocations;
    expect(first!.records.map((record) => record.messageId)).toEqual(ids);
    expect(first!.failed).toEqual([ids[0]]);
    expect(await depth()).toEqual({ visible: 0, inFlight: 1 });
  });
});
