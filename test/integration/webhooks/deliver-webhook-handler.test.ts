import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createDeliverWebhookHandler } from '../../../functions/handlers/deliver-webhook';
import type { DeliveryCommand, DeliveryOutcome } from '../../../functions/domain/deliver-webhook';
import type { DeliveryQueue } from '../../../functions/domain/ports';
import { lambdaContext } from '../../support/api-events';

function sqsRecord(id: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
    awsRegion: 'us-east-1',
  };
}

const message = (n: number) => ({ account_id: 'A1', enrichment_id: `E${n}` });

function rig(outcomes: (command: DeliveryCommand) => DeliveryOutcome | Promise<DeliveryOutcome>) {
  const queue: DeliveryQueue & { calls: unknown[] } = {
    calls: [],
    changeVisibility: jest.fn(async (handle: string, seconds: number) => {
      queue.calls.push(['changeVisibility', handle, seconds]);
    }),
    deadLetter: jest.fn(async (body: string) => {
      queue.calls.push(['deadLetter', body]);
    }),
  };
  const execute = jest.fn(async (command: DeliveryCommand) => outcomes(command));
  const handler = createDeliverWebhookHandler({ deliverWebhook: { execute }, queue });
  const run = (...records: SQSRecord[]) => handler({ Records: records } as SQSEvent, lambdaContext);
  return { queue, execute, run };
}

describe('Function: createDeliverWebhookHandler', () => {
  it('passes the receive count as the attempt number', async () => {
    // Prepare
    const { execute, run } = rig(() => ({ kind: 'delivered', attempt: 3, responseStatus: 200 }));

    // Act
    const response = await run(sqsRecord('m1', message(1), 3));

    // Assess
    expect(execute).toHaveBeenCalledWith({ message: message(1), attempt: 3 });
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('hides a message to retry for its delay and reports it failed', async () => {
    // Prepare
    const { queue, run } = rig(() => ({ kind: 'retry', attempt: 1, delaySeconds: 300, failure: 'http_500' }));

    // Act
    const response = await run(sqsRecord('m1', message(1)));

    // Assess
    expect(queue.calls).toEqual([['changeVisibility', 'receipt-m1', 300]]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('leaves the last failed attempt to the redrive policy: visible at once, reported failed', async () => {
    // Prepare
    const { queue, run } = rig(() => ({
      kind: 'failed',
      attempt: 8,
      reason: 'attempts_exhausted',
      failure: 'http_500',
    }));

    // Act
    const response = await run(sqsRecord('m1', message(1), 8));

    // Assess
    expect(queue.calls).toEqual([['changeVisibility', 'receipt-m1', 0]]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('dead-letters a delivery that gave up early and acknowledges it', async () => {
    // Prepare
    const { queue, run } = rig(() => ({ kind: 'failed', attempt: 1, reason: 'gone', failure: 'http_410' }));

    // Act
    const response = await run(sqsRecord('m1', message(1)));

    // Assess
    expect(queue.calls).toEqual([['deadLetter', JSON.stringify(message(1))]]);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('dead-letters an unreadable message without attempting it', async () => {
    // Prepare
    const { queue, execute, run } = rig(() => ({ kind: 'skipped', reason: 'missing' }));

    // Act
    const response = await run(sqsRecord('m1', 'not json'), sqsRecord('m2', { account_id: 'A1' }));

    // Assess
    expect(execute).not.toHaveBeenCalled();
    expect(queue.calls).toEqual([
      ['deadLetter', 'not json'],
      ['deadLetter', '{"account_id":"A1"}'],
    ]);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('reports only the message whose attempt threw as failed', async () => {
    // Prepare
    const { run } = rig(({ message: m }) => {
      if (m.enrichment_id === 'E2') throw new Error('DynamoDB throttled');
      return { kind: 'delivered', attempt: 1, responseStatus: 204 };
    });

    // Act
    const response = await run(
      sqsRecord('m1', message(1)),
      sqsRecord('m2', message(2)),
      sqsRecord('m3', message(3)),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('still reports a retry failed when the delay cannot be set', async () => {
    // Prepare
    const { queue, run } = rig(() => ({ kind: 'retry', attempt: 1, delaySeconds: 60, failure: 'timeout' }));
    (queue.changeVisibility as jest.Mock).mockRejectedValueOnce(new Error('ReceiptHandleIsInvalid'));

    // Act
    const response = await run(sqsRecord('m1', message(1)));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('attempts one copy of a delivery that appears twice in a batch', async () => {
    // Prepare
    const { execute, run } = rig(() => ({
      kind: 'retry',
      attempt: 1,
      delaySeconds: 60,
      failure: 'http_500',
    }));

    // Act
    const response = await run(sqsRecord('m1', message(1)), sqsRecord('m2', message(1)));

    // Assess
    expect(execute).toHaveBeenCalledTimes(1);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});
