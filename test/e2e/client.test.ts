/**
 * The typed client (client/) against a started local stack: the operations, Retry-After polling,
 * Idempotency-Key, API errors as ApiError, an unreachable API, back-off on 429 and verifyWebhook.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ApiUnreachableError, EnrichmentClient, verifyWebhook } from '../../client';
import { WebhookReceiver } from '../integration/webhooks/receiver';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const JANE = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email' as const] };

describe('Class: EnrichmentClient', () => {
  let local: E2eStack;
  let client: EnrichmentClient;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    local = await startE2eStack('client', { credits: 100 });
    client = new EnrichmentClient({
      baseUrl: local.stack.apiUrl,
      apiKey: local.account.api_key,
      waitScale: 0.01,
    });
    receiver.secret = local.account.webhook_secret;
    await receiver.start();
  });

  afterAll(async () => {
    await local.stop();
    await receiver.stop();
  });

  it('enriches a contact and waits as each pending answer’s Retry-After says', async () => {
    // Prepare
    const pauses: number[] = [];

    // Act
    const accepted = await client.enrich({ ...JANE, lastname: 'Slow' });
    const finished = await client.waitForContact(accepted.enrichment_id, {
      onPending: ({ retryAfterSeconds }) => pauses.push(retryAfterSeconds),
    });

    // Assess
    expect(accepted.status).toBe('pending');
    expect(finished.status).toBe('finished');
    expect(finished.results?.email?.value).toBe('jane.slow@acme.com');
    expect(pauses.length).toBeGreaterThan(0);
    expect(new Set(pauses)).toEqual(new Set([2]));
  });

  it('replays an Idempotency-Key: one enrichment, one charge', async () => {
    // Prepare
    const before = await client.credits();

    // Act
    const first = await client.enrich({ ...JANE, firstname: 'Ida' }, { idempotencyKey: 'client-test-1' });
    const second = await client.enrich({ ...JANE, firstname: 'Ida' }, { idempotencyKey: 'client-test-1' });
    await client.waitForContact(first.enrichment_id);

    // Assess
    expect(second.enrichment_id).toBe(first.enrichment_id);
    expect((await client.credits()).balance).toBe(before.balance - 1);
  });

  it('sends a bulk request and waits for its batch', async () => {
    // Act
    const accepted = await client.enrichBulk({ contacts: [JANE, { ...JANE, lastname: 'Nobody' }] });
    const batch = await client.waitForBatch(accepted.batch_id);

    // Assess
    expect(batch.counts).toEqual({ total: 2, pending: 0, finished: 2 });
    expect(batch.contacts.map((contact) => contact.results?.email?.value ?? null)).toEqual([
      'jane.doe@acme.com',
      null,
    ]);
  });

  it('throws the API’s code and message as ApiError', async () => {
    // Act
    const refused = client.enrich({ ...JANE, domain: null, company_name: null });
    const unknownKey = new EnrichmentClient({ baseUrl: local.stack.apiUrl, apiKey: 'ce_nope' }).credits();

    // Assess
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'validation_error' });
    await expect(unknownKey).rejects.toBeInstanceOf(ApiError);
    await expect(unknownKey).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('names an API it cannot reach', async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const answer = new EnrichmentClient({ baseUrl: url, apiKey: 'ce_x' }).credits();

    // Assess
    await expect(answer).rejects.toBeInstanceOf(ApiUnreachableError);
    await expect(answer).rejects.toThrow(`cannot reach the API at ${url} (ECONNREFUSED)`);
  });

  it('verifies a webhook the stack signed, and refuses it once its body changed', async () => {
    // Act
    const accepted = await client.enrich({ ...JANE, webhook_url: receiver.url('/hook') });
    await client.waitForContact(accepted.enrichment_id);
    await local.stack.idle();
    const [delivery] = receiver.deliveries;

    // Assess
    expect(verifyWebhook(delivery!.body, delivery!.headers, local.account.webhook_secret)).toMatchObject({
      enrichment_id: accepted.enrichment_id,
      status: 'finished',
    });
    expect(() =>
      verifyWebhook(delivery!.body.replace('jane', 'john'), delivery!.headers, local.account.webhook_secret),
    ).toThrow();
  });

  describe('on 429', () => {
    let server: Server;
    let answers: number[];
    let url: string;

    beforeAll(async () => {
      server = createServer((_request, response) => {
        const status = answers.shift() ?? 200;
        response.writeHead(status, { 'Content-Type': 'application/json', 'Retry-After': '1' });
        response.end(
          JSON.stringify(
            status === 429
              ? { code: 'rate_limited', message: 'Too many requests.' }
              : { balance: 5, reserved: 0, available: 5 },
          ),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('backs off as Retry-After says and answers the retried request', async () => {
      // Prepare
      answers = [429, 429, 200];
      const started = Date.now();

      // Act
      const credits = await new EnrichmentClient({ baseUrl: url, apiKey: 'ce_x', waitScale: 0.05 }).credits();

      // Assess
      expect(credits).toEqual({ balance: 5, reserved: 0, available: 5 });
      expect(answers).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('gives up with the 429 once its retries are spent', async () => {
      // Prepare
      answers = [429, 429, 429];

      // Act
      const credits = new EnrichmentClient({ baseUrl: url, retriesOn429: 2, waitScale: 0.01 }).credits();

      // Assess
      await expect(credits).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    });
  });
});
