/**
 * The waterfall definition files themselves: valid ASL, the placeholders CDK fills, the budget of the Express
 * steps workflow, and their failure paths.
 */
import { readFileSync } from 'node:fs';
import validateAsl from 'asl-validator';
import { loadDefinition, loadStepsDefinition, TASK_SUBSTITUTIONS } from '../../../local/local-workflow';
import { specsTriggeredBy } from '../../../functions/manifest';
import { spec as providerStepSpec } from '../../../functions/manifest/provider-step';
import {
  DEFINITION_PATH,
  STEPS_DEFINITION_PATH,
  STEPS_PLACEHOLDER,
  taskPlaceholder,
  waterfallDefinition,
} from '../../../statemachines/waterfall';

type States = Record<string, Record<string, unknown>>;

const definition = () => loadDefinition() as unknown as { States: States; TimeoutSeconds: number };
const steps = () => loadStepsDefinition() as unknown as { States: States; TimeoutSeconds: number };
const typeStates = () => (steps().States.Types!.ItemProcessor as { States: States }).States;

describe('State machine definitions: statemachines/waterfall.asl.json and waterfall-steps.asl.json', () => {
  it('pass asl-validator once their ARNs are substituted', () => {
    for (const loaded of [loadDefinition(), loadStepsDefinition()]) {
      // Act
      const result = validateAsl(loaded);

      // Assess
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    }
  });

  it('have exactly the placeholders CDK substitutes: the task functions and the steps state machine', () => {
    // Prepare
    const text = readFileSync(DEFINITION_PATH, 'utf8') + readFileSync(STEPS_DEFINITION_PATH, 'utf8');

    // Act
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));

    // Assess
    expect([...placeholders].sort()).toEqual(
      [...specsTriggeredBy('task').map(taskPlaceholder), STEPS_PLACEHOLDER].sort(),
    );
  });

  it('takes the deployment bound as the state machine timeout', () => {
    // Act
    const bounded = JSON.parse(waterfallDefinition(900)) as { TimeoutSeconds: number };

    // Assess
    expect(bounded.TimeoutSeconds).toBe(900);
  });

  it('runs the types in the Express steps workflow and loops only while it hands types back', () => {
    // Act
    const states = definition().States;

    // Assess
    expect(states.Steps).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: TASK_SUBSTITUTIONS[STEPS_PLACEHOLDER], Input: { 'types.$': '$.types' } },
      OutputPath: '$.Output',
      Next: 'Route',
    });
    expect(states.Route!.Default).toBe('RecordResult');
    expect(states.WaitForProviders).toMatchObject({ Type: 'Map', ItemsPath: '$.types', Next: 'Steps' });
    // A failed or timed-out steps run is caught: RecordResult finishes the enrichment with its failure.
    expect(states.Steps!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordResult' }),
    ]);
    expect(states.RecordResult!.Parameters).toMatchObject({
      'outcomes.$': '$.types',
      'failure.$': '$.failure',
    });
  });

  it('runs the requested types in parallel in the steps workflow, one Map iteration per type', () => {
    // Act
    const types = steps().States.Types!;

    // Assess
    expect(types).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.types',
      MaxConcurrency: 0,
      ResultPath: '$.types',
    });
    expect(types.ItemSelector).toEqual({
      'account_id.$': '$.account_id',
      'enrichment_id.$': '$.enrichment_id',
      'item.$': '$$.Map.Item.Value',
    });
  });

  it('hands back before a step begun within the budget could outlast the Express run, every retry of one kind of failure included', () => {
    // Prepare: the worst a step begun just before the budget ends can take, every retry of one retrier spent. A
    // step whose attempts time out under both retriers in turn (each keeps its own count) could outlast the run:
    // the waterfall then starts the run once more (Steps' Retry), from the cursors it was given.
    const step = typeStates().ProviderStep!;
    const budget = (step.Parameters as { hand_back: { after_seconds: number } }).hand_back.after_seconds;
    const retries = step.Retry as Array<{
      IntervalSeconds: number;
      MaxAttempts: number;
      BackoffRate: number;
    }>;
    const attempt = Math.min(providerStepSpec.timeoutSeconds, step.TimeoutSeconds as number);

    // Act
    const worst = Math.max(
      ...retries.map((retry) => {
        let pauses = 0;
        for (let n = 0; n < retry.MaxAttempts; n++) pauses += retry.IntervalSeconds * retry.BackoffRate ** n;
        return (retry.MaxAttempts + 1) * attempt + pauses;
      }),
    );

    // Assess: Express runs stop at five minutes; the definition ends the run itself before that.
    expect(steps().TimeoutSeconds).toBeLessThan(300);
    expect(budget + worst).toBeLessThanOrEqual(steps().TimeoutSeconds);
    expect((definition().States.Steps as { TimeoutSeconds: number }).TimeoutSeconds).toBeGreaterThan(
      steps().TimeoutSeconds,
    );
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
    expect(ownRetry).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 4, JitterStrategy: 'FULL' });
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
