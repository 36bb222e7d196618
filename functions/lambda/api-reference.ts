/** Lambda entry of GET /openapi.json, GET /docs and GET /docs/assets/{asset}. */
import { join } from 'node:path';
import { apiReferenceHandler } from '../composition';
import { RENDERER_SCRIPT_NAME } from '../handlers/api-reference';

// The construct copies Redoc's bundle beside this function's bundle.
export const handler = apiReferenceHandler({ rendererScriptPath: join(__dirname, RENDERER_SCRIPT_NAME) });
