/**
 * The waterfall on Step Functions: starts an execution named after the enrichment (a repeated start is
 * harmless), and tells whether an enrichment's execution runs, has ended or was never started.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Runtime } from '../../composition';
import { required } from '../../config';
import type { WorkflowInspector, WorkflowStarter, WorkflowStatus } from '../../domain/ports/workflow';
import type { WorkflowInput } from '../../domain/enrichment/waterfall-state';

export class StepFunctionsWorkflow implements WorkflowStarter, WorkflowInspector {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: WorkflowInput): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.enrichment_id,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The execution exists (running, or ended: then the recovery path finishes the record).
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }

  async status(enrichmentId: string): Promise<WorkflowStatus> {
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${enrichmentId}`;
    try {
      const { status } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return status === 'RUNNING' || status === 'PENDING_REDRIVE' ? 'running' : 'ended';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'missing';
      throw error;
    }
  }
}

/** The waterfall state machine on Step Functions, for a deployed function that asks for it. */
export function stepFunctionsWorkflow({ config }: Runtime): StepFunctionsWorkflow {
  return new StepFunctionsWorkflow(
    new SFNClient({ region: config.region }),
    required(config, 'stateMachineArn'),
  );
}
