/** Starts the waterfall state machine; the execution is named after the enrichment, so a repeat is harmless. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowInput, WorkflowStarter } from '../../domain/ports';

export class StepFunctionsWorkflowStarter implements WorkflowStarter {
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
      // Same name, same input: Step Functions reports the first execution; nothing more to do.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
