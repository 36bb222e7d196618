/**
 * The operator CLI against a table on DynamoDB Local: one JSON object per command, clear errors, exit codes. The
 * CLI runs in this process (`main` with captured output); one test spawns it through npm.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoAccountAdminStore } from '../../../functions/adapters/dynamodb/account-admin-store';
import { DynamoProviderTraffic } from '../../../functions/adapters/dynamodb/provider-traffic-store';
import { main, runAdmin, USAGE, UsageError } from '../../../functions/admin/cli';
import type { AdminTarget } from '../../../functions/admin/target';
import { authenticate } from '../../../functions/domain/accounts/authenticate';
import {
  SANDBOX_WATERFALL,
  type WaterfallSettings,
} from '../../../functions/domain/enrichment/waterfall-settings';
import { createTestTable, type TestTable } from '../../support/dynamo';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/** Runs the CLI in this process, as the spawned one would: what it printed and its exit code. */
async function runMain(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, env, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('Command: npm run admin', () => {
  let table: TestTable;
  let target: AdminTarget;
  let redrives = 0;
  const resends: string[][] = [];

  beforeAll(async () => {
    table = await createTestTable();
    target = {
      tableName: table.tableName,
      dynamoEndpoint: table.endpoint,
      waterfall: SANDBOX_WATERFALL,
      redriveWebhooks: async () => ({ redriven: ++redrives }),
      recoverEnrichments: async (olderThanSeconds) => ({ olderThanSeconds }),
      resendWebhook: async (accountId, enrichmentId) => {
        resends.push([accountId, enrichmentId]);
        return { enrichment_id: enrichmentId };
      },
    };
  });
  afterAll(() => table.drop());
  const tableEnv = () => ({
    ...process.env,
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    AWS_REGION: 'local',
  });

  it('runs the sweeper of pending enrichments on demand, five minutes old by default', async () => {
    // Act & Assess
    expect(await runAdmin(['enrichments', 'recover'], target)).toEqual({ olderThanSeconds: 300 });
    expect(await runAdmin(['enrichments', 'recover', '--older-than', '0'], target)).toEqual({
      olderThanSeconds: 0,
    });
    await expect(runAdmin(['enrichments', 'recover', '--older-than', 'soon'], target)).rejects.toThrow(
      /--older-than must be a number of seconds/,
    );
  });

  it('creates an account with a working API key, a webhook secret and an opening grant', async () => {
    // Act
    const created = (await runAdmin(
      [
        'accounts',
        'create',
        '--name',
        'Acme CRM',
        '--credits',
        '120',
        '--personal-email-consent',
        '--phone-country-codes',
        'us,FR',
      ],
      target,
    )) as { account_id: string; api_key: string; webhook_secret: string };

    // Assess
    expect(Object.keys(created)).toEqual(['account_id', 'api_key', 'webhook_secret']);
    expect(created.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const accounts = new DynamoAccountAdminStore(table.db, table.tableName);
    expect(await authenticate(accounts, `Bearer ${created.api_key}`)).toBe(created.account_id);
    const account = await runAdmin(['accounts', 'get', created.account_id], target);
    expect(account).toMatchObject({
      name: 'Acme CRM',
      credits: { balance: 120, reserved: 0, available: 120 },
      personal_email_consent: true,
      default_phone_country_codes: ['US', 'FR'],
    });
    expect(JSON.stringify(account)).not.toContain(created.api_key);
  });

  it('grants credits, changes settings, and creates and revokes keys', async () => {
    // Prepare
    const { account_id: id } = (await runAdmin(['accounts', 'create', '--name', 'B'], target)) as {
      account_id: string;
    };

    // Act
    const granted = await runAdmin(['accounts', 'grant', id, '--credits', '25'], target);
    const set = await runAdmin(
      ['accounts', 'set', id, '--personal-email-consent', 'true', '--phone-country-codes', 'GB'],
      target,
    );
    const key = (await runAdmin(['keys', 'create', id], target)) as { api_key: string; key_prefix: string };
    const revoked = await runAdmin(['keys', 'revoke', id, key.key_prefix], target);

    // Assess
    expect(granted).toEqual({
      account_id: id,
      granted: 25,
      credits: { balance: 25, reserved: 0, available: 25 },
    });
    expect(set).toMatchObject({ personal_email_consent: true, default_phone_country_codes: ['GB'] });
    expect(revoked).toMatchObject({
      account_id: id,
      key_prefix: key.key_prefix,
      revoked_at: expect.any(String),
    });
    const accounts = new DynamoAccountAdminStore(table.db, table.tableName);
    expect(await authenticate(accounts, `Bearer ${key.api_key}`)).toBeUndefined();
    const ledger = await accounts.ledger(id);
    expect(ledger.map((entry) => [entry.kind, entry.balance_delta])).toEqual([['grant', 25]]);
  });

  it("sets an account's own rate limit, shows it, and sets it back to the deployment's", async () => {
    // Prepare
    const { account_id: id } = (await runAdmin(['accounts', 'create', '--name', 'Busy'], target)) as {
      account_id: string;
    };
    const before = await runAdmin(['accounts', 'get', id], target);

    // Act
    const set = await runAdmin(['accounts', 'set', id, '--rate-limit', '5'], target);
    const shown = await runAdmin(['accounts', 'get', id], target);
    const reset = await runAdmin(['accounts', 'set', id, '--rate-limit', 'default'], target);

    // Assess
    expect(before).toMatchObject({ rate_limit: 'default' });
    expect(set).toMatchObject({ rate_limit: 5 });
    expect(shown).toMatchObject({ rate_limit: 5 });
    expect(reset).toMatchObject({ rate_limit: 'default' });
  });

  it('redrives dead-lettered webhooks through the target', async () => {
    // Act & Assess
    expect(await runAdmin(['webhooks', 'redrive'], target)).toEqual({ redriven: 1 });
  });

  it("resends one enrichment's webhook through the target", async () => {
    // Act
    const answer = await runAdmin(['webhooks', 'resend', 'A1', 'E1'], target);

    // Assess
    expect(answer).toEqual({ enrichment_id: 'E1' });
    expect(resends).toEqual([['A1', 'E1']]);
  });

  it("lists accounts and shows an account's ledger, newest first, summing to its balance", async () => {
    // Prepare
    const created = (await runAdmin(
      ['accounts', 'create', '--name', 'Ledgered', '--credits', '10'],
      target,
    )) as {
      account_id: string;
    };
    await runAdmin(['accounts', 'grant', created.account_id, '--credits', '5'], target);

    // Act
    const list = (await runAdmin(['accounts', 'list'], target)) as {
      accounts: Array<{ account_id: string; name: string; credits: unknown }>;
    };
    const ledger = (await runAdmin(['accounts', 'ledger', created.account_id], target)) as {
      credits: { balance: number };
      entries: Array<{ kind: string; balance_delta: number; at: string }>;
    };

    // Assess
    expect(list.accounts).toContainEqual({
      account_id: created.account_id,
      name: 'Ledgered',
      credits: { balance: 15, reserved: 0, available: 15 },
      created_at: expect.any(String),
    });
    expect(list.accounts.every((account) => !('webhook_secret' in account))).toBe(true);
    expect(ledger.entries.map((entry) => [entry.kind, entry.balance_delta])).toEqual([
      ['grant', 5],
      ['grant', 10],
    ]);
    expect(ledger.entries.reduce((sum, entry) => sum + entry.balance_delta, 0)).toBe(ledger.credits.balance);
    await expect(runAdmin(['accounts', 'ledger', 'NOPE'], target)).rejects.toThrow('No account NOPE.');
  });

  it('prints readable usage text for help, naming every command', async () => {
    // Act
    const help = await runMain(['help']);

    // Assess
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run admin -- <command>\n/);
    expect(help.stdout).not.toContain('\\n');
    for (const command of [
      'accounts create',
      'accounts list',
      'accounts ledger <account_id>',
      'webhooks redrive',
      'webhooks resend <account_id> <enrichment_id>',
      'enrichments recover',
      'providers status',
      'providers reset <provider>',
      'suppressions add',
      'suppressions remove',
      'suppressions list',
    ]) {
      expect(help.stdout).toContain(command);
    }
  });

  it.each([
    [['accounts', 'create'], '--name <name> is required'],
    [['accounts', 'create', '--name', 'x', '--credits', '1.5'], '--credits takes a whole number, got "1.5"'],
    [['accounts', 'grant', 'someone'], '--credits <int> is required'],
    [
      ['accounts', 'set', 'someone'],
      'accounts set needs --personal-email-consent, --phone-country-codes or --rate-limit',
    ],
    [
      ['accounts', 'set', 'someone', '--personal-email-consent', 'maybe'],
      '--personal-email-consent takes true or false, got "maybe"',
    ],
    [
      ['accounts', 'create', '--name', 'x', '--phone-country-codes', 'FR,XX'],
      '--phone-country-codes has unknown codes: XX',
    ],
    [
      ['accounts', 'set', 'someone', '--rate-limit', '0'],
      '--rate-limit must be 1 to 100000 or default, got "0"',
    ],
    [['keys', 'revoke', 'someone'], '<key_prefix> is required'],
    [['webhooks', 'resend', 'someone'], '<enrichment_id> is required'],
    [['accounts', 'delete', 'x'], 'unknown command "accounts delete"'],
  ])('refuses %j with a usage error', async (argv, message) => {
    // Act & Assess
    await expect(runAdmin(argv, target)).rejects.toThrow(new UsageError(message));
  });

  it('prints one JSON object on stdout, and a JSON error with exit code 1 for an unknown account', async () => {
    // Act
    const created = await runMain(['accounts', 'create', '--name', 'Printed', '--credits', '3'], tableEnv());
    const missing = await runMain(['accounts', 'get', 'NOPE'], tableEnv());

    // Assess
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(created.stdout)).toEqual({
      account_id: expect.any(String),
      api_key: expect.any(String),
      webhook_secret: expect.any(String),
    });
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(missing.stderr)).toEqual({ error: 'No account NOPE.' });
  });

  it('prints a usage error as JSON on stderr with exit code 2', async () => {
    // Act
    const misused = await runMain(['accounts', 'delete', 'x'], tableEnv());

    // Assess
    expect(misused).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(misused.stderr)).toEqual({
      error: 'unknown command "accounts delete"',
      hint: 'npm run admin -- --help lists the commands and their options',
    });
  });

  it("answers a negative grant with the credits domain's own message, not an argument parsing error", async () => {
    // Prepare
    const created = await runMain(['accounts', 'create', '--name', 'Granted', '--credits', '3'], tableEnv());
    const accountId = (JSON.parse(created.stdout) as { account_id: string }).account_id;

    // Act
    const refused = await runMain(['accounts', 'grant', accountId, '--credits', '-5'], tableEnv());

    // Assess
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(refused.stderr)).toEqual({
      error: 'A grant adds at least 1 whole credit (a grant never takes credits away), got -5.',
    });
  });

  // The one test that spawns the CLI, since only a process proves that the npm script runs it; the others call
  // `main` in this process. tsx compiles the CLI first, seconds on a loaded machine: the time allowed is generous.
  it('refuses providers stats against a deployed table without WATERFALL_CONFIG, saying where to find it', async () => {
    // Prepare: the operator's shell names the deployed table, not its waterfall.
    const env = { ...tableEnv(), WATERFALL_CONFIG: ' ' };

    // Act
    const refused = await runMain(['providers', 'stats'], env);

    // Assess
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    const { error } = JSON.parse(refused.stderr) as { error: string };
    expect(error).toMatch(/^providers stats against a deployed table needs WATERFALL_CONFIG/);
    expect(error).toContain('--query Environment.Variables.WATERFALL_CONFIG');
    expect(error).toContain('-c waterfall=');
  });

  it("scores a deployed table's providers in WATERFALL_CONFIG's order", async () => {
    // Prepare
    const waterfall: WaterfallSettings = {
      order: { email: ['prospeo', 'hunter'], phone: ['contactout'], personal_email: [] },
      prices: {},
      verifier: 'millionverifier',
    };
    const env = { ...tableEnv(), WATERFALL_CONFIG: JSON.stringify(waterfall) };

    // Act
    const scored = await runMain(['providers', 'stats'], env);

    // Assess
    expect(scored.code).toBe(0);
    const card = JSON.parse(scored.stdout) as {
      recommendations: Record<string, { configured_order: string[] }>;
    };
    expect(card.recommendations.email!.configured_order).toEqual(['prospeo', 'hunter']);
    expect(card.recommendations.phone!.configured_order).toEqual(['contactout']);
  });

  it('runs as npm run admin -- --help', async () => {
    // Act
    const help = await run('npm', ['run', '--silent', 'admin', '--', '--help'], { cwd: ROOT });

    // Assess
    expect(help.stdout).toBe(USAGE);
  }, 120_000);
});

describe('Command: npm run admin -- providers', () => {
  let table: TestTable;
  let target: AdminTarget;

  beforeAll(async () => {
    table = await createTestTable();
    target = {
      tableName: table.tableName,
      dynamoEndpoint: table.endpoint,
      redriveWebhooks: async () => ({}),
      recoverEnrichments: async () => ({}),
    } as unknown as AdminTarget;
  });
  afterAll(() => table.drop());

  it("prints each provider's breaker, and closes one on reset", async () => {
    // Prepare: hunter refused its key.
    await new DynamoProviderTraffic(table.db, table.tableName, { rateLimits: {}, cooldownSeconds: 300 }).open(
      'hunter',
      'bad_key',
      Date.now(),
    );

    // Act
    const before = (await runAdmin(['providers', 'status'], target)) as {
      providers: Array<Record<string, unknown>>;
    };
    const reset = await runAdmin(['providers', 'reset', 'hunter'], target);

    // Assess
    expect(before.providers.find((p) => p.provider === 'hunter')).toMatchObject({
      state: 'open',
      reason: 'API key rejected',
    });
    expect(before.providers.find((p) => p.provider === 'prospeo')).toMatchObject({ state: 'closed' });
    expect(reset).toMatchObject({ provider: 'hunter', state: 'closed', reason: null });
    await expect(runAdmin(['providers', 'reset', 'nobody-knows'], target)).rejects.toThrow(
      /unknown provider/,
    );
  });
});
