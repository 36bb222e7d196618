/**
 * The product end to end, over real HTTP against a started local stack: the contract as an integrating
 * developer meets it.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';
import { WebhookReceiver, replies } from '../integration/webhooks/receiver';

interface Created {
  account_id: string;
  api_key: string;
  webhook_secret: string;
}

describe('Local stack: the API contract over HTTP', () => {
  let stack: LocalStack;
  let admin: AccountAdministration;
  let db: ReturnType<typeof createDocumentClient>;
  let receiver: WebhookReceiver;
  let api: ApiClient;
  let account: Created;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-${Date.now()}`,
      fastWaitsMs: 5,
      webhookRetrySchedule: [0.2, 0.2, 0.2],
      authorizerCacheSeconds: 60,
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
    account = await admin.create({
      name: 'E2E',
      credits: 100,
      personalEmailConsent: true,
      phoneCountryCodes: null,
    });
    api = new ApiClient(stack.apiUrl, account.api_key);
    receiver = new WebhookReceiver();
    receiver.secret = account.webhook_secret;
    await receiver.start();
  });

  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
    db.destroy();
  });

  beforeEach(() => receiver.reset());

  describe('authentication', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an unknown key', 'ce_thisKeyDoesNotExistAnywhere000000000000'],
    ])('answers 401 with the contract body for %s', async (_name, key) => {
      // Act
      const answer = await api.withKey(key).credits();

      // Assess
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        code: 'unauthorized',
        message: 'A valid API key is required: send Authorization: Bearer <api_key>.',
      });
    });

    it('answers 401 for a malformed Authorization header', async () => {
      // Act
      const answer = await api.request('GET', '/account/credits', {
        headers: { Authorization: `Token ${account.api_key}` },
      });

      // Assess
      expect(answer.status).toBe(401);
    });

    it('answers 401 for a revoked key', async () => {
      // Prepare
      const key = await admin.createKey(account.account_id);
      await admin.revokeKey(account.account_id, key.key_prefix);

      // Act
      const answer = await api.withKey(key.api_key).credits();

      // Assess
      expect(answer.status).toBe(401);
    });
  });

  describe('accepting', () => {
    it('answers 202 with exactly the contract keys and a Location header', async () => {
      // Act
      const answer = await api.enrich({
        firstname: 'Ada',
        lastname: 'Lovelace',
        domain: 'acme.com',
        enrichment_type: ['email'],
      });

      // Assess
      expect(answer.status).toBe(202);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Object.keys(answer.body)).toEqual([
        'enrichment_id',
        'firstname',
        'lastname',
        'status',
        'custom',
      ]);
      expect(answer.headers.get('location')).toBe(`/contacts/${String(answer.body.enrichment_id)}`);
    });

    it('answers 400 naming an unknown field', async () => {
      // Act
      const answer = await api.enrich({
        first_name: 'Ada',
        lastname: 'Lovelace',
        domain: 'acme.com',
        enrichment_type: ['email'],
      });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'validation_error',
        errors: expect.arrayContaining([{ path: 'first_name', message: 'is not a known field' }]),
      });
    });

    it('answers 422 with the exact consent message', async () => {
      // Prepare
      const other = await admin.create({
        name: 'No consent',
        credits: 10,
        personalEmailConsent: false,
        phoneCountryCodes: null,
      });

      // Act
      const answer = await api.withKey(other.api_key).enrich({
        firstname: 'Ada',
        lastname: 'Lovelace',
        linkedin_url: 'linkedin.com/in/ada',
        enrichment_type: ['personal_email'],
      });

      // Assess
      expect(answer.status).toBe(422);
      expect(answer.text).toBe(
        '{"code":"consent_required","message":"You can\'t use the personal email enrichment feature without consenting with our terms of use"}',
      );
    });

    it('answers 402 when credits do not cover the worst case, and 404 for unknown routes', async () => {
      // Prepare
      const poor = await admin.create({
        name: 'Poor',
        credits: 0,
        personalEmailConsent: false,
        phoneCountryCodes: null,
      });

      // Act
      const answer = await api
        .withKey(poor.api_key)
        .enrich({ firstname: 'A', lastname: 'B', domain: 'acme.com', enrichment_type: ['email'] });
      const route = await api.request('GET', '/nowhere');

      // Assess
      expect(answer.status).toBe(402);
      expect(answer.body.code).toBe('insufficient_credits');
      expect(route.status).toBe(404);
      expect(route.body.code).toBe('not_found');
    });
  });

  describe('results', () => {
    it('polls a pending record with Retry-After until it is finished, echoing custom', async () => {
      // Prepare
      const custom = { crm_id: 'hubspot-42', tags: ['vip'], score: 0.5 };
      const accepted = await api.enrich({
        firstname: 'Jane',
        lastname: 'Doe',
        company_name: 'Acme Inc.',
        enrichment_type: ['email'],
        custom,
      });
      const id = String(accepted.body.enrichment_id);

      // Act
      const { finished, pendingAnswers } = await api.untilFinished(id);

      // Assess
      for (const pending of pendingAnswers) {
        expect(pending.headers.get('retry-after')).toBe('2');
        expect(pending.body.results).toBeNull();
      }
      expect(finished.headers.get('retry-after')).toBeNull();
      expect(JSON.stringify(finished.body.custom)).toBe(JSON.stringify(custom));
      expect(finished.body).toMatchObject({
        status: 'finished',
        company_name: 'Acme Inc.',
        domain: null,
        results: { email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' } },
        credits_used: 1,
      });
      expect(typeof finished.body.finished_at).toBe('string');
    });

    it('finds nothing and charges nothing for a nobody', async () => {
      // Prepare
      const own = await admin.create({
        name: 'Nobody',
        credits: 14,
        personalEmailConsent: true,
        phoneCountryCodes: null,
      });
      const client = api.withKey(own.api_key);
      const accepted = await client.enrich({
        firstname: 'No',
        lastname: 'nobody-at-all',
        domain: 'acme.com',
        linkedin_url: 'linkedin.com/in/nobody',
        enrichment_type: ['email', 'phone', 'personal_email'],
      });

      // Act
      const { finished } = await client.untilFinished(String(accepted.body.enrichment_id));

      // Assess
      expect(finished.body.results).toEqual({ email: null, phones: [], personal_email: null });
      expect(finished.body.credits_used).toBe(0);
      expect((await client.credits()).body).toEqual({ balance: 14, reserved: 0, available: 14 });
    });

    it('shows a flaky first provider and the provider that found the data in the trace', async () => {
      // Prepare
      const accepted = await api.enrich({
        firstname: 'Flo',
        lastname: 'Flakyson',
        domain: 'acme.com',
        enrichment_type: ['email'],
      });

      // Act
      const { finished } = await api.untilFinished(String(accepted.body.enrichment_id));

      // Assess
      expect(
        (finished.body.waterfall as Array<{ provider: string; outcome: string }>).map((s) => [
          s.provider,
          s.outcome,
        ]),
      ).toEqual([
        ['sandbox-primary', 'error'],
        ['sandbox-secondary', 'found'],
      ]);
      expect(finished.body.results).toEqual({
        email: { value: 'flo.flakyson@acme.com', status: 'valid', provider: 'sandbox-secondary' },
      });
    });

    it('finds each type, phones in the first allowed country, and charges the found types', async () => {
      // Prepare
      const own = await admin.create({
        name: 'Each type',
        credits: 20,
        personalEmailConsent: true,
        phoneCountryCodes: null,
      });
      const client = api.withKey(own.api_key);
      const accepted = await client.enrich({
        firstname: 'Jane',
        lastname: 'Doe',
        domain: 'acme.com',
        linkedin_url: 'https://linkedin.com/in/jane-doe',
        enrichment_type: ['email', 'phone', 'personal_email'],
        phone_country_codes: ['gb', 'fr'],
      });

      // Act
      const { finished } = await client.untilFinished(String(accepted.body.enrichment_id));

      // Assess
      expect(finished.body.results).toEqual({
        email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
        phones: [{ number: '+447400123456', country: 'GB', type: 'mobile', provider: 'sandbox-primary' }],
        personal_email: { value: 'jane.doe@gmail.com', status: 'valid', provider: 'sandbox-primary' },
      });
      expect(finished.body.phone_country_codes).toEqual(['GB', 'FR']);
      expect(finished.body.credits_used).toBe(14);
      expect((await client.credits()).body).toEqual({ balance: 6, reserved: 0, available: 6 });
    });

    it("hides one account's enrichment from another (404)", async () => {
      // Prepare
      const other = await admin.create({
        name: 'Other',
        credits: 10,
        personalEmailConsent: false,
        phoneCountryCodes: null,
      });
      const accepted = await api.enrich({
        firstname: 'Jane',
        lastname: 'Doe',
        domain: 'acme.com',
        enrichment_type: ['email'],
      });

      // Act
      const answer = await api.withKey(other.api_key).contact(String(accepted.body.enrichment_id));

      // Assess
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ code: 'not_found', message: 'No enrichment with this id.' });
    });

    it('replays an Idempotency-Key and refuses it with another body', async () => {
      // Prepare
      const body = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };
      const headers = { 'Idempotency-Key': `e2e-${Date.now()}` };
      const first = await api.enrich(body, headers);
      const creditsAfterFirst = (await api.credits()).body;

      // Act
      const replay = await api.enrich(body, headers);
      const conflict = await api.enrich({ ...body, lastname: 'Other' }, headers);

      // Assess
      expect(replay.status).toBe(202);
      expect(replay.text).toBe(first.text);
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('idempotency_conflict');
      const credits = (await api.credits()).body;
      expect(credits.balance + credits.reserved).toBeLessThanOrEqual(
        creditsAfterFirst.balance + creditsAfterFirst.reserved,
      );
    });
  });

  describe('webhooks', () => {
    it('POSTs the finished record, signed, to the webhook_url; the body equals GET /contacts/{id}', async () => {
      // Prepare
      const accepted = await api.enrich({
        firstname: 'Jane',
        lastname: 'Doe',
        domain: 'acme.com',
        enrichment_type: ['email'],
        webhook_url: receiver.url('/crm'),
        custom: { id: 7 },
      });
      const id = String(accepted.body.enrichment_id);

      // Act
      await api.untilFinished(id);
      await stack.idle();

      // Assess
      expect(receiver.deliveries).toHaveLength(1);
      const delivery = receiver.deliveries[0]!;
      expect(delivery.verified).toEqual({ ok: true, payload: expect.any(Object) });
      expect(delivery.path).toBe('/crm');
      expect(delivery.headers['webhook-id']).toBe(`msg_${id}`);
      const record = (await api.contact(id)).body;
      expect(record.webhook).toMatchObject({ status: 'delivered', attempts: 1, last_response_status: 200 });
      const { webhook: _sent, ...sent } = JSON.parse(delivery.body) as Record<string, unknown>;
      const { webhook: _now, ...now } = record;
      expect(sent).toEqual(now);
      expect(JSON.parse(delivery.body).webhook).toEqual({
        url: receiver.url('/crm'),
        status: 'pending',
        attempts: 0,
        last_attempt_at: null,
        last_response_status: null,
        deliveries: [],
      });
    });

    it('retries a failing receiver on the short schedule with the same webhook-id', async () => {
      // Prepare
      receiver.respond = replies({ status: 500 }, { status: 503 });
      const accepted = await api.enrich({
        firstname: 'Jane',
        lastname: 'Doe',
        domain: 'acme.com',
        enrichment_type: ['email'],
        webhook_url: receiver.url(),
      });
      const id = String(accepted.body.enrichment_id);

      // Act
      await api.untilFinished(id);
      await stack.idle();

      // Assess
      expect(receiver.deliveries).toHaveLength(3);
      expect(new Set(receiver.deliveries.map((d) => d.headers['webhook-id']))).toEqual(
        new Set([`msg_${id}`]),
      );
      expect(new Set(receiver.deliveries.map((d) => d.body)).size).toBe(1);
      expect((await api.contact(id)).body.webhook).toMatchObject({
        status: 'delivered',
        attempts: 3,
        last_response_status: 200,
      });
    });
  });
});
