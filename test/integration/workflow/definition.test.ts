/** The waterfall definition file itself: valid ASL, the placeholders CDK fills, and its failure paths. */
import { readFileSync } from 'node:fs';
import validateAsl from 'asl-validator';
import { loadDefinition } from '../../../local/local-workflow';
import { specsTriggeredBy } from '../../../functions/manifest';
import { DEFINITION_PATH, taskPlaceholder, waterfallDefinition } from '../../../statemachines/waterfall';

type States = Record<string, Record<string, unknown>>;

const definition = () => loadDefinition() as unknown as { States: States; TimeoutSeconds: number };
const typeStates = () => (definition().States.Types!.ItemProcessor as { States: States }).States;

describe('State machine definition: statemachines/waterfall.asl.json', () => {
  it('passes asl-validator once its function ARNs are substituted', () => {
    // Act
    const result = validateAsl(loadDefinition());

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('has exactly the placeholders CDK substitutes', () => {
    // Prepare
    const text = readFileSync(DEFINITION_PATH, 'utf8');

    // Act
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));

    // Assess
    expect([...placeholders].sort()).toEqual(specsTriggeredBy('task').map(taskPlaceholder).sort());
  });

  it('takes the deployment bound as the state machine timeout', () => {
    // Act
    const bounded = JSON.parse(waterfallDefinition(900)) as { TimeoutSeconds: number };

    // Assess
    expect(bounded.TimeoutSeconds).toBe(900);
  });

  it('runs the requested types in parallel, one Map iteration per type, then records the result once', () => {
    // Act
    const types = definition().States.Types!;

    // Assess
    expect(types).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.types',
      MaxConcurrency: 0,
      Next: 'RecordResult',
    });
    expect(types.ItemSelector).toEqual({
      'account_id.$': '$.account_id',
      'enrichment_id.$': '$.enrichment_id',
      'type.$': '$$.Map.Item.Value',
    });
  });

  it('retries provider errors briefly and its own errors longer, and never loops on its own errors', () => {
    // Prepare
    const step = typeStates().ProviderStep!;

    // Act
    const [providerRetry, ownRetry] = step.Retry as Array<Record<string, unknown>>;
    const [providerCatch, ownCatch] = step.Catch as Array<Record<string, unknown>>;

    // Assess
    expect(providerRetry).toMatchObject({
      ErrorEquals: ['TransientProviderError'],
      MaxAttempts: 3,
      BackoffRate: 2,
      MaxDelaySeconds: 30,
      JitterStrategy: 'NONE',
    });
    expect(ownRetry).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 8, JitterStrategy: 'FULL' });
    // A provider that kept failing moves the type to its next provider; our own failure ends the type.
    expect(providerCatch).toMatchObject({ ResultPath: '$.failure', Next: 'ProviderStep' });
    expect(ownCatch).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'TypeAbandoned' });
    expect(typeStates().TypeAbandoned).toMatchObject({ Type: 'Pass', End: true });
  });

  it('fails the execution when RecordResult keeps failing, so the recovery function finishes it', () => {
    // Act
    const recordResult = definition().States.RecordResult!;

    // Assess
    expect(recordResult.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordResultFailed' }),
    ]);
    expect(definition().States.RecordResultFailed).toMatchObject({ Type: 'Fail' });
  });
});
