/** Redoc's bundle, which the reference page loads from `docs/assets/` relative to the API's base URL. */
export const RENDERER_SCRIPT_NAME = 'redoc.standalone.js';
export const API_REFERENCE_SCRIPT = `docs/assets/${RENDERER_SCRIPT_NAME}`;
