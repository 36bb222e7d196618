/** `npm run admin -- suppressions …` against a table on DynamoDB Local: normalised entries, who and when. */
import { userInfo } from 'node:os';
import { runAdmin, UsageError } from '../../../functions/admin/cli';
import { resolveTarget, type AdminTarget } from '../../../functions/admin/target';
import { SANDBOX_WATERFALL } from '../../../functions/domain/enrichment/waterfall-settings';
import { createTestTable, type TestTable } from '../../support/dynamo';

interface Entry {
  kind: string;
  value: string;
  added_at: string;
  added_by: string;
  status?: string;
}

describe('Command: npm run admin -- suppressions', () => {
  let table: TestTable;
  let target: AdminTarget;

  beforeEach(async () => {
    table = await createTestTable();
    target = {
      tableName: table.tableName,
      dynamoEndpoint: table.endpoint,
      waterfall: SANDBOX_WATERFALL,
      redriveWebhooks: async () => ({}),
      recoverEnrichments: async () => ({}),
      resendWebhook: async () => ({}),
    };
  });
  afterEach(() => table.drop());

  it('adds each kind normalised as requests are, saying when and by whom', async () => {
    // Act
    const email = (await runAdmin(
      ['suppressions', 'add', '--email', ' Jane.Doe@ACME.com ', '--by', 'dpo@acme.com'],
      target,
    )) as Entry;
    const profile = (await runAdmin(
      ['suppressions', 'add', '--linkedin-url', 'http://fr.linkedin.com/in/Jane-Doe/?trk=1'],
      target,
    )) as Entry;
    const domain = (await runAdmin(
      ['suppressions', 'add', '--domain', 'https://WWW.Acme.com/'],
      target,
    )) as Entry;

    // Assess
    expect(email).toEqual({
      kind: 'email',
      value: 'jane.doe@acme.com',
      added_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      added_by: 'dpo@acme.com',
      status: 'added',
    });
    expect(profile).toMatchObject({
      kind: 'linkedin_url',
      value: 'https://www.linkedin.com/in/jane-doe',
      added_by: userInfo().username,
      status: 'added',
    });
    expect(domain).toMatchObject({ kind: 'domain', value: 'acme.com', status: 'added' });
  });

  it('keeps the first entry when a value is added again, however it is spelt', async () => {
    // Prepare
    const first = (await runAdmin(
      ['suppressions', 'add', '--domain', 'acme.com', '--by', 'alice'],
      target,
    )) as Entry;

    // Act
    const again = (await runAdmin(
      ['suppressions', 'add', '--domain', 'WWW.ACME.COM', '--by', 'bob'],
      target,
    )) as Entry;

    // Assess
    expect(again).toEqual({ ...first, status: 'already_listed' });
    expect(((await runAdmin(['suppressions', 'list'], target)) as { count: number }).count).toBe(1);
  });

  it('lists every entry by kind then value, and removes one', async () => {
    // Prepare
    for (const option of [
      ['--linkedin-url', 'linkedin.com/in/zed'],
      ['--email', 'b@example.com'],
      ['--domain', 'example.org'],
      ['--email', 'a@example.com'],
    ]) {
      await runAdmin(['suppressions', 'add', ...option, '--by', 'ops'], target);
    }

    // Act
    const removed = await runAdmin(['suppressions', 'remove', '--email', 'B@Example.com'], target);
    const list = (await runAdmin(['suppressions', 'list'], target)) as {
      count: number;
      suppressions: Entry[];
    };

    // Assess
    expect(removed).toEqual({ kind: 'email', value: 'b@example.com', status: 'removed' });
    expect(list.count).toBe(3);
    expect(list.suppressions.map((entry) => [entry.kind, entry.value, entry.added_by])).toEqual([
      ['domain', 'example.org', 'ops'],
      ['email', 'a@example.com', 'ops'],
      ['linkedin_url', 'https://www.linkedin.com/in/zed', 'ops'],
    ]);
    expect(list.suppressions.every((entry) => !Number.isNaN(Date.parse(entry.added_at)))).toBe(true);
  });

  it('refuses to remove an entry that is not listed', async () => {
    // Act & Assess
    await expect(runAdmin(['suppressions', 'remove', '--domain', 'acme.com'], target)).rejects.toThrow(
      'domain acme.com is not on the suppression list',
    );
  });

  it.each([
    [['suppressions', 'add'], 'give exactly one of --email, --linkedin-url, --domain'],
    [
      ['suppressions', 'add', '--email', 'a@b.com', '--domain', 'b.com'],
      'give exactly one of --email, --linkedin-url, --domain',
    ],
    [['suppressions', 'add', '--email', 'not-an-email'], '--email "not-an-email" is not a valid email'],
    [
      ['suppressions', 'remove', '--linkedin-url', 'https://example.com/jane'],
      '--linkedin-url "https://example.com/jane" is not a valid linkedin url',
    ],
    [['suppressions', 'add', '--domain', 'localhost'], '--domain "localhost" is not a valid domain'],
  ])('refuses %j with a usage error', async (argv, message) => {
    // Act & Assess
    await expect(runAdmin(argv, target)).rejects.toThrow(new UsageError(message));
  });

  // In process: printing one JSON object and the exit codes is the CLI's own, proven once by spawning it
  // (cli.test.ts); here, that the commands reach the table TABLE_NAME names.
  it('works against a deployed table named by TABLE_NAME', async () => {
    // Prepare
    const deployed = resolveTarget({
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      AWS_REGION: 'local',
    });

    // Act
    const added = await runAdmin(['suppressions', 'add', '--email', 'Jane@Acme.com'], deployed);
    const listed = await runAdmin(['suppressions', 'list'], deployed);
    const missing = runAdmin(['suppressions', 'remove', '--domain', 'acme.com'], deployed);

    // Assess
    expect(added).toMatchObject({ kind: 'email', value: 'jane@acme.com', status: 'added' });
    expect(listed).toMatchObject({ count: 1, suppressions: [{ value: 'jane@acme.com' }] });
    await expect(missing).rejects.toThrow('domain acme.com is not on the suppression list');
  });
});
