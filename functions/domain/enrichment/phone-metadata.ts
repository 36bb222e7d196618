/**
 * The phone metadata every number is judged with: libphonenumber-js's `max` (the patterns of each line type),
 * what `libphonenumber-js/max` binds to the core functions. A deployed function reads it as a JSON file beside
 * its bundle instead of carrying it as code (lib/bundling.ts DATA_FILES).
 */
import type { MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max.json';

export const PHONE_METADATA = metadata as MetadataJson;
