/**
 * POST /contacts/enrich/bulk and GET /batches/{id} through API Gateway-shaped events: every rule of the
 * contract's "Bulk enrichment", and the guarantee that a rejected batch writes, reserves and starts nothing.
 */
import { CONSENT_REQUIRED_MESSAGE } from '../../../functions/domain/errors';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import type { WorkflowInput } from '../../../functions/domain/enrichment/waterfall-state';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { itemsOfAccount } from '../../support/dynamo';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

class RecordingStarter implements WorkflowStarter {
  readonly started: WorkflowInput[] = [];
  async start(input: WorkflowInput): Promise<void> {
    this.started.push(input);
  }
}

const contact = (lastname: string, extra: Record<string, unknown> = {}) => ({
  firstname: 'Jane',
  lastname,
  domain: 'acme.com',
  enrichment_type: ['email'],
  ...extra,
});

interface Accepted {
  batch_id: string;
  status: string;
  custom: Record<string, unknown>;
  contacts: Array<{
    enrichment_id: string;
    firstname: string;
    lastname: string;
    status: string;
    custom: Record<string, unknown>;
  }>;
}

describe('Handler: accept batch', () => {
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
    account = await product.createAccount({ balance: 1000, personal_email_consent: true });
  });
  afterAll(() => product.close());

  async function expectNothingWritten(accountId: string, startsBefore: number) {
    const items = await itemsOfAccount(product.table, accountId);
    expect(items.CONTACT ?? []).toHaveLength(0);
    expect(items.BATCH ?? []).toHaveLength(0);
    expect(items.IDEMPOTENCY ?? []).toHaveLength(0);
    expect((items.LEDGER ?? []).filter((entry) => entry.kind !== 'grant')).toHaveLength(0);
    expect((await product.credits(accountId)).reserved).toBe(0);
    expect(starter.started).toHaveLength(startsBefore);
  }

  describe('accepted batches', () => {
    it('answers 202 with the contract body, contacts in request order, and a Location header', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 100, personal_email_consent: true });
      const startsBefore = starter.started.length;

      // Act
      const response = await product.postBatch(fresh.accountId, {
        contacts: [
          contact('Zulu', { custom: { crm_id: 'z', nested: { n: 1.5, list: [true, null] } } }),
          contact('Alpha', {
            firstname: '  Ann ',
            enrichment_type: ['email', 'phone', 'personal_email'],
            linkedin_url: 'http://linkedin.com/in/ann-alpha/?trk=x',
          }),
          contact('Mike'),
        ],
        webhook_url: 'https://hooks.example.com/batches',
        custom: { run: 7 },
      });

      // Assess
      expect(response.statusCode).toBe(202);
      const body = JSON.parse(response.body) as Accepted;
      expect(Object.keys(body)).toEqual(['batch_id', 'status', 'custom', 'contacts']);
      expect(response.headers?.Location).toBe(`/batches/${body.batch_id}`);
      expect(body).toMatchObject({ status: 'pending', custom: { run: 7 } });
      expect(body.contacts.map((c) => [c.firstname, c.lastname, c.status])).toEqual([
        ['Jane', 'Zulu', 'pending'],
        ['Ann', 'Alpha', 'pending'],
        ['Jane', 'Mike', 'pending'],
      ]);
      for (const entry of body.contacts) {
        expect(Object.keys(entry)).toEqual(['enrichment_id', 'firstname', 'lastname', 'status', 'custom']);
      }
      expect(JSON.stringify(body.contacts[0]!.custom)).toBe(
        '{"crm_id":"z","nested":{"n":1.5,"list":[true,null]}}',
      );
      expect(body.contacts[1]!.custom).toEqual({});
      // The worst case of every contact: 1 + (1 + 10 + 3) + 1.
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 100, reserved: 16, available: 84 });
      // One waterfall per contact, started with ids and types only.
      expect(starter.started.slice(startsBefore)).toEqual(
        body.contacts.map((c, index) => ({
          account_id: fresh.accountId,
          enrichment_id: c.enrichment_id,
          types: index === 1 ? ['email', 'phone', 'personal_email'] : ['email'],
        })),
      );
    });

    it('makes every contact an ordinary pending enrichment of the account', async () => {
      // Prepare
      const response = await product.postBatch(account.accountId, {
        contacts: [
          contact('One', { webhook_url: 'https://hooks.example.com/one', phone_country_codes: ['fr'] }),
          contact('Two'),
        ],
      });
      const body = JSON.parse(response.body) as Accepted;

      // Act
      const views = await Promise.all(
        body.contacts.map(async (c) =>
          JSON.parse((await product.get(account.accountId, c.enrichment_id)).body),
        ),
      );

      // Assess
      expect(body.custom).toEqual({});
      expect(views[0]).toMatchObject({
        status: 'pending',
        lastname: 'One',
        phone_country_codes: ['FR'],
        results: null,
        webhook: { url: 'https://hooks.example.com/one', status: 'pending', attempts: 0 },
      });
      expect(views[1]).toMatchObject({ status: 'pending', lastname: 'Two', results: null });
      expect(views[1]).not.toHaveProperty('webhook');
      expect(views[0]).not.toHaveProperty('batch');
    });

    it('keeps the stage in Location when the API is called on its execute-api URL', async () => {
      // Act
      const response = await product.product.handlers['accept-batch'](
        apiEvent({
          method: 'POST',
          path: '/contacts/enrich/bulk',
          resource: '/contacts/enrich/bulk',
          stagePrefix: '/v1',
          accountId: account.accountId,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ contacts: [contact('Doe')] }),
        }),
        lambdaContext,
      );

      // Assess
      expect(response.statusCode).toBe(202);
      expect(response.headers?.Location).toBe(
        `/v1/batches/${(JSON.parse(response.body) as Accepted).batch_id}`,
      );
    });

    it('accepts 100 contacts in a body far over the single route’s 16 KiB', async () => {
      // Prepare
      const contacts = Array.from({ length: 100 }, (_, i) =>
        contact(`Doe${i}`, { custom: { note: 'x'.repeat(2000) } }),
      );
      const body = JSON.stringify({ contacts });
      const startsBefore = starter.started.length;

      // Act
      const response = await product.postBatch(account.accountId, body);

      // Assess
      expect(Buffer.byteLength(body)).toBeGreaterThan(200 * 1024);
      expect(response.statusCode).toBe(202);
      const accepted = JSON.parse(response.body) as Accepted;
      expect(accepted.contacts.map((c) => c.lastname)).toEqual(contacts.map((c) => c.lastname));
      expect(starter.started).toHaveLength(startsBefore + 100);
      const items = await itemsOfAccount(product.table, account.accountId);
      const batchItems = (items.BATCH ?? []).filter((item) => String(item.SK).includes(accepted.batch_id));
      // The batch and its ten completion shards; the staged copies are gone once every contact is written.
      expect(batchItems.map((item) => item.type).sort()).toEqual([
        'batch',
        ...Array<string>(10).fill('batch_shard'),
      ]);
    });

    it('reserves the batch in one ledger entry, so the ledger sums to the balance and the reservation', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 50 });

      // Act
      await product.postBatch(fresh.accountId, { contacts: [contact('A'), contact('B'), contact('C')] });

      // Assess
      const ledger = (await itemsOfAccount(product.table, fresh.accountId)).LEDGER ?? [];
      const credits = await product.credits(fresh.accountId);
      expect(ledger.filter((entry) => entry.kind === 'reserve')).toEqual([
        expect.objectContaining({ reserved_delta: 3, balance_delta: 0, enrichment_id: null }),
      ]);
      expect(ledger.reduce((sum, entry) => sum + (entry.balance_delta as number), 0)).toBe(credits.balance);
      expect(ledger.reduce((sum, entry) => sum + (entry.reserved_delta as number), 0)).toBe(credits.reserved);
    });

    it('accepts a batch whose worst case equals the available credits exactly', async () => {
      // Prepare
      const exact = await product.createAccount({ balance: 3 });

      // Act
      const response = await product.postBatch(exact.accountId, {
        contacts: [contact('A'), contact('B'), contact('C')],
      });

      // Assess
      expect(response.statusCode).toBe(202);
      expect(await product.credits(exact.accountId)).toEqual({ balance: 3, reserved: 3, available: 0 });
    });
  });

  describe('rejected batches', () => {
    let clean: TestAccount;
    beforeAll(async () => {
      clean = await product.createAccount({ balance: 100 });
    });

    const many = (count: number) => Array.from({ length: count }, (_, i) => contact(`Doe${i}`));

    const cases: Array<
      [string, { body: unknown; headers?: Record<string, string> }, number, Record<string, unknown>]
    > = [
      ['body that is not JSON', { body: '{"contacts":' }, 400, { code: 'invalid_json' }],
      [
        'body over 1 MiB',
        {
          body: JSON.stringify({ contacts: [contact('Doe', { custom: { pad: 'x'.repeat(1024 * 1024) } })] }),
        },
        413,
        { code: 'payload_too_large' },
      ],
      [
        'form content type',
        { body: JSON.stringify({ contacts: [contact('Doe')] }), headers: { 'Content-Type': 'text/plain' } },
        415,
        { code: 'unsupported_media_type' },
      ],
      [
        'body without contacts',
        { body: { webhook_url: 'https://hooks.example.com/b' } },
        400,
        { code: 'validation_error', errors: [{ path: 'contacts', message: 'is required' }] },
      ],
      [
        'empty contact list',
        { body: { contacts: [] } },
        400,
        { errors: [{ path: 'contacts', message: 'must contain at least one contact' }] },
      ],
      [
        '101 contacts',
        { body: { contacts: many(101) } },
        400,
        { errors: [{ path: 'contacts', message: 'must contain at most 100 contacts' }] },
      ],
      [
        'contacts that are not a list',
        { body: { contacts: contact('Doe') } },
        400,
        { errors: [{ path: 'contacts', message: 'must be an array of contacts' }] },
      ],
      [
        'unknown top-level field',
        { body: { contacts: [contact('Doe')], callback: 'x' } },
        400,
        {
          message: 'Unknown field(s): callback.',
          errors: [{ path: 'callback', message: 'is not a known field' }],
        },
      ],
      [
        'one invalid contact among valid ones',
        {
          body: {
            contacts: [
              contact('A'),
              contact('B'),
              contact('C'),
              contact('D', { linkedin_url: 'https://example.com/jane' }),
              contact('E'),
            ],
          },
        },
        400,
        {
          code: 'validation_error',
          errors: [
            {
              path: 'contacts[3].linkedin_url',
              message:
                'must be a LinkedIn profile URL (linkedin.com/in/<slug>, a slug of 3 to 100 characters)',
            },
          ],
        },
      ],
      [
        'errors in several contacts',
        {
          body: {
            contacts: [
              contact('A', { domain: null }),
              'Jane Doe',
              contact('C', { first_name: 'Jane' }),
              contact('D', { enrichment_type: ['phone'] }),
            ],
          },
        },
        400,
        {
          message: 'Unknown field(s): contacts[2].first_name.',
          errors: [
            {
              path: 'contacts[0].domain',
              message: 'domain or company_name is required for the email enrichment',
            },
            { path: 'contacts[1]', message: 'must be a JSON object' },
            { path: 'contacts[2].first_name', message: 'is not a known field' },
            { path: 'contacts[3].linkedin_url', message: 'is required for the phone enrichment' },
          ],
        },
      ],
      [
        'batch webhook_url to a private address',
        { body: { contacts: [contact('Doe')], webhook_url: 'https://10.0.0.1/hook' } },
        400,
        { errors: [{ path: 'webhook_url', message: 'must not target a private address' }] },
      ],
      [
        'batch custom over 4 KiB',
        { body: { contacts: [contact('Doe')], custom: { pad: 'x'.repeat(5000) } } },
        400,
        { errors: [{ path: 'custom', message: 'must be at most 4096 bytes once serialised' }] },
      ],
      [
        'contact webhook_url over http',
        { body: { contacts: [contact('Doe', { webhook_url: 'http://hooks.example.com/a' })] } },
        400,
        { errors: [{ path: 'contacts[0].webhook_url', message: 'must use https' }] },
      ],
      [
        'Idempotency-Key over 255 characters',
        { body: { contacts: [contact('Doe')] }, headers: { 'Idempotency-Key': 'k'.repeat(256) } },
        400,
        { errors: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }] },
      ],
    ];

    it.each(cases)(
      'refuses %s, and writes, reserves and starts nothing',
      async (_name, request, status, expected) => {
        // Prepare
        const startsBefore = starter.started.length;

        // Act
        const response = await product.postBatch(clean.accountId, request.body, request.headers);

        // Assess
        expect(response.statusCode).toBe(status);
        expect(JSON.parse(response.body)).toMatchObject(expected);
        await expectNothingWritten(clean.accountId, startsBefore);
      },
    );

    it('answers 422 with the exact consent message when one contact asks for a personal email', async () => {
      // Prepare
      const noConsent = await product.createAccount({ balance: 100, personal_email_consent: false });
      const startsBefore = starter.started.length;

      // Act
      const response = await product.postBatch(noConsent.accountId, {
        contacts: [
          contact('A'),
          contact('B', { enrichment_type: ['personal_email'], linkedin_url: 'linkedin.com/in/bee-doe' }),
        ],
      });

      // Assess
      expect(response.statusCode).toBe(422);
      expect(JSON.parse(response.body)).toEqual({
        code: 'consent_required',
        message: CONSENT_REQUIRED_MESSAGE,
      });
      await expectNothingWritten(noConsent.accountId, startsBefore);
    });

    it('answers 402 when the whole batch’s worst case is not covered, though each contact alone would be', async () => {
      // Prepare
      const poor = await product.createAccount({ balance: 2 });
      const startsBefore = starter.started.length;

      // Act
      const response = await product.postBatch(poor.accountId, {
        contacts: [contact('A'), contact('B'), contact('C')],
      });

      // Assess
      expect(response.statusCode).toBe(402);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'insufficient_credits' });
      await expectNothingWritten(poor.accountId, startsBefore);
    });

    it('answers 402 when a concurrent request took the credits between the check and the commit', async () => {
      // Prepare: two batches that each fit the balance, but not both.
      const contested = await product.createAccount({ balance: 3 });
      const startsBefore = starter.started.length;
      const body = { contacts: [contact('A'), contact('B'), contact('C')] };

      // Act
      const responses = await Promise.all([
        product.postBatch(contested.accountId, body),
        product.postBatch(contested.accountId, body),
      ]);

      // Assess
      expect(responses.map((r) => r.statusCode).sort()).toEqual([202, 402]);
      const items = await itemsOfAccount(product.table, contested.accountId);
      expect(items.CONTACT).toHaveLength(3);
      expect((items.BATCH ?? []).filter((item) => item.type === 'batch')).toHaveLength(1);
      expect(starter.started).toHaveLength(startsBefore + 3);
      expect(await product.credits(contested.accountId)).toEqual({ balance: 3, reserved: 3, available: 0 });
    });
  });

  describe('Idempotency-Key', () => {
    const body = { contacts: [contact('A'), contact('B', { custom: { k: 1 } })], custom: { job: 'x' } };

    it('replays the first response byte for byte, reserving nothing more and starting only the same waterfalls', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 10 });
      const first = await product.postBatch(fresh.accountId, body, { 'Idempotency-Key': 'batch-1' });
      const startsBefore = starter.started.length - 2;
      const startsAfterFirst = starter.started.length;

      // Act
      const second = await product.postBatch(fresh.accountId, body, { 'Idempotency-Key': 'batch-1' });

      // Assess
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      expect(second.body).toBe(first.body);
      expect(second.headers?.Location).toBe(first.headers?.Location);
      // Its contacts are still pending: they are started again by name, which leaves a running one alone.
      expect(starter.started.slice(startsAfterFirst)).toEqual(
        starter.started.slice(startsBefore, startsAfterFirst),
      );
      expect(await product.credits(fresh.accountId)).toEqual({ balance: 10, reserved: 2, available: 8 });
      const items = await itemsOfAccount(product.table, fresh.accountId);
      expect(items.CONTACT).toHaveLength(2);
    });

    it('answers 409 for the same key with another body, and writes nothing', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 10 });
      await product.postBatch(fresh.accountId, body, { 'Idempotency-Key': 'batch-2' });

      // Act
      const response = await product.postBatch(
        fresh.accountId,
        { ...body, custom: { job: 'y' } },
        { 'Idempotency-Key': 'batch-2' },
      );

      // Assess
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'idempotency_conflict' });
      expect((await itemsOfAccount(product.table, fresh.accountId)).CONTACT).toHaveLength(2);
    });

    it('answers 409 when a key of the single route comes back on the bulk route, and the other way round', async () => {
      // Prepare
      const fresh = await product.createAccount({ balance: 10 });
      await product.post(fresh.accountId, contact('Single'), { 'Idempotency-Key': 'shared-1' });
      await product.postBatch(fresh.accountId, body, { 'Idempotency-Key': 'shared-2' });

      // Act
      const onBulk = await product.postBatch(fresh.accountId, body, { 'Idempotency-Key': 'shared-1' });
      const onSingle = await product.post(fresh.accountId, contact('Single'), {
        'Idempotency-Key': 'shared-2',
      });

      // Assess
      expect(onBulk.statusCode).toBe(409);
      expect(onSingle.statusCode).toBe(409);
      expect((await itemsOfAccount(product.table, fresh.accountId)).CONTACT).toHaveLength(3);
    });

    it('keeps keys apart per account', async () => {
      // Prepare
      const one = await product.createAccount({ balance: 10 });
      const other = await product.createAccount({ balance: 10 });
      const first = await product.postBatch(one.accountId, body, { 'Idempotency-Key': 'same-key' });

      // Act
      const second = await product.postBatch(other.accountId, body, { 'Idempotency-Key': 'same-key' });

      // Assess
      expect(second.statusCode).toBe(202);
      expect((JSON.parse(second.body) as Accepted).batch_id).not.toBe(
        (JSON.parse(first.body) as Accepted).batch_id,
      );
    });
  });

  describe('GET /batches/{id}', () => {
    it('answers a pending batch with its counts, its contacts as GET /contacts/{id}, and Retry-After', async () => {
      // Prepare
      const accepted = JSON.parse(
        (
          await product.postBatch(account.accountId, {
            contacts: [contact('First'), contact('Second', { custom: { n: 2 } })],
            custom: { job: 42 },
          })
        ).body,
      ) as Accepted;

      // Act
      const response = await product.getBatch(account.accountId, accepted.batch_id);

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.headers?.['Retry-After']).toBe('2');
      const view = JSON.parse(response.body) as Record<string, unknown> & { contacts: unknown[] };
      expect(Object.keys(view)).toEqual([
        'batch_id',
        'status',
        'custom',
        'created_at',
        'finished_at',
        'counts',
        'credits_used',
        'contacts',
      ]);
      expect(view).toMatchObject({
        batch_id: accepted.batch_id,
        status: 'pending',
        custom: { job: 42 },
        finished_at: null,
        counts: { total: 2, pending: 2, finished: 0 },
        credits_used: 0,
      });
      const singles = await Promise.all(
        accepted.contacts.map(async (c) =>
          JSON.parse((await product.get(account.accountId, c.enrichment_id)).body),
        ),
      );
      expect(view.contacts).toEqual(singles);
    });

    it("answers 404 for another account's batch and for garbage, never 403", async () => {
      // Prepare
      const accepted = JSON.parse(
        (await product.postBatch(account.accountId, { contacts: [contact('Mine')] })).body,
      ) as Accepted;
      const other = await product.createAccount();

      // Act
      const responses = await Promise.all([
        product.getBatch(other.accountId, accepted.batch_id),
        product.getBatch(account.accountId, 'not-an-id'),
        product.getBatch(account.accountId, accepted.contacts[0]!.enrichment_id),
        product.get(other.accountId, accepted.contacts[0]!.enrichment_id),
      ]);

      // Assess
      for (const response of responses) {
        expect(response.statusCode).toBe(404);
        expect(JSON.parse(response.body)).toMatchObject({ code: 'not_found' });
      }
    });
  });
});
