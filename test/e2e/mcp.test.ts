/**
 * The MCP server (`npm run mcp`) as an MCP client meets it: started over stdio by the SDK's own client against a
 * started local stack, every tool called, an API error as a tool error, and nothing on stdout but the protocol.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CONTRACT_TOOLS, readOpenApiDocument } from '../../integrations/mcp/tools';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ROOT = join(__dirname, '..', '..');
const JANE = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

interface TextResult {
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
}

describe('MCP server over stdio', () => {
  let local: E2eStack;
  let client: Client;
  const protocolErrors: Error[] = [];

  beforeAll(async () => {
    local = await startE2eStack('mcp', { credits: 100 });
    client = new Client({ name: 'e2e', version: '1.0.0' });
    client.onerror = (error) => protocolErrors.push(error);
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          join(ROOT, 'integrations', 'mcp', 'server.ts'),
        ],
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ENRICHMENT_API_URL: local.stack.apiUrl,
          ENRICHMENT_API_KEY: local.account.api_key,
        },
        stderr: 'pipe',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await client.close();
    await local.stop();
    // A line on stdout that is not JSON-RPC would have reached the client as an error.
    expect(protocolErrors).toEqual([]);
  });

  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as TextResult;
    return {
      isError: result.isError ?? false,
      text: result.content[0]!.text,
      json: () => JSON.parse(result.content[0]!.text),
    };
  };

  it('lists the tools of the operations the API documents', async () => {
    // Prepare
    const document = readOpenApiDocument();

    // Act
    const { tools } = await client.listTools();

    // Assess
    expect(tools.map((tool) => tool.name)).toEqual(
      CONTRACT_TOOLS.filter((tool) => document.paths[tool.path]?.[tool.method]).map((tool) => tool.name),
    );
    expect(tools.find((tool) => tool.name === 'enrich_contact')!.inputSchema).toMatchObject({
      type: 'object',
      properties: { firstname: { type: 'string' }, wait_seconds: { maximum: 120 } },
    });
  });

  it('enrich_contact waits for the finished record', async () => {
    // Act
    const result = await call('enrich_contact', { ...JANE, wait_seconds: 30 });

    // Assess
    expect(result.isError).toBe(false);
    expect(result.json()).toMatchObject({
      status: 'finished',
      results: { email: { value: 'jane.doe@acme.com' } },
    });
  });

  it('enrich_contact with wait_seconds 0 answers pending; get_enrichment reads it', async () => {
    // Act
    const accepted = (await call('enrich_contact', { ...JANE, firstname: 'Ada', wait_seconds: 0 })).json();
    const read = await call('get_enrichment', { enrichment_id: accepted.enrichment_id });

    // Assess
    expect(accepted).toMatchObject({ status: 'pending', firstname: 'Ada' });
    expect(read.json()).toMatchObject({ enrichment_id: accepted.enrichment_id });
  });

  it('enrich_contacts starts a batch and get_batch reads it; get_credits answers the credits', async () => {
    // Act
    const accepted = (
      await call('enrich_contacts', { contacts: [JANE, { ...JANE, lastname: 'Roe' }] })
    ).json();
    const batch = (await call('get_batch', { batch_id: accepted.batch_id })).json();
    const credits = (await call('get_credits')).json();

    // Assess
    expect(accepted.contacts).toHaveLength(2);
    expect(batch).toMatchObject({ batch_id: accepted.batch_id, counts: { total: 2 } });
    expect(credits).toEqual({
      balance: expect.any(Number),
      reserved: expect.any(Number),
      available: expect.any(Number),
    });
  });

  it('answers an API error as a tool error with its code and message', async () => {
    // Act
    const invalid = await call('enrich_contact', { ...JANE, domain: undefined, enrichment_type: ['email'] });
    const unknown = await call('get_enrichment', { enrichment_id: '01K9ZQ3W8D6X4V2N7C5B1M0HJT' });
    const longWait = await call('enrich_contact', { ...JANE, wait_seconds: 121 });

    // Assess
    expect(invalid).toMatchObject({ isError: true, text: expect.stringMatching(/^validation_error: /) });
    expect(unknown).toMatchObject({ isError: true, text: 'not_found: No enrichment with this id.' });
    expect(longWait).toMatchObject({ isError: true, text: expect.stringContaining('wait_seconds') });
  });
});
