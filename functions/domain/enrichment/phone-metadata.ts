/**
 * The phone metadata every number is judged with: libphonenumber-js's `max` (the patterns of each line type),
 * what `libphonenumber-js/max` binds to the core functions. A deployed function reads it as a JSON file beside
 * its bundle instead of carrying it as code (lib/bundling.ts DATA_FILES), when it first judges a number: only
 * ProviderStep does, and a function that never calls this never requires the file.
 */
import type { MetadataJson } from 'libphonenumber-js/core';

let metadata: MetadataJson | undefined;

export function phoneMetadata(): MetadataJson {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read when first needed; an import at the top would be required by every bundle that includes this module
  return (metadata ??= require('libphonenumber-js/metadata.max.json') as MetadataJson);
}
