/**
 * Runs the waterfall state machine on this machine: the very file CDK deploys
 * (`statemachines/waterfall.asl.json`), executed by aws-local-stepfunctions with each Task state mapped to the
 * same handler the Lambda function runs. Implements the WorkflowStarter port for the local stack and tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { WorkflowInput, WorkflowStarter } from '../functions/domain/ports';
import { lambdaContext } from './lambda-context';

export const DEFINITION_PATH = join(__dirname, '..', 'statemachines', 'waterfall.asl.json');

/** The `${…}` placeholders of the definition, as CDK's `definitionSubstitutions` fills them. */
export const TASK_SUBSTITUTIONS = {
  ProviderStepFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:provider-step',
  RecordResultFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:record-result',
} as const;

export function loadDefinition(
  substitutions: Record<string, string> = TASK_SUBSTITUTIONS,
): StateMachineDefinition {
  const text = readFileSync(DEFINITION_PATH, 'utf8').replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`No substitution for ${placeholder} in ${DEFINITION_PATH}`);
    return value;
  });
  return JSON.parse(text) as StateMachineDefinition;
}

type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export interface LocalWorkflowOptions {
  /** The Lambda handlers of the Task states, by state name. */
  tasks: { ProviderStep: LambdaHandler; RecordResult: LambdaHandler };
  /** Shortens waiting for tests: every Wait state lasts this many ms; every Retry pause too. */
  fastWaitsMs?: number;
  onExecutionEvent?: (enrichmentId: string, event: ExecutionEvent) => void;
  /** Called with each Task's input and output (the local stack prints progress from it). */
  onTaskResult?: (task: 'ProviderStep' | 'RecordResult', input: unknown, output: unknown) => void;
}

export interface ExecutionEvent {
  type: string;
  state?: { name: string; type: string };
  error?: string;
}

export interface ExecutionSummary {
  status: 'running' | 'succeeded' | 'failed';
  /** States entered: what Standard workflows bill as state transitions. */
  stateTransitions: number;
  events: ExecutionEvent[];
  output?: unknown;
  error?: string;
}

type Json = Parameters<StateMachine['run']>[0];

export class LocalWorkflow implements WorkflowStarter {
  private readonly machine = new StateMachine(loadDefinition());
  private readonly executions = new Map<string, ExecutionSummary>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(private readonly options: LocalWorkflowOptions) {}

  async start(input: WorkflowInput): Promise<void> {
    // Execution names are unique, as in Step Functions: a second start of the same enrichment is a no-op.
    if (this.executions.has(input.enrichment_id)) return;
    const summary: ExecutionSummary = { status: 'running', stateTransitions: 0, events: [] };
    this.executions.set(input.enrichment_id, summary);
    const fast = this.options.fastWaitsMs;
    const execution = this.machine.run(JSON.parse(JSON.stringify(input)) as Json, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: {
          ProviderStep: (state) => this.invoke('ProviderStep', state),
          RecordResult: (state) => this.invoke('RecordResult', state),
        },
        ...(fast !== undefined
          ? {
              waitTimeOverrides: { WaitForProvider: fast },
              retryIntervalOverrides: { ProviderStep: fast, RecordResult: fast },
            }
          : {}),
      },
    });
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        const entry: ExecutionEvent = { type: event.type };
        if ('state' in event && event.state) entry.state = { name: event.state.name, type: event.state.type };
        if ('Error' in event) entry.error = String(event.Error);
        if (event.type === 'StateEntered') summary.stateTransitions += 1;
        summary.events.push(entry);
        this.options.onExecutionEvent?.(input.enrichment_id, entry);
      }
    })();
    const done = execution.result
      .then((output) => {
        summary.status = 'succeeded';
        summary.output = output;
      })
      .catch((error: Error) => {
        summary.status = 'failed';
        summary.error = error.name;
      })
      .then(() => collect)
      .finally(() => this.running.delete(input.enrichment_id));
    this.running.set(input.enrichment_id, { abort: execution.abort, done });
  }

  /** Calls a task's handler as Lambda would: JSON in, JSON out (undefined fields dropped). */
  private async invoke(task: 'ProviderStep' | 'RecordResult', input: Json): Promise<Json> {
    const name = task === 'ProviderStep' ? 'provider-step' : 'record-result';
    const output = JSON.parse(
      JSON.stringify((await this.options.tasks[task](input as never, lambdaContext(name))) ?? null),
    ) as Json;
    this.options.onTaskResult?.(task, input, output);
    return output;
  }

  execution(enrichmentId: string): ExecutionSummary | undefined {
    return this.executions.get(enrichmentId);
  }

  /** Resolves once no execution is running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  async stop(): Promise<void> {
    for (const execution of this.running.values()) execution.abort();
    await this.idle();
  }
}
