import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LocalQueue, type QueueConsumer } from '../../../local/local-queue';

interface Received {
  record: SQSRecord;
  at: number;
}

/** A consumer that records what it receives and answers each record as `decide` says. */
function recordingConsumer(decide: (record: SQSRecord) => 'ack' | 'fail' = () => 'ack') {
  const received: Received[] = [];
  const consumer: QueueConsumer = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = [];
    for (const record of event.Records) {
      received.push({ record, at: Date.now() });
      if (decide(record) === 'fail') failures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures: failures };
  };
  return { received, consumer };
}

describe('Class: LocalQueue', () => {
  const queues: LocalQueue[] = [];
  const newQueue = (maxReceiveCount = 3, visibilityTimeoutSeconds = 0.05) => {
    const queue = new LocalQueue({ maxReceiveCount, visibilityTimeoutSeconds });
    queues.push(queue);
    return queue;
  };

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.stop()));
  });

  it('hands an enqueued message over as an SQS record, then deletes it once acknowledged', async () => {
    // Prepare
    const queue = newQueue();
    const { received, consumer } = recordingConsumer();
    queue.start(consumer);

    // Act
    await queue.enqueue({ account_id: 'A1', enrichment_id: 'E1' });
    await queue.whenIdle();

    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]!.record).toMatchObject({
      body: '{"account_id":"A1","enrichment_id":"E1"}',
      md5OfBody: createHash('md5').update('{"account_id":"A1","enrichment_id":"E1"}').digest('hex'),
      eventSource: 'aws:sqs',
      attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }),
    });
    expect(queue.depth).toBe(0);
  });

  it('holds a delayed message back until its delay has passed', async () => {
    // Prepare
    const queue = newQueue();
    const { received, consumer } = recordingConsumer();
    queue.start(consumer);
    const sentAt = Date.now();

    // Act
    queue.send('{"n":1}', 0.3);
    await queue.whenIdle();

    // Assess
    expect(received[0]!.at - sentAt).toBeGreaterThanOrEqual(300);
  });

  it('hands a failed message over again after its visibility timeout, counting receives', async () => {
    // Prepare
    const queue = newQueue(5);
    const { received, consumer } = recordingConsumer((record) =>
      record.attributes.ApproximateReceiveCount === '3' ? 'ack' : 'fail',
    );
    queue.start(consumer);

    // Act
    queue.send('{"n":2}');
    await queue.whenIdle();

    // Assess
    expect(received.map((r) => r.record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(new Set(received.map((r) => r.record.messageId)).size).toBe(1);
    expect(new Set(received.map((r) => r.record.receiptHandle)).size).toBe(3);
  });

  it('brings a message back when ChangeMessageVisibility says, not before', async () => {
    // Prepare
    const queue = newQueue(5, 30);
    const received: Received[] = [];
    queue.start(async (event) => {
      const record = event.Records[0]!;
      received.push({ record, at: Date.now() });
      if (record.attributes.ApproximateReceiveCount !== '1') return { batchItemFailures: [] };
      await queue.changeVisibility(record.receiptHandle, 0.4);
      return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
    });

    // Act
    queue.send('{"n":3}');
    await queue.whenIdle();

    // Assess
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it('refuses ChangeMessageVisibility for a receipt handle not in flight', async () => {
    // Prepare
    const queue = newQueue();

    // Act & Assess
    await expect(queue.changeVisibility('stale', 1)).rejects.toThrow('receipt handle');
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const queue = newQueue(3);
    const { received, consumer } = recordingConsumer(() => 'fail');
    queue.start(consumer);

    // Act
    queue.send('{"n":4}');
    await queue.whenIdle();

    // Assess
    expect(received).toHaveLength(3);
    expect(queue.deadLetterBodies()).toEqual(['{"n":4}']);
    expect(queue.depth).toBe(0);
  });

  it('redrives dead letters as new messages whose receive count starts again', async () => {
    // Prepare
    const queue = newQueue(2);
    let failing = true;
    const { received, consumer } = recordingConsumer(() => (failing ? 'fail' : 'ack'));
    queue.start(consumer);
    queue.send('{"n":5}');
    await queue.whenIdle();
    failing = false;

    // Act
    const redriven = await queue.redriveDeadLetters();
    await queue.whenIdle();

    // Assess
    expect(redriven).toBe(1);
    expect(received.map((r) => r.record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '1']);
    expect(queue.deadLetterBodies()).toEqual([]);
  });

  it('counts a consumer that throws as a failed batch', async () => {
    // Prepare
    const queue = new LocalQueue({
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 0.05,
      onConsumerError: jest.fn(),
    });
    queues.push(queue);
    let calls = 0;
    queue.start(async () => {
      calls += 1;
      throw new Error('boom');
    });

    // Act
    queue.send('{"n":6}');
    await queue.whenIdle();

    // Assess
    expect(calls).toBe(2);
    expect(queue.deadLetterBodies()).toEqual(['{"n":6}']);
  });

  it('hands nothing over once stopped', async () => {
    // Prepare
    const queue = newQueue();
    const { received, consumer } = recordingConsumer();
    queue.start(consumer);
    queue.send('{"n":7}', 0.1);

    // Act
    await queue.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    expect(received).toHaveLength(0);
    expect(queue.depth).toBe(1);
  });
});
