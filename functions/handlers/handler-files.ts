/**
 * The Lambda entry files of `functions/handlers/`, each exporting `handler`. The CDK function construct, the
 * local stack, the tests and the benchmarks name functions from this one list.
 */
export const HANDLER_FILES = [
  'authorizer',
  'accept',
  'get-contact',
  'erase-contact',
  'credits',
  'accept-batch',
  'get-batch',
  'ledger',
  'resend-webhook',
  'api-reference',
  'provider-step',
  'record-result',
  'recover-enrichment',
  'sweep-pending',
  'deliver-webhook',
] as const;

export type HandlerFile = (typeof HANDLER_FILES)[number];
