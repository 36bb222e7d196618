/**
 * The suppression list on the real waterfall and DynamoDB Local: a person listed by LinkedIn URL or domain is
 * not enriched at all (no provider asked, nothing charged), a found email on the list is dropped, and the
 * results cache never hands a suppressed person a find made before they objected.
 */
import { DynamoSuppressionList } from '../../../functions/adapters/dynamodb/suppression-store';
import { SuppressionAdministration } from '../../../functions/admin/suppressions';
import { systemClock } from '../../../functions/domain/clock';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import { createSandboxProvider, SANDBOX_PROVIDERS } from '../../../functions/providers/sandbox';
import type { Provider } from '../../../functions/providers/provider';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

/** The sandbox providers, counting the contacts they are asked about. */
function countingSandbox(asked: string[]): Record<string, Provider> {
  return Object.fromEntries(
    SANDBOX_PROVIDERS.map((name) => {
      const sandbox = createSandboxProvider(name);
      const counting: Provider = {
        name,
        types: sandbox.types,
        find: (contact, type, call) => {
          asked.push(`${name} ${contact.lastname} ${type}`);
          return sandbox.find(contact, type, call);
        },
      };
      return [name, counting];
    }),
  );
}

const SUPPRESSED_STEP = { provider: 'suppression-list', outcome: 'not_found', detail: 'suppressed' };

describe('ProviderStep: the suppression list', () => {
  const asked: string[] = [];
  let product: TestProduct;
  let account: TestAccount;
  let suppressions: SuppressionAdministration;

  beforeAll(async () => {
    product = await createTestProduct({
      extraProviders: countingSandbox(asked),
      traffic: { resultCache: { days: 30, scope: 'account' } },
    });
    account = await product.createAccount({ balance: 1000, personal_email_consent: true });
    suppressions = new SuppressionAdministration(
      new DynamoSuppressionList(product.table.db, product.table.tableName),
      systemClock,
    );
  });
  afterAll(() => product.close());
  beforeEach(() => {
    asked.length = 0;
  });

  async function enrich(person: Record<string, unknown>): Promise<ContactView> {
    const response = await product.post(account.accountId, {
      firstname: 'Jane',
      enrichment_type: ['email'],
      ...person,
    });
    expect(response.statusCode).toBe(202);
    const { enrichment_id: id } = JSON.parse(response.body) as { enrichment_id: string };
    await product.product.workflow.idle();
    return JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
  }

  it('finishes a person listed by LinkedIn URL without asking any provider, for every type, charging nothing', async () => {
    // Prepare
    await suppressions.add('linkedin_url', 'http://LinkedIn.com/in/Jane-Objector/', 'dpo@example.com');
    const before = await product.credits(account.accountId);

    // Act
    const view = await enrich({
      lastname: 'Objector',
      domain: 'acme.com',
      linkedin_url: 'https://fr.linkedin.com/in/jane-objector?trk=x',
      enrichment_type: ['email', 'phone', 'personal_email'],
      phone_country_codes: ['FR'],
    });

    // Assess
    expect(view.status).toBe('finished');
    expect(view.results).toEqual({ email: null, phones: [], personal_email: null });
    expect(view.credits_used).toBe(0);
    // Types run in parallel: their steps come in any order.
    expect([...view.waterfall].sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      (['email', 'personal_email', 'phone'] as const).map((type) => ({
        type,
        ...SUPPRESSED_STEP,
        duration_ms: 0,
      })),
    );
    expect(asked).toEqual([]);
    expect(await product.credits(account.accountId)).toEqual(before);
  });

  it('finishes anyone at a listed domain without asking any provider, and enriches the same name elsewhere', async () => {
    // Prepare
    await suppressions.add('domain', 'https://WWW.Objecting-Company.com/about', 'dpo@example.com');

    // Act
    const listed = await enrich({ lastname: 'Anyone', domain: 'objecting-company.com' });
    const elsewhere = await enrich({ lastname: 'Anyone', domain: 'acme.com' });

    // Assess
    expect(listed.waterfall).toEqual([expect.objectContaining({ type: 'email', ...SUPPRESSED_STEP })]);
    expect(listed.results).toEqual({ email: null });
    expect(listed.credits_used).toBe(0);
    expect(elsewhere.results?.email?.value).toBe('jane.anyone@acme.com');
    expect(asked).toEqual(['sandbox-primary Anyone email']);
  });

  it('drops a found email on the list: each provider that finds it is traced rejected, and nothing is charged', async () => {
    // Prepare
    await suppressions.add('email', '  Jane.Listed@Acme.com ', 'dpo@example.com');

    // Act
    const view = await enrich({ lastname: 'Listed', domain: 'acme.com' });

    // Assess
    expect(view.results).toEqual({ email: null });
    expect(view.credits_used).toBe(0);
    expect(view.waterfall).toEqual([
      expect.objectContaining({ provider: 'sandbox-primary', outcome: 'rejected', detail: 'suppressed' }),
      expect.objectContaining({ provider: 'sandbox-secondary', outcome: 'rejected', detail: 'suppressed' }),
    ]);
    expect(JSON.stringify(view)).not.toContain('jane.listed@acme.com');
  });

  it('never reuses a cached find for a person who objected after it was made', async () => {
    // Prepare: both people are found, and their finds cached, before they object.
    const person = { lastname: 'Later', domain: 'acme.com', linkedin_url: 'linkedin.com/in/jane-later' };
    const mailed = { lastname: 'Mailed', domain: 'acme.com' };
    expect((await enrich(person)).results?.email?.value).toBe('jane.later@acme.com');
    expect((await enrich(mailed)).results?.email?.value).toBe('jane.mailed@acme.com');
    const cached = await enrich(person);
    expect(cached.waterfall.map((step) => step.provider)).toEqual(['cache']);
    await suppressions.add('linkedin_url', 'linkedin.com/in/jane-later', 'dpo@example.com');
    await suppressions.add('email', 'jane.mailed@acme.com', 'dpo@example.com');
    asked.length = 0;

    // Act
    const byProfile = await enrich(person);
    const byEmail = await enrich(mailed);

    // Assess
    expect(byProfile.waterfall).toEqual([expect.objectContaining({ type: 'email', ...SUPPRESSED_STEP })]);
    expect(byProfile.results).toEqual({ email: null });
    // The cached find is judged as a provider's answer: refused, traced, and the providers asked.
    expect(byEmail.waterfall.map((step) => [step.provider, step.outcome, step.detail])).toEqual([
      ['cache', 'rejected', 'suppressed'],
      ['sandbox-primary', 'rejected', 'suppressed'],
      ['sandbox-secondary', 'rejected', 'suppressed'],
    ]);
    expect(byEmail.results).toEqual({ email: null });
    expect(byEmail.credits_used + byProfile.credits_used).toBe(0);
    expect(asked).toEqual(['sandbox-primary Mailed email', 'sandbox-secondary Mailed email']);
  });

  it('enriches a person again once their entry is removed', async () => {
    // Prepare
    await suppressions.add('domain', 'changed-mind.com', 'dpo@example.com');
    expect((await enrich({ lastname: 'Back', domain: 'changed-mind.com' })).results).toEqual({ email: null });

    // Act
    await suppressions.remove('domain', 'WWW.changed-mind.com');
    const view = await enrich({ lastname: 'Back', domain: 'changed-mind.com' });

    // Assess
    expect(view.results?.email?.value).toBe('jane.back@changed-mind.com');
  });
});
