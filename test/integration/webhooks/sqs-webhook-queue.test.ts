import { randomUUID } from 'node:crypto';
import { QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { SqsWebhookQueue } from '../../../functions/adapters/aws/sqs-webhook-queue';
import { redriveWebhooks } from '../../../functions/domain/redrive-webhooks';
import { FakeSqs } from './fake-sqs';

describe('Class: SqsWebhookQueue', () => {
  const sqs = new FakeSqs();
  let client: SQSClient;
  let queue: SqsWebhookQueue;
  let source: string;
  let dlq: string;

  beforeAll(async () => {
    await sqs.start();
    client = new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
  });

  beforeEach(() => {
    sqs.requests.length = 0;
    sqs.afterAction = () => undefined;
    source = `webhooks-${randomUUID()}`;
    dlq = `dlq-${randomUUID()}`;
    queue = new SqsWebhookQueue(client, sqs.queueUrl(source), sqs.queueUrl(dlq));
  });

  afterAll(async () => {
    client.destroy();
    await sqs.stop();
  });

  it('enqueues the delivery reference only, over the SQS JSON protocol', async () => {
    // Prepare
    const message = { account_id: 'A1', enrichment_id: 'E1', firstname: 'Jane' };

    // Act
    await queue.enqueue(message);

    // Assess
    expect(sqs.requests).toHaveLength(1);
    const [request] = sqs.requests;
    expect(request!.action).toBe('SendMessage');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sqs\//,
    );
    expect(request!.input).toEqual({
      QueueUrl: sqs.queueUrl(source),
      MessageBody: '{"account_id":"A1","enrichment_id":"E1"}',
    });
  });

  it('surfaces an SQS error so the caller can retry the enqueue', async () => {
    // Prepare
    sqs.failNext('SendMessage', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue;Sender');

    // Act
    const enqueue = queue.enqueue({ account_id: 'A1', enrichment_id: 'E1' });

    // Assess
    await expect(enqueue).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('sets the visibility timeout in whole seconds, within the 12-hour limit', async () => {
    // Act
    await queue.changeVisibility('receipt-1', 0.05);
    await queue.changeVisibility('receipt-2', 90_000);

    // Assess
    expect(sqs.requests.map((r) => [r.action, r.input.ReceiptHandle, r.input.VisibilityTimeout])).toEqual([
      ['ChangeMessageVisibility', 'receipt-1', 1],
      ['ChangeMessageVisibility', 'receipt-2', 43_200],
    ]);
  });

  it('dead-letters a message body as it was received', async () => {
    // Act
    await queue.deadLetter('{"account_id":"A1","enrichment_id":"E9"}');

    // Assess
    expect(sqs.requests[0]!.input.QueueUrl).toBe(sqs.queueUrl(dlq));
    expect(sqs.bodies(dlq)).toEqual(['{"account_id":"A1","enrichment_id":"E9"}']);
  });

  it('redrives every dead letter to the queue as a new message and reports how many', async () => {
    // Prepare
    const bodies = Array.from({ length: 12 }, (_, n) =>
      JSON.stringify({ account_id: 'A1', enrichment_id: `E${n}` }),
    );
    for (const body of bodies) sqs.put(dlq, body);

    // Act
    const summary = await redriveWebhooks(queue);

    // Assess
    expect(summary).toEqual({ redriven: 12 });
    expect(sqs.bodies(source)).toEqual(bodies);
    expect(sqs.bodies(dlq)).toEqual([]);
    expect(sqs.requests.map((r) => r.action)).toEqual([
      'ReceiveMessage',
      'SendMessageBatch',
      'DeleteMessageBatch',
      'ReceiveMessage',
      'SendMessageBatch',
      'DeleteMessageBatch',
      'ReceiveMessage',
    ]);
    expect(sqs.requests[0]!.input).toMatchObject({ MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
  });

  it('ends the run when a redriven delivery is dead-lettered again meanwhile', async () => {
    // Prepare
    const body = '{"account_id":"A1","enrichment_id":"E1"}';
    sqs.put(dlq, body);
    let returned = false;
    sqs.afterAction = (action) => {
      if (action === 'DeleteMessageBatch' && !returned) {
        returned = true;
        sqs.put(dlq, body);
      }
    };

    // Act
    const summary = await redriveWebhooks(queue);

    // Assess
    expect(summary).toEqual({ redriven: 1 });
    expect(sqs.bodies(dlq)).toEqual([body]);
  });

  it('refuses to dead-letter or redrive without a dead-letter queue', async () => {
    // Prepare
    const withoutDlq = new SqsWebhookQueue(client, sqs.queueUrl('webhooks'));

    // Act & Assess
    await expect(withoutDlq.deadLetter('{}')).rejects.toThrow('dead-letter queue URL');
    await expect(withoutDlq.redriveDeadLetters()).rejects.toThrow('dead-letter queue URL');
  });
});
