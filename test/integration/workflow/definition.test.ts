/** The waterfall definition file itself: valid ASL, and only the substitutions CDK fills. */
import { readFileSync } from 'node:fs';
import validateAsl from 'asl-validator';
import { DEFINITION_PATH, loadDefinition, TASK_SUBSTITUTIONS } from '../../../local/local-workflow';

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
    expect([...placeholders].sort()).toEqual(Object.keys(TASK_SUBSTITUTIONS).sort());
  });

  it('retries transient provider errors with capped, jittered backoff and catches everything else', () => {
    // Prepare
    const step = (loadDefinition().States as unknown as Record<string, Record<string, unknown>>)
      .ProviderStep!;

    // Act
    const [retry] = step.Retry as Array<Record<string, unknown>>;
    const [catcher] = step.Catch as Array<Record<string, unknown>>;

    // Assess
    expect(retry).toMatchObject({
      MaxAttempts: 3,
      BackoffRate: 2,
      MaxDelaySeconds: 30,
      JitterStrategy: 'FULL',
    });
    expect(retry!.ErrorEquals).toContain('TransientProviderError');
    expect(retry!.ErrorEquals).not.toContain('PermanentProviderError');
    expect(catcher).toMatchObject({
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.failure',
      Next: 'ProviderStep',
    });
  });
});
