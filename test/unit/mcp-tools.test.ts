import {
  CONTRACT_TOOLS,
  readOpenApiDocument,
  toolsOf,
  type OpenApiDocument,
} from '../../integrations/mcp/tools';

describe('MCP tools', () => {
  const document = readOpenApiDocument();
  const schemas = document.components!.schemas!;

  it('are the contract’s tools whose operation openapi.json documents, no other', () => {
    // Prepare
    const documented = CONTRACT_TOOLS.filter((tool) => document.paths[tool.path]?.[tool.method]);

    // Act
    const names = toolsOf(document).map((tool) => tool.name);

    // Assess
    expect(names).toEqual(documented.map((tool) => tool.name));
    expect(names).toEqual(
      expect.arrayContaining([
        'enrich_contact',
        'get_enrichment',
        'enrich_contacts',
        'get_batch',
        'get_credits',
      ]),
    );
    expect(names.includes('estimate_enrichment')).toBe(
      Boolean(document.paths['/contacts/enrich/estimate']?.post),
    );
  });

  it('take the API’s request schemas, components inlined, enrich_contact with wait_seconds 0–120', () => {
    // Act
    const tools = Object.fromEntries(toolsOf(document).map((tool) => [tool.name, tool.inputSchema]));

    // Assess
    expect(tools.enrich_contact).toEqual({
      ...schemas.EnrichmentRequest,
      properties: {
        ...(schemas.EnrichmentRequest!.properties as object),
        wait_seconds: expect.objectContaining({ type: 'integer', minimum: 0, maximum: 120, default: 30 }),
      },
    });
    expect(tools.enrich_contacts).toEqual({
      ...schemas.BulkEnrichmentRequest,
      properties: {
        ...(schemas.BulkEnrichmentRequest!.properties as object),
        contacts: {
          ...(schemas.BulkEnrichmentRequest!.properties as { contacts: object }).contacts,
          items: schemas.EnrichmentRequest,
        },
      },
    });
    expect(JSON.stringify(tools)).not.toContain('$ref');
    expect(tools.get_enrichment).toMatchObject({ required: ['enrichment_id'], additionalProperties: false });
    expect(tools.get_batch).toMatchObject({ required: ['batch_id'] });
    expect(tools.get_credits).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('offer estimate_enrichment, with the estimate body’s schema, once the document has the operation', () => {
    // Prepare
    const withEstimate: OpenApiDocument = structuredClone(document);
    withEstimate.paths['/contacts/enrich/estimate'] = {
      post: {
        operationId: 'estimateEnrichment',
        summary: 'Estimate the credits of enrichments',
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/BulkEnrichmentRequest' } } },
        },
      },
    };

    // Act
    const tools = toolsOf(withEstimate);

    // Assess
    expect(tools.map((tool) => tool.name)).toEqual(CONTRACT_TOOLS.map((tool) => tool.name));
    expect(tools.find((tool) => tool.name === 'estimate_enrichment')!.inputSchema).toMatchObject({
      required: ['contacts'],
      properties: { contacts: { items: schemas.EnrichmentRequest } },
    });
  });
});
