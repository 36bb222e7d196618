/**
 * The CSV tool against a started local stack: RFC 4180 input (quotes, embedded commas and newlines, a BOM), a
 * refused row, output in input order, an interrupted run resumed without a second charge, and the one-line
 * reasons of a run that cannot finish.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { EnrichmentClient } from '../../client';
import { main } from '../../integrations/csv/cli';
import { CsvRunError, enrichCsv, type Progress } from '../../integrations/csv/enrich-csv';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const BOM = '\uFEFF';

function people(count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => `Ann,Row${from + i},acme.com`).join('\r\n');
}

describe('CSV enrichment', () => {
  let local: E2eStack;
  let client: EnrichmentClient;
  let dir: string;

  beforeAll(async () => {
    local = await startE2eStack('csv', { credits: 1000 });
    client = new EnrichmentClient({
      baseUrl: local.stack.apiUrl,
      apiKey: local.account.api_key,
      waitScale: 0.01,
    });
    dir = mkdtempSync(join(tmpdir(), 'csv-e2e-'));
  });

  afterAll(async () => {
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads RFC 4180 with a BOM, sets a refused row aside, and writes every row in input order', async () => {
    // Prepare
    const input =
      BOM +
      'First Name,last_name,Company,Notes\r\n' +
      'Jane,Doe,"Acme, Inc.","likes ""quotes"", commas"\r\n' +
      'Ada,,Acme,"no last name"\r\n' +
      'John,Roe,Globex,"two\nlines"\r\n';
    const progress: Progress[] = [];
    const before = await client.credits();

    // Act
    const output = await enrichCsv({ input, types: ['email'], client, onProgress: (p) => progress.push(p) });

    // Assess
    const [header, ...rows] = parse(output) as string[][];
    expect(header).toEqual([
      'First Name',
      'last_name',
      'Company',
      'Notes',
      'enrichment_id',
      'status',
      'email',
      'email_status',
      'email_provider',
      'phones',
      'personal_email',
      'credits_used',
      'error',
    ]);
    expect(rows.map((row) => [...row.slice(0, 4), ...row.slice(5, 8), row[11], row[12]])).toEqual([
      [
        'Jane',
        'Doe',
        'Acme, Inc.',
        'likes "quotes", commas',
        'finished',
        'jane.doe@acme.com',
        'valid',
        '1',
        '',
      ],
      ['Ada', '', 'Acme', 'no last name', 'refused', '', '', '', expect.stringMatching(/^lastname: /)],
      ['John', 'Roe', 'Globex', 'two\nlines', 'finished', 'john.roe@globex.com', 'valid', '1', ''],
    ]);
    expect(rows[1]![4]).toBe('');
    expect(progress.at(-1)).toEqual({ finished: 3, total: 3, creditsUsed: 2 });
    expect((await client.credits()).balance).toBe(before.balance - 2);
  });

  it('resumes an interrupted run without charging a sent chunk twice', async () => {
    // Prepare
    const input = `firstname,lastname,domain\n${people(150)}\n`;
    const before = await client.credits();
    let bulkPosts = 0;
    const cut = new EnrichmentClient({
      ...client.options,
      fetch: async (request) => {
        const url = new URL((request as Request).url);
        if (url.pathname === '/contacts/enrich/bulk' && ++bulkPosts > 1) throw new TypeError('fetch failed');
        return fetch(request);
      },
    });

    // Act
    const interrupted = enrichCsv({ input, types: ['email'], client: cut });
    await expect(interrupted).rejects.toThrow(CsvRunError);
    await expect(interrupted).rejects.toThrow(/; sent: rows 1–100; not sent: rows 101–150/);
    const output = await enrichCsv({ input, types: ['email'], client });

    // Assess
    const rows = (parse(output) as string[][]).slice(1);
    expect(rows.map((row) => row[1])).toEqual(Array.from({ length: 150 }, (_, i) => `Row${i}`));
    expect(
      rows.every((row) => row[4] === 'finished' && row[5] === `ann.${row[1]!.toLowerCase()}@acme.com`),
    ).toBe(true);
    expect((await client.credits()).balance).toBe(before.balance - 150);
  });

  describe('npm run enrich', () => {
    async function run(args: string[]) {
      const stderr = new PassThrough();
      let text = '';
      stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const code = await main(args, stderr);
      return { code, stderr: text };
    }

    it('writes the output file and prints plain progress lines off a terminal', async () => {
      // Prepare
      writeFileSync(join(dir, 'in.csv'), `firstname,lastname,website\n${people(2, 500)}\n`);

      // Act
      const { code, stderr } = await run([
        join(dir, 'in.csv'),
        '--out',
        join(dir, 'out.csv'),
        '--types',
        'email',
        '--api',
        local.stack.apiUrl,
        '--key',
        local.account.api_key,
      ]);

      // Assess
      expect(code).toBe(0);
      expect(stderr.trim().split('\n').at(-1)).toBe('enrich: 2/2 rows finished, 2 credits used');
      expect((parse(readFileSync(join(dir, 'out.csv'))) as string[][]).map((row) => row[4])).toEqual([
        'status',
        'finished',
        'finished',
      ]);
    });

    it.each([
      [
        'a wrong key',
        () => [local.stack.apiUrl, 'ce_wrong'],
        /^enrich: the API key was refused \(401 unauthorized: .*\); sent: no row; not sent: rows 1–2\n$/,
      ],
      [
        'an unreachable API',
        () => [closedUrl, 'ce_x'],
        /^enrich: cannot reach the API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); sent: no row; not sent: rows 1–2\n$/,
      ],
    ])('stops with a one-line reason for %s', async (_name, target, expected) => {
      // Prepare
      writeFileSync(join(dir, 'two.csv'), `firstname,lastname,domain\n${people(2, 600)}\n`);
      const [api, key] = target();

      // Act
      const { code, stderr } = await run([
        join(dir, 'two.csv'),
        '--out',
        join(dir, 'x.csv'),
        '--types',
        'email',
        '--api',
        api!,
        '--key',
        key!,
      ]);

      // Assess
      expect(code).toBe(1);
      expect(stderr).toMatch(expected);
    });

    it('stops on 402 naming the rows sent and the rows not sent', async () => {
      // Prepare
      const poor = await local.admin.create({
        name: 'Poor',
        credits: 100,
        personalEmailConsent: false,
        phoneCountryCodes: null,
      });
      writeFileSync(join(dir, 'many.csv'), `firstname,lastname,domain\n${people(150, 700)}\n`);

      // Act
      const { code, stderr } = await run([
        join(dir, 'many.csv'),
        '--out',
        join(dir, 'y.csv'),
        '--types',
        'email',
        '--api',
        local.stack.apiUrl,
        '--key',
        poor.api_key,
      ]);

      // Assess
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^enrich: not enough credits \(402 insufficient_credits: .*\); sent: rows 1–100; not sent: rows 101–150 \(a rerun sends them again without charging twice\)\n$/,
      );
    });
  });
});

let closedUrl = '';
beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});
