/**
 * `npm run mcp`: a Model Context Protocol server on stdio (the official SDK) whose tools call the
 * contact-enrichment API through the typed client, configured by `ENRICHMENT_API_URL` and `ENRICHMENT_API_KEY`.
 * Stdout carries the protocol and nothing else; a configuration error goes to stderr.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { EnrichmentClient } from '../../client';
import { readOpenApiDocument, toolError, toolsOf } from './tools';

export function createMcpServer(client: EnrichmentClient, tools = toolsOf(readOpenApiDocument())): Server {
  const server = new Server(
    { name: 'contact-enrichment', version: '0.1.0' },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = tools.find((candidate) => candidate.name === request.params.name);
    if (!tool) return toolError('unknown_tool', `No tool named ${request.params.name}.`);
    return tool.call(client, request.params.arguments ?? {});
  });
  return server;
}

if (require.main === module) {
  let client: EnrichmentClient;
  try {
    client = EnrichmentClient.fromEnvironment();
  } catch (error) {
    process.stderr.write(`mcp: ${(error as Error).message}\n`);
    process.exit(1);
  }
  void createMcpServer(client).connect(new StdioServerTransport());
}
