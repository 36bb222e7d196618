/**
 * The waterfall definitions as both runtimes load them: the Standard waterfall (`waterfall.asl.json`), with the
 * deployment's bound on an enrichment (`maxEnrichmentSeconds`) as its `TimeoutSeconds`, and the Express steps
 * workflow it starts (`waterfall-steps.asl.json`). CDK deploys the texts with their `${…}` ARNs left to
 * `definitionSubstitutions`; the local runner substitutes them itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from '../functions/manifest/define';

export const DEFINITION_PATH = join(__dirname, 'waterfall.asl.json');
export const STEPS_DEFINITION_PATH = join(__dirname, 'waterfall-steps.asl.json');

/** The `${…}` placeholder of the waterfall naming the steps state machine its Steps state starts. */
export const STEPS_PLACEHOLDER = 'StepsStateMachineArn';

/** The `${…}` placeholder of the definition naming the function of a Task state (its manifest entry's). */
export function taskPlaceholder(spec: Pick<FunctionSpec, 'trigger' | 'name'>): string {
  if (spec.trigger.kind !== 'task') throw new Error(`${spec.name} is not the function of a Task state.`);
  return `${spec.trigger.state}FunctionArn`;
}

export function waterfallDefinition(maxEnrichmentSeconds: number): string {
  const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...definition, TimeoutSeconds: maxEnrichmentSeconds }, null, 2);
}

export function stepsDefinition(): string {
  return JSON.stringify(JSON.parse(readFileSync(STEPS_DEFINITION_PATH, 'utf8')), null, 2);
}
