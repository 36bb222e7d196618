/**
 * The waterfall definition as both runtimes load it: the ASL file, with the deployment's bound on an
 * enrichment (`maxEnrichmentSeconds`) as the state machine's `TimeoutSeconds`. CDK deploys the text with its
 * `${…}` function ARNs left to `definitionSubstitutions`; the local runner substitutes them itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFINITION_PATH = join(__dirname, 'waterfall.asl.json');

/** The `${…}` placeholders of the definition, each naming a Task's function. */
export const TASK_PLACEHOLDERS = ['ProviderStepFunctionArn', 'RecordResultFunctionArn'] as const;

export function waterfallDefinition(maxEnrichmentSeconds: number): string {
  const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...definition, TimeoutSeconds: maxEnrichmentSeconds }, null, 2);
}
