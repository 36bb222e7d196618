import type { Account } from '../../../functions/domain/accounts/accounts';
import type { TargetPolicy } from '../../../functions/domain/webhooks/network-address';
import { checkWebhookTarget, type ResolvedAddress } from '../../../functions/adapters/webhooks/target-guard';
import type { LocalQueue } from '../../../local/local-queue';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { createAccount, finishedContact, storesOf, type Stores } from './fixtures';
import { WebhookReceiver } from './receiver';
import { startDelivery } from './rig';

/** DNS as the tests want it: names under `.customer.test` answer what the table says; nothing else resolves. */
const DNS: Record<string, ResolvedAddress[]> = {
  localhost: [{ address: '127.0.0.1', family: 4 }],
  'internal.customer.test': [{ address: '127.0.0.1', family: 4 }],
  'private.customer.test': [{ address: '10.0.0.7', family: 4 }],
  'mixed.customer.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '192.168.1.20', family: 4 },
  ],
  'metadata.customer.test': [{ address: '169.254.169.254', family: 4 }],
  'mapped.customer.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
};
const lookups: string[] = [];
async function resolve(hostname: string): Promise<ResolvedAddress[]> {
  lookups.push(hostname);
  const answer = DNS[hostname];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
}

const PRIVATE_DISALLOWED: TargetPolicy = { allowPrivateTargets: false };
const PRIVATE_ALLOWED: TargetPolicy = { allowPrivateTargets: true };

describe('Class: WebhookSender (target guard at delivery time)', () => {
  let table: TestTable;
  let stores: Stores;
  let account: Account;
  const receiver = new WebhookReceiver();
  const queues: LocalQueue[] = [];

  beforeAll(async () => {
    table = await createTestTable();
    stores = storesOf(table);
    account = await createAccount(stores);
    receiver.secret = account.webhook_secret;
    await receiver.start();
  });

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.stop()));
    await receiver.stop();
    await table.drop();
  });

  beforeEach(() => {
    receiver.reset();
    lookups.length = 0;
  });

  async function deliverTo(url: string, policy: TargetPolicy) {
    const queue = startDelivery(stores, { policy, schedule: [0.05, 0.05], resolve });
    queues.push(queue);
    const record = await finishedContact(stores, account.account_id, url);
    await queue.enqueue({ account_id: account.account_id, enrichment_id: record.enrichment_id });
    await queue.whenIdle();
    const webhook = (await stores.webhooks.getContact(account.account_id, record.enrichment_id))?.webhook;
    return { webhook, deadLetters: queue.deadLetterBodies() };
  }

  describe('with private targets disallowed', () => {
    const port = () => receiver.port;
    it.each([
      ['localhost', () => `https://localhost:${port()}/hook`],
      ['127.0.0.1', () => `https://127.0.0.1:${port()}/hook`],
      ['[::1]', () => `https://[::1]:${port()}/hook`],
      ['[::ffff:127.0.0.1]', () => `https://[::ffff:127.0.0.1]:${port()}/hook`],
      ['10.0.0.1', () => 'https://10.0.0.1/hook'],
      ['169.254.169.254', () => 'https://169.254.169.254/latest/meta-data/'],
      ['2130706433 (decimal 127.0.0.1)', () => `https://2130706433:${port()}/hook`],
      ['0x7f.1 (hex 127.0.0.1)', () => `https://0x7f.1:${port()}/hook`],
      ['a name resolving to 127.0.0.1', () => `https://internal.customer.test:${port()}/hook`],
      ['a name resolving to 10.0.0.7', () => 'https://private.customer.test/hook'],
      ['a name resolving to a public and a private address', () => 'https://mixed.customer.test/hook'],
      ['plain http', () => 'http://hooks.example.com/hook'],
    ])('refuses %s without connecting: one failed attempt, not retried', async (_name, url) => {
      // Act
      const { webhook, deadLetters } = await deliverTo(url(), PRIVATE_DISALLOWED);

      // Assess
      expect(webhook).toMatchObject({ status: 'failed', attempts: 1, last_response_status: null });
      expect(deadLetters.length).toBeGreaterThan(0);
      expect(receiver.connections).toBe(0);
    });
  });

  describe('with private targets allowed (local stack)', () => {
    it.each([
      ['169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
      ['[fe80::1]', 'http://[fe80::1]/hook'],
      ['[::ffff:169.254.169.254]', 'http://[::ffff:169.254.169.254]/hook'],
      ['a name resolving to 169.254.169.254', 'http://metadata.customer.test/hook'],
      ['a name resolving to ::ffff:169.254.169.254', 'http://mapped.customer.test/hook'],
    ])('still refuses the link-local %s', async (_name, url) => {
      // Act
      const { webhook } = await deliverTo(url, PRIVATE_ALLOWED);

      // Assess
      expect(webhook).toMatchObject({ status: 'failed', attempts: 1, last_response_status: null });
    });

    it.each([
      ['localhost', () => `http://localhost:${receiver.port}/hook`],
      ['127.0.0.1', () => `http://127.0.0.1:${receiver.port}/hook`],
      ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${receiver.port}/hook`],
      ['2130706433', () => `http://2130706433:${receiver.port}/hook`],
    ])('delivers to %s', async (_name, url) => {
      // Act
      const { webhook } = await deliverTo(url(), PRIVATE_ALLOWED);

      // Assess
      expect(webhook).toMatchObject({ status: 'delivered', attempts: 1, last_response_status: 200 });
      expect(receiver.deliveries).toHaveLength(1);
    });

    it('connects to the address it checked, once resolved, keeping the hostname as Host', async () => {
      // Act
      const { webhook } = await deliverTo(
        `http://internal.customer.test:${receiver.port}/hook`,
        PRIVATE_ALLOWED,
      );

      // Assess
      expect(webhook).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(lookups).toEqual(['internal.customer.test']);
      expect(receiver.deliveries[0]!.headers.host).toBe(`internal.customer.test:${receiver.port}`);
    });

    it.each([
      ['[::1]', 'http://[::1]:8080/hook', '::1'],
      ['10.0.0.1', 'http://10.0.0.1/hook', '10.0.0.1'],
      ['a name resolving to 10.0.0.7', 'http://private.customer.test/hook', '10.0.0.7'],
    ])('allows %s and pins the connection to the checked address', async (_name, url, address) => {
      // Act
      const verdict = await checkWebhookTarget(url, PRIVATE_ALLOWED, resolve);

      // Assess
      expect(verdict).toMatchObject({ allowed: true, address });
    });
  });

  it('retries a name that does not resolve, as a transient failure', async () => {
    // Act
    const { webhook } = await deliverTo('https://nowhere.customer.test/hook', PRIVATE_DISALLOWED);

    // Assess
    expect(webhook).toMatchObject({ status: 'failed', attempts: 3, last_response_status: null });
  });
});
