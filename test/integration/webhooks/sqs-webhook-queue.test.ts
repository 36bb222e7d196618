import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsWebhookQueue } from '../../../functions/adapters/aws/sqs-webhook-queue';
import { redriveWebhooks } from '../../../functions/domain/webhooks/redrive-webhooks';
import { motoClientConfig, motoEndpoint } from '../../support/moto';
import {
  createRedrivenQueue,
  queueDepth,
  receiveAll,
  type RedrivenQueue,
} from '../../support/sqs-event-source';

interface SqsCall {
  action: string;
  input: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Records every request the client signs and sends; `afterCall` runs once moto has answered it. */
function recordCalls(client: SQSClient) {
  const recorder = {
    calls: [] as SqsCall[],
    afterCall: async (_call: SqsCall): Promise<void> => undefined,
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call: SqsCall = {
        action: String(context.commandName).replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
        headers: (args.request as { headers: Record<string, string> }).headers,
      };
      recorder.calls.push(call);
      const result = await next(args);
      await recorder.afterCall(call);
      return result;
    },
    // The deserialize step sees the request as sent: serialized and signed.
    { step: 'deserialize', name: 'recordCalls' },
  );
  return recorder;
}

const bodiesOf = async (client: SQSClient, queueUrl: string) =>
  (await receiveAll(client, queueUrl)).map((message) => message.Body);

describe('Class: SqsWebhookQueue (moto SQS)', () => {
  let client: SQSClient;
  let recorder: ReturnType<typeof recordCalls>;
  /** Reads and arranges the queues without being recorded. */
  let observer: SQSClient;
  let queues: RedrivenQueue;
  let queue: SqsWebhookQueue;

  beforeAll(() => {
    client = new SQSClient(motoClientConfig());
    recorder = recordCalls(client);
    observer = new SQSClient(motoClientConfig());
  });

  beforeEach(async () => {
    queues = await createRedrivenQueue(observer, {
      name: `webhooks-${randomUUID()}`,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    });
    queue = new SqsWebhookQueue(client, queues.queueUrl, queues.deadLetterQueueUrl);
    recorder.calls.length = 0;
    recorder.afterCall = async () => undefined;
  });

  afterAll(() => {
    client.destroy();
    observer.destroy();
  });

  it('enqueues the delivery reference only, over the SQS JSON protocol', async () => {
    // Prepare
    const message = { account_id: 'A1', enrichment_id: 'E1', firstname: 'Jane' };

    // Act
    await queue.enqueue(message);

    // Assess
    expect(recorder.calls).toHaveLength(1);
    const [call] = recorder.calls;
    expect(call!.action).toBe('SendMessage');
    expect(call!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(call!.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(call!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sqs\//,
    );
    expect(await bodiesOf(observer, queues.queueUrl)).toEqual(['{"account_id":"A1","enrichment_id":"E1"}']);
  });

  it('surfaces an SQS error so the caller can retry the enqueue', async () => {
    // Prepare
    const missing = new SqsWebhookQueue(client, `${motoEndpoint()}/123456789012/missing-${randomUUID()}`);

    // Act
    const enqueue = missing.enqueue({ account_id: 'A1', enrichment_id: 'E1' });

    // Assess
    await expect(enqueue).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('sets the visibility timeout in whole seconds, short enough for SQS to accept it', async () => {
    // Prepare
    await observer.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'one' }));
    await observer.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'two' }));
    const received = await receiveAll(client, queues.queueUrl);
    const handle = (body: string) => received.find((message) => message.Body === body)!.ReceiptHandle!;
    recorder.calls.length = 0;

    // Act
    await queue.changeVisibility(handle('one'), 0.05);
    await queue.changeVisibility(handle('two'), 90_000);

    // Assess
    expect(recorder.calls.map((c) => [c.action, c.input.ReceiptHandle, c.input.VisibilityTimeout])).toEqual([
      ['ChangeMessageVisibility', handle('one'), 1],
      ['ChangeMessageVisibility', handle('two'), 12 * 3600 - 300],
    ]);
    // A bare 12 hours is already too long: SQS counts them from the receive, and refuses rather than trims.
    const twelveHours = observer.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queues.queueUrl,
        ReceiptHandle: handle('two'),
        VisibilityTimeout: 12 * 3600,
      }),
    );
    await expect(twelveHours).rejects.toThrow(/VisibilityTimeout/);
    const again = await observer.send(
      new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 3, MaxNumberOfMessages: 10 }),
    );
    expect(again.Messages?.map((message) => message.Body)).toEqual(['one']);
  });

  it('dead-letters a message body as it was received', async () => {
    // Act
    await queue.deadLetter('{"account_id":"A1","enrichment_id":"E9"}');

    // Assess
    expect(recorder.calls[0]!.input.QueueUrl).toBe(queues.deadLetterQueueUrl);
    expect(await bodiesOf(observer, queues.deadLetterQueueUrl)).toEqual([
      '{"account_id":"A1","enrichment_id":"E9"}',
    ]);
  });

  it('redrives every dead letter to the queue as a new message and reports how many', async () => {
    // Prepare
    const bodies = Array.from({ length: 12 }, (_, n) =>
      JSON.stringify({ account_id: 'A1', enrichment_id: `E${n}` }),
    );
    for (const body of bodies) {
      await observer.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body }));
    }
    // Dead letters have been received before (here twice), as after their last attempt.
    for (let n = 0; n < 2; n++) {
      for (const message of await receiveAll(observer, queues.deadLetterQueueUrl)) {
        await observer.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queues.deadLetterQueueUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
    }

    // Act
    const summary = await redriveWebhooks(queue);

    // Assess
    expect(summary).toEqual({ redriven: 12 });
    const redriven = await receiveAll(observer, queues.queueUrl);
    expect(redriven.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    // New messages: the receive count, and with it the attempt number, starts again at 1.
    expect(redriven.map((message) => message.Attributes?.ApproximateReceiveCount)).toEqual(
      bodies.map(() => '1'),
    );
    expect(await queueDepth(observer, queues.deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(recorder.calls.map((c) => c.action)).toEqual([
      'ReceiveMessage',
      'SendMessageBatch',
      'DeleteMessageBatch',
      'ReceiveMessage',
      'SendMessageBatch',
      'DeleteMessageBatch',
      'ReceiveMessage',
    ]);
    expect(recorder.calls[0]!.input).toMatchObject({ MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
  });

  it('ends the run when a redriven delivery is dead-lettered again meanwhile', async () => {
    // Prepare
    const body = '{"account_id":"A1","enrichment_id":"E1"}';
    await observer.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body }));
    let returned = false;
    recorder.afterCall = async ({ action }) => {
      if (action === 'DeleteMessageBatch' && !returned) {
        returned = true;
        await observer.send(
          new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body }),
        );
      }
    };

    // Act
    const summary = await redriveWebhooks(queue);

    // Assess
    expect(summary).toEqual({ redriven: 1 });
    expect(await bodiesOf(observer, queues.deadLetterQueueUrl)).toEqual([body]);
    expect(await bodiesOf(observer, queues.queueUrl)).toEqual([body]);
  });

  it('refuses to dead-letter or redrive without a dead-letter queue', async () => {
    // Prepare
    const { QueueUrl } = await observer.send(new CreateQueueCommand({ QueueName: `alone-${randomUUID()}` }));
    const withoutDlq = new SqsWebhookQueue(client, QueueUrl!);

    // Act & Assess
    await expect(withoutDlq.deadLetter('{}')).rejects.toThrow('dead-letter queue URL');
    await expect(withoutDlq.redriveDeadLetters()).rejects.toThrow('dead-letter queue URL');
    expect(recorder.calls).toEqual([]);
  });
});
