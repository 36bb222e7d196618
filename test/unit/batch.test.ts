import {
  MAX_STAGED_PART_BYTES,
  parseBatchRequest,
  shardCountOf,
  shardOf,
  stagedParts,
} from '../../functions/domain/batches/batch';
import type { ContactRecord } from '../../functions/domain/enrichment/contact';
import { webhookMessageBody } from '../../functions/domain/webhooks/webhook-message';

const record = (index: number, customBytes: number) =>
  ({
    enrichment_id: `E${index}`,
    custom_json: JSON.stringify({ pad: 'x'.repeat(customBytes) }),
  }) as ContactRecord;

describe('Module: batch', () => {
  it('packs staged contacts into parts that fit an item, keeping their order', () => {
    // Prepare
    const records = Array.from({ length: 100 }, (_, i) => record(i, 8_000));

    // Act
    const parts = stagedParts(records);

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts)
      expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(MAX_STAGED_PART_BYTES);
    expect(parts.flat()).toEqual(records);
    expect(stagedParts([record(0, 10)])).toHaveLength(1);
  });

  it('puts ten contacts in each completion shard', () => {
    // Assess
    expect([0, 9, 10, 99].map(shardOf)).toEqual([0, 0, 1, 9]);
    expect([1, 10, 11, 100].map(shardCountOf)).toEqual([1, 1, 2, 10]);
  });

  it('writes queue messages as references only, a batch one with its kind', () => {
    // Assess
    expect(webhookMessageBody({ account_id: 'A', enrichment_id: 'E' })).toBe(
      '{"account_id":"A","enrichment_id":"E"}',
    );
    expect(webhookMessageBody({ kind: 'batch', account_id: 'A', batch_id: 'B' })).toBe(
      '{"kind":"batch","account_id":"A","batch_id":"B"}',
    );
  });

  it('normalises each contact as the single route does and echoes the batch custom as JSON text', () => {
    // Act
    const request = parseBatchRequest(
      {
        contacts: [
          {
            firstname: ' Ann ',
            lastname: 'Lee',
            domain: 'https://www.Acme.com/x',
            enrichment_type: ['email'],
          },
        ],
        custom: { b: 1, a: [2] },
      },
      { allowPrivateTargets: false },
    );

    // Assess
    expect(request.contacts[0]).toMatchObject({ firstname: 'Ann', domain: 'acme.com', custom_json: '{}' });
    expect(request).toMatchObject({ webhook_url: null, custom_json: '{"b":1,"a":[2]}' });
  });
});
