/**
 * POST /contacts/enrich/async through API Gateway-shaped events: every rule of the contract, and the
 * guarantee that a rejected request writes, reserves and starts nothing.
 */
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import type { WorkflowInput } from '../../../functions/domain/enrichment/waterfall-state';
import { CONSENT_REQUIRED_MESSAGE } from '../../../functions/domain/errors';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { itemsOfAccount } from '../../support/dynamo';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

class RecordingStarter implements WorkflowStarter {
  readonly started: WorkflowInput[] = [];
  failNext = false;
  async start(input: WorkflowInput): Promise<void> {
    if (this.failNext)
      throw Object.assign(new Error('StartExecution failed'), { name: 'ServiceUnavailable' });
    this.started.push(input);
  }
}

const valid = { firstname: 'Jane', lastname: 'Doe', enrichment_type: ['email'], domain: 'acme.com' };

describe('Handler: accept enrichment', () => {
  let product: TestProduct;
  let starter: RecordingStarter;
  let account: TestAccount;

  beforeAll(async () => {
    starter = new RecordingStarter();
    product = await createTestProduct({
      wrapWorkflow: () => starter,
      allowPrivateWebhookTargets: false,
      loopbackWebhookTargets: false,
    });
    account = await product.createAccount({ balance: 100 });
  });
  afterAll(() => product.close());

  async function expectNothingWritten(accountId: string, startsBefore: number) {
    const items = await itemsOfAccount(product.table, accountId);
    expect(items.CONTACT ?? []).toHaveLength(0);
    expect(items.IDEMPOTENCY ?? []).toHaveLength(0);
    expect((items.LEDGER ?? []).filter((entry) => entry.kind !== 'grant')).toHaveLength(0);
    expect(items[''] ?? items.ACCOUNT).toBeDefined();
    const credits = await product.credits(accountId);
    expect(credits.reserved).toBe(0);
    expect(starter.started).toHaveLength(startsBefore);
  }

  describe('accepted requests', () => {
    it('answers 202 with the contract body, a Location header, and reserves the worst case', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 30, personal_email_consent: true });

      // Act
      const response = await product.post(fresh.accountId, {
        ...valid,
        firstname: '  Jane ',
        enrichment_type: ['email', 'phone', 'personal_email'],
        linkedin_url: 'http://linkedin.com/in/jane-doe/?trk=x',
        custom: { crm_id: 'abc', nested: { n: 1.5, list: [true, null] } },
      });

      // Assess
      expect(response.statusCode).toBe(202);
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['enrichment_id', 'firstname', 'lastname', 'status', 'custom']);
      expect(body).toMatchObject({ firstname: 'Jane', lastname: 'Doe', status: 'pending' });
      expect(JSON.stringify(body.custom)).toBe('{"crm_id":"abc","nested":{"n":1.5,"list":[true,null]}}');
      expect(response.headers?.Location).toBe(`/contacts/${body.enrichment_id as string}`);
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 30, reserved: 14, available: 16 });
      // The workflow is started with the enrichment's reference and types only: no personal data.
      expect(starter.started.at(-1)).toEqual({
        account_id: fresh.accountId,
        enrichment_id: body.enrichment_id,
        types: ['email', 'phone', 'personal_email'],
      });
    });

    it('keeps every key of custom as sent, __proto__ and constructor included, on the answer and the record', async () => {
      // Prepare: JSON text, as a client sends it (an object literal would set a prototype instead).
      const text = `{"firstname":"Jane","lastname":"Doe","domain":"acme.com","enrichment_type":["email"],"custom":{"__proto__":{"admin":true},"constructor":"x","crm_id":"7"}}`;

      // Act
      const response = await product.post(account.accountId, text);
      const id = (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
      const record = await product.get(account.accountId, id);

      // Assess
      const expected = '{"__proto__":{"admin":true},"constructor":"x","crm_id":"7"}';
      expect(response.statusCode).toBe(202);
      expect(JSON.stringify((JSON.parse(response.body) as { custom: unknown }).custom)).toBe(expected);
      expect(JSON.stringify((JSON.parse(record.body) as { custom: unknown }).custom)).toBe(expected);
    });

    it('keeps the stage in Location when the API is called on its execute-api URL', async () => {
      // Act
      const response = await product.product.handlers['accept'](
        apiEvent({
          method: 'POST',
          path: '/contacts/enrich/async',
          resource: '/contacts/enrich/async',
          stagePrefix: '/v1',
          accountId: account.accountId,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(valid),
        }),
        lambdaContext,
      );

      // Assess
      expect(response.statusCode).toBe(202);
      expect(response.headers?.Location).toBe(
        `/v1/contacts/${JSON.parse(response.body).enrichment_id as string}`,
      );
    });

    it('answers custom as {} when none was sent, and normalises domain and country codes', async () => {
      // Act
      const response = await product.post(account.accountId, {
        ...valid,
        domain: 'https://www.Acme.com/about',
        enrichment_type: ['email', 'phone'],
        linkedin_url: 'linkedin.com/in/jane',
        phone_country_codes: ['fr', 'Us'],
      });

      // Assess
      expect(response.statusCode).toBe(202);
      expect(JSON.parse(response.body).custom).toEqual({});
      const id = JSON.parse(response.body).enrichment_id as string;
      const view = JSON.parse((await product.get(account.accountId, id)).body);
      expect(view).toMatchObject({
        domain: 'acme.com',
        phone_country_codes: ['FR', 'US'],
        status: 'pending',
        results: null,
      });
    });

    it("applies the account's default phone country codes when the request has none", async () => {
      // Prepare
      const withDefaults = await product.createAccount({ default_phone_country_codes: ['GB'] });

      // Act
      const response = await product.post(withDefaults.accountId, {
        firstname: 'Jane',
        lastname: 'Doe',
        enrichment_type: ['phone'],
        linkedin_url: 'linkedin.com/in/jane',
      });

      // Assess
      const { enrichment_id: id } = JSON.parse(response.body) as { enrichment_id: string };
      const record = JSON.parse((await product.get(withDefaults.accountId, id)).body) as {
        phone_country_codes: string[];
      };
      expect(response.statusCode).toBe(202);
      expect(record.phone_country_codes).toEqual(['GB']);
      expect(starter.started.at(-1)).toEqual({
        account_id: withDefaults.accountId,
        enrichment_id: id,
        types: ['phone'],
      });
    });
  });

  describe('rejected requests', () => {
    let clean: TestAccount;
    beforeAll(async () => {
      clean = await product.createAccount({ balance: 100 });
    });

    const cases: Array<
      [string, { body: unknown; headers?: Record<string, string> }, number, Record<string, unknown>]
    > = [
      ['body that is not JSON', { body: '{"firstname":' }, 400, { code: 'invalid_json' }],
      ['empty body', { body: '' }, 400, { code: 'invalid_json' }],
      [
        'body over 16 KiB',
        { body: JSON.stringify({ ...valid, custom: { pad: 'x'.repeat(17_000) } }) },
        413,
        { code: 'payload_too_large' },
      ],
      [
        'body over 16 KiB that is not JSON either',
        { body: `{"firstname": "${'x'.repeat(17_000)}` },
        400,
        { code: 'invalid_json' },
      ],
      [
        'body of megabytes, refused before it is parsed',
        { body: `{"firstname": "${'x'.repeat(2 * 1024 * 1024)}` },
        413,
        { code: 'payload_too_large' },
      ],
      [
        'form content type',
        { body: JSON.stringify(valid), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        415,
        { code: 'unsupported_media_type' },
      ],
      [
        'missing content type',
        { body: JSON.stringify(valid), headers: { 'Content-Type': '' } },
        415,
        { code: 'unsupported_media_type' },
      ],
      [
        'JSON array body',
        { body: [valid] },
        400,
        { code: 'validation_error', errors: [{ path: '(body)', message: 'must be a JSON object' }] },
      ],
      [
        'missing firstname',
        { body: { ...valid, firstname: undefined } },
        400,
        { errors: [{ path: 'firstname', message: 'is required' }] },
      ],
      [
        'blank lastname',
        { body: { ...valid, lastname: '   ' } },
        400,
        { errors: [{ path: 'lastname', message: 'must not be empty' }] },
      ],
      [
        'firstname over 100 characters',
        { body: { ...valid, firstname: 'x'.repeat(101) } },
        400,
        { errors: [{ path: 'firstname', message: 'must be at most 100 characters' }] },
      ],
      [
        'firstname not a string',
        { body: { ...valid, firstname: 42 } },
        400,
        { errors: [{ path: 'firstname', message: 'must be a string' }] },
      ],
      [
        'missing enrichment_type',
        { body: { ...valid, enrichment_type: undefined } },
        400,
        { errors: [{ path: 'enrichment_type', message: 'is required' }] },
      ],
      [
        'empty enrichment_type',
        { body: { ...valid, enrichment_type: [] } },
        400,
        { errors: [{ path: 'enrichment_type', message: 'must contain at least one type' }] },
      ],
      [
        'unknown enrichment type',
        { body: { ...valid, enrichment_type: ['fax'] } },
        400,
        { errors: [{ path: 'enrichment_type[0]', message: 'must be one of email, phone, personal_email' }] },
      ],
      [
        'repeated enrichment type',
        { body: { ...valid, enrichment_type: ['email', 'email'] } },
        400,
        { errors: [{ path: 'enrichment_type', message: 'must not repeat a type' }] },
      ],
      [
        'enrichment_type as a string',
        { body: { ...valid, enrichment_type: 'email' } },
        400,
        { errors: [{ path: 'enrichment_type', message: 'must be an array of enrichment types' }] },
      ],
      [
        'company_name over 200 characters',
        { body: { ...valid, company_name: 'x'.repeat(201) } },
        400,
        { errors: [{ path: 'company_name', message: 'must be at most 200 characters' }] },
      ],
      [
        'domain that is not a hostname',
        { body: { ...valid, domain: 'not a domain' } },
        400,
        { errors: [{ path: 'domain', message: 'must be a valid hostname, such as acme.com' }] },
      ],
      [
        'domain that is an IP address',
        { body: { ...valid, domain: '10.1.2.3' } },
        400,
        { errors: [{ path: 'domain', message: 'must be a valid hostname, such as acme.com' }] },
      ],
      [
        'linkedin_url of a company page',
        { body: { ...valid, linkedin_url: 'https://www.linkedin.com/company/acme' } },
        400,
        {
          errors: [
            {
              path: 'linkedin_url',
              message:
                'must be a LinkedIn profile URL (linkedin.com/in/<slug>, a slug of 3 to 100 characters)',
            },
          ],
        },
      ],
      [
        'webhook_url over plain http',
        { body: { ...valid, webhook_url: 'http://hooks.example.com/x' } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must use https' }] },
      ],
      [
        'webhook_url that is not a URL',
        { body: { ...valid, webhook_url: 'hooks.example.com' } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must be an absolute URL' }] },
      ],
      [
        'webhook_url over 2048 characters',
        { body: { ...valid, webhook_url: `https://hooks.example.com/${'a'.repeat(2048)}` } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must be at most 2048 characters' }] },
      ],
      [
        'webhook_url on loopback',
        { body: { ...valid, webhook_url: 'https://127.0.0.1/hook' } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must not target a loopback address' }] },
      ],
      [
        'webhook_url on the metadata address',
        { body: { ...valid, webhook_url: 'https://169.254.169.254/latest' } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must not target a link-local address' }] },
      ],
      [
        'unknown country code',
        { body: { ...valid, phone_country_codes: ['FR', 'XX'] } },
        400,
        {
          errors: [{ path: 'phone_country_codes[1]', message: 'must be an ISO 3166-1 alpha-2 country code' }],
        },
      ],
      [
        'repeated country code',
        { body: { ...valid, phone_country_codes: ['fr', 'FR'] } },
        400,
        { errors: [{ path: 'phone_country_codes', message: 'must not repeat a country code' }] },
      ],
      [
        'empty country code list',
        { body: { ...valid, phone_country_codes: [] } },
        400,
        { errors: [{ path: 'phone_country_codes', message: 'must contain at least one country code' }] },
      ],
      [
        'custom that is an array',
        { body: { ...valid, custom: [1] } },
        400,
        { errors: [{ path: 'custom', message: 'must be a JSON object' }] },
      ],
      [
        'custom over 4 KiB',
        { body: { ...valid, custom: { pad: 'x'.repeat(4100) } } },
        400,
        { errors: [{ path: 'custom', message: 'must be at most 4096 bytes once serialised' }] },
      ],
      [
        'unknown top-level field',
        { body: { ...valid, first_name: 'Jane' } },
        400,
        {
          code: 'validation_error',
          message: 'Unknown field(s): first_name.',
          errors: [{ path: 'first_name', message: 'is not a known field' }],
        },
      ],
      [
        'email without domain or company',
        { body: { ...valid, domain: undefined } },
        400,
        {
          message: 'Missing field(s): domain.',
          errors: [
            { path: 'domain', message: 'domain or company_name is required for the email enrichment' },
          ],
        },
      ],
      [
        'phone without linkedin_url',
        { body: { ...valid, enrichment_type: ['phone'] } },
        400,
        {
          message: 'Missing field(s): linkedin_url.',
          errors: [{ path: 'linkedin_url', message: 'is required for the phone enrichment' }],
        },
      ],
      [
        'personal_email without linkedin_url',
        { body: { ...valid, enrichment_type: ['personal_email'] } },
        400,
        { errors: [{ path: 'linkedin_url', message: 'is required for the personal_email enrichment' }] },
      ],
      [
        'Idempotency-Key over 255 characters',
        { body: valid, headers: { 'Idempotency-Key': 'k'.repeat(256) } },
        400,
        { errors: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }] },
      ],
    ];

    it.each(cases)(
      'refuses a %s with the contract error and writes nothing',
      async (_name, request, status, expected) => {
        // Prepare
        const startsBefore = starter.started.length;

        // Act
        const response = await product.post(clean.accountId, request.body, request.headers);

        // Assess
        expect(response.statusCode).toBe(status);
        const body = JSON.parse(response.body) as Record<string, unknown>;
        expect(body).toMatchObject({
          code: status === 400 && !expected.code ? 'validation_error' : expected.code,
          ...expected,
        });
        expect(typeof body.message).toBe('string');
        if (body.code !== 'validation_error') expect(body).not.toHaveProperty('errors');
        await expectNothingWritten(clean.accountId, startsBefore);
      },
    );

    it('refuses personal_email without consent with 422 and the exact message', async () => {
      // Prepare
      const startsBefore = starter.started.length;

      // Act
      const response = await product.post(clean.accountId, {
        ...valid,
        enrichment_type: ['email', 'personal_email'],
        linkedin_url: 'linkedin.com/in/jane-doe',
      });

      // Assess
      expect(response.statusCode).toBe(422);
      expect(response.body).toBe(
        JSON.stringify({ code: 'consent_required', message: CONSENT_REQUIRED_MESSAGE }),
      );
      expect(CONSENT_REQUIRED_MESSAGE).toBe(
        "You can't use the personal email enrichment feature without consenting with our terms of use",
      );
      await expectNothingWritten(clean.accountId, startsBefore);
    });

    it('answers 402 when the available credits do not cover the worst case', async () => {
      // Prepare
      const poor = await product.createAccount({ balance: 9 });
      const startsBefore = starter.started.length;

      // Act
      const response = await product.post(poor.accountId, {
        ...valid,
        enrichment_type: ['phone'],
        linkedin_url: 'linkedin.com/in/jane',
      });

      // Assess
      expect(response.statusCode).toBe(402);
      expect(JSON.parse(response.body)).toEqual({
        code: 'insufficient_credits',
        message: 'This enrichment needs up to 10 credits; 9 are available.',
      });
      await expectNothingWritten(poor.accountId, startsBefore);
    });

    it('checks the schema before consent and consent before credits', async () => {
      // Prepare
      const broke = await product.createAccount({ balance: 0 });

      // Act
      const schema = await product.post(broke.accountId, {
        ...valid,
        enrichment_type: ['personal_email'],
        first_name: 'x',
      });
      const consent = await product.post(broke.accountId, {
        ...valid,
        enrichment_type: ['personal_email'],
        linkedin_url: 'linkedin.com/in/x-y',
      });

      // Assess
      expect(schema.statusCode).toBe(400);
      expect(consent.statusCode).toBe(422);
    });
  });

  describe('concurrency and idempotency', () => {
    it('accepts exactly as many concurrent requests as the credits cover', async () => {
      // Prepare
      const seven = await product.createAccount({ balance: 7 });

      // Act
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => product.post(seven.accountId, valid)),
      );

      // Assess
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 202)).toHaveLength(7);
      expect(statuses.filter((s) => s === 402)).toHaveLength(43);
      expect(await product.credits(seven.accountId)).toEqual({ balance: 7, reserved: 7, available: 0 });
      const ledger = await product.product.accounts.ledger(seven.accountId);
      expect(ledger.reduce((sum, e) => sum + e.balance_delta, 0)).toBe(7);
      expect(ledger.reduce((sum, e) => sum + e.reserved_delta, 0)).toBe(7);
      expect((await itemsOfAccount(product.table, seven.accountId)).CONTACT).toHaveLength(7);
    });

    it('replays the first response for a repeated Idempotency-Key and body, and starts nothing more', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 5 });
      const headers = { 'Idempotency-Key': 'order-1234' };
      const first = await product.post(fresh.accountId, valid, headers);
      const startedIds = () => new Set(starter.started.map((input) => input.enrichment_id));
      const enrichmentsAfterFirst = startedIds().size;

      // Act
      const second = await product.post(fresh.accountId, { ...valid, firstname: ' Jane' }, headers);

      // Assess: no new enrichment; a still-pending one is asked to start again under its own name, which
      // starts nothing when its execution exists and starts it when the first accept stopped before starting it.
      expect(second.statusCode).toBe(202);
      expect(second.body).toBe(first.body);
      expect(startedIds().size).toBe(enrichmentsAfterFirst);
      expect(starter.started.at(-1)?.enrichment_id).toBe(JSON.parse(first.body).enrichment_id);
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 5, reserved: 1, available: 4 });
    });

    it('answers 409 for a repeated Idempotency-Key with another body', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 5 });
      await product.post(fresh.accountId, valid, { 'Idempotency-Key': 'order-1' });

      // Act
      const response = await product.post(
        fresh.accountId,
        { ...valid, lastname: 'Smith' },
        { 'Idempotency-Key': 'order-1' },
      );

      // Assess
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body).code).toBe('idempotency_conflict');
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 5, reserved: 1, available: 4 });
    });

    it('scopes Idempotency-Keys to the account', async () => {
      // Prepare
      const a = await product.createAccount();
      const b = await product.createAccount();
      const first = await product.post(a.accountId, valid, { 'Idempotency-Key': 'shared' });

      // Act
      const other = await product.post(b.accountId, valid, { 'Idempotency-Key': 'shared' });

      // Assess
      expect(other.statusCode).toBe(202);
      expect(JSON.parse(other.body).enrichment_id).not.toBe(JSON.parse(first.body).enrichment_id);
    });

    it('rolls the accept back when the workflow cannot be started: 500 and nothing remains', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 5 });
      const startsBefore = starter.started.length;
      starter.failNext = true;

      // Act
      const response = await product.post(fresh.accountId, valid, { 'Idempotency-Key': 'will-fail' });
      starter.failNext = false;

      // Assess
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body)).toEqual({
        code: 'internal_error',
        message: 'An internal error occurred; the request was not accepted.',
      });
      await expectNothingWritten(fresh.accountId, startsBefore);
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 5, reserved: 0, available: 5 });
      const retried = await product.post(fresh.accountId, valid, { 'Idempotency-Key': 'will-fail' });
      expect(retried.statusCode).toBe(202);
    });
  });
});
