import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../functions/domain/accounts/accounts';
import { signWebhook } from '../../functions/domain/webhooks/webhook-signature';

describe('Function: signWebhook', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ enrichment_id: '01J9Z8Y7X6W5V4T3S2R1Q0P9N8', status: 'finished' });

  it('signs as Standard Webhooks verifies', () => {
    // Act
    const headers = signWebhook(secret, '01J9Z8Y7X6W5V4T3S2R1Q0P9N8', body, new Date());

    // Assess
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('keeps the id of one enrichment across attempts while the timestamp follows the attempt', () => {
    // Act
    const first = signWebhook(secret, '01J9Z8Y7X6W5V4T3S2R1Q0P9N8', body, new Date('2026-01-01T00:00:00Z'));
    const later = signWebhook(secret, '01J9Z8Y7X6W5V4T3S2R1Q0P9N8', body, new Date('2026-01-01T01:00:00Z'));

    // Assess
    expect(later['webhook-id']).toBe(first['webhook-id']);
    expect(first['webhook-id']).toBe('msg_01J9Z8Y7X6W5V4T3S2R1Q0P9N8');
    expect(first['webhook-timestamp']).toBe('1767225600');
    expect(later['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('produces a signature another secret does not verify', () => {
    // Prepare
    const headers = signWebhook(secret, '01J9Z8Y7X6W5V4T3S2R1Q0P9N8', body, new Date());

    // Act & Assess
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
  });
});
