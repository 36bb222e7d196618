import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { transactWrite } from '../../functions/adapters/dynamodb/transactions';

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

/** A DynamoDB client that answers each send with the next scripted outcome. */
function scriptedClient(...outcomes: Array<Error | 'ok'>) {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command: unknown) => {
      sent.push(command);
      const outcome = outcomes.shift();
      if (outcome instanceof Error) throw outcome;
    },
  };
}

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const input = { TransactItems: [] };

describe('Function: transactWrite', () => {
  it('retries a transaction cancelled only by a conflict with another one', async () => {
    // Prepare
    const client = scriptedClient(cancelled('None', 'TransactionConflict'), 'ok');

    // Act
    await transactWrite(client as never, input, fast);

    // Assess
    expect(client.sent).toHaveLength(2);
  });

  it('answers a failed condition at once, even beside a conflict', async () => {
    // Prepare
    const failedCondition = cancelled('ConditionalCheckFailed', 'TransactionConflict');
    const client = scriptedClient(failedCondition, 'ok');

    // Act & Assess
    await expect(transactWrite(client as never, input, fast)).rejects.toBe(failedCondition);
    expect(client.sent).toHaveLength(1);
  });

  it('gives up after the last attempt', async () => {
    // Prepare
    const conflict = cancelled('TransactionConflict');
    const client = scriptedClient(conflict, conflict, conflict, 'ok');

    // Act & Assess
    await expect(transactWrite(client as never, input, fast)).rejects.toBe(conflict);
    expect(client.sent).toHaveLength(3);
  });
});
