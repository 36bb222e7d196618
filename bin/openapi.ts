/**
 * `npm run openapi`: writes the OpenAPI document the API serves to `openapi.json` at the project root (a test
 * fails while the committed file differs from what the code generates).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from '../functions/openapi/document';

export const OPENAPI_FILE = join(__dirname, '..', 'openapi.json');

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, openApiText());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
