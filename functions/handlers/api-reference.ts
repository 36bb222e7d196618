/**
 * The API reference, without an API key: GET /openapi.json (the OpenAPI document), GET /docs (the page that
 * renders it with Redoc) and GET /docs/assets/{asset} (Redoc's script). Everything the page loads comes from
 * the API itself, never from a CDN, and its Content-Security-Policy allows nothing else.
 */
import { readFileSync } from 'node:fs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { httpErrors } from './http';
import { logger } from './observability';
import { API_REFERENCE_SCRIPT, RENDERER_SCRIPT_NAME } from '../openapi/assets';

export interface ApiReferenceAssets {
  /** Where Redoc's standalone bundle is on disk (beside the Lambda bundle, or in node_modules locally). */
  rendererScriptPath: string;
  /**
   * Where the OpenAPI document is on disk: `openapi.json` as `npm run openapi` builds it from the manifest and
   * commits it (beside the Lambda bundle, or at the project root locally). Served as it is, byte for byte.
   */
  documentPath: string;
}

export { RENDERER_SCRIPT_NAME };

const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Redoc styles its components with inline <style> elements, and runs its search index in a blob: worker.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Redoc's side menu shows Redocly's logo from Redocly's CDN; the page loads nothing from elsewhere, so the served
 * script points it nowhere, and Redoc hides an image that fails to load.
 */
const REDOCLY_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

/** Relative URLs, so the page works at the root (local stack) and under the stage prefix (`/v1/docs`). */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Contact enrichment API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <redoc spec-url="openapi.json" hide-hostname="true"></redoc>
    <script src="${API_REFERENCE_SCRIPT}"></script>
  </body>
</html>
`;

export function createApiReferenceHandler(assets: ApiReferenceAssets) {
  let document: string | undefined;
  let script: string | undefined;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      switch (event.resource) {
        case '/openapi.json':
          document ??= readFileSync(assets.documentPath, 'utf8');
          return answer(document, 'application/json; charset=utf-8', 'public, max-age=300');
        case '/docs':
          return answer(PAGE, 'text/html; charset=utf-8', 'public, max-age=300', {
            'Content-Security-Policy': PAGE_POLICY,
            'X-Content-Type-Options': 'nosniff',
          });
        default:
          if (event.pathParameters?.asset !== RENDERER_SCRIPT_NAME) throw new NotFoundError('No such asset.');
          script ??= readFileSync(assets.rendererScriptPath, 'utf8').replace(REDOCLY_LOGO, '');
          return answer(script, 'text/javascript; charset=utf-8', 'public, max-age=86400');
      }
    });
}

function answer(
  body: string,
  contentType: string,
  cacheControl: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: { 'Content-Type': contentType, 'Cache-Control': cacheControl, ...headers },
    body,
  };
}
