/** Redoc's bundle, which the reference page loads from `docs/assets/` relative to the API's base URL. */
export const RENDERER_SCRIPT_NAME = 'redoc.standalone.js';
export const API_REFERENCE_SCRIPT = `docs/assets/${RENDERER_SCRIPT_NAME}`;

/** The OpenAPI document, built by `npm run openapi` at the project root and served as committed. */
export const OPENAPI_DOCUMENT_FILE = 'openapi.json';
