/**
 * The waterfall definition as both runtimes load it: the ASL file, with the deployment's bound on an
 * enrichment (`maxEnrichmentSeconds`) as the state machine's `TimeoutSeconds`. CDK deploys the text with its
 * `${…}` function ARNs left to `definitionSubstitutions`; the local runner substitutes them itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from '../functions/manifest/define';

export const DEFINITION_PATH = join(__dirname, 'waterfall.asl.json');

/** The `${…}` placeholder of the definition naming the function of a Task state (its manifest entry's). */
export function taskPlaceholder(spec: Pick<FunctionSpec, 'trigger' | 'name'>): string {
  if (spec.trigger.kind !== 'task') throw new Error(`${spec.name} is not the function of a Task state.`);
  return `${spec.trigger.state}FunctionArn`;
}

export function waterfallDefinition(maxEnrichmentSeconds: number): string {
  const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...definition, TimeoutSeconds: maxEnrichmentSeconds }, null, 2);
}
