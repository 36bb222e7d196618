import { defaultSettings } from '../../functions/settings';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_RETRY_SCHEDULE, maxAttempts } from '../../functions/domain/webhooks/retry-schedule';
import { Storage } from '../../lib/constructs/storage';
import { WebhookDelivery } from '../../lib/constructs/webhook-delivery';
import { cdkJsonContext } from './synthesize';

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const CUSTOM_SCHEDULE = [60, 600, 3600, 7200, 14400, 28800, 43000, 43000, 43000];

interface Deployed {
  stack: Stack;
  delivery: WebhookDelivery;
  template: Template;
  warnings: string[];
}

describe('Construct: WebhookDelivery', () => {
  let assemblyDir: string;
  let builtIn: Deployed;
  let custom: Deployed;
  let tooShort: Deployed;

  function queueProps(deployed: Deployed, queue: 'queue' | 'deadLetterQueue'): Record<string, unknown> {
    const id = deployed.stack.getLogicalId(deployed.delivery.queue[queue].node.defaultChild as never);
    return (deployed.template.toJSON().Resources[id] as { Properties: Record<string, unknown> }).Properties;
  }

  function envOf(deployed: Deployed): Record<string, unknown> {
    const fn = Object.values(deployed.template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    return fn.Properties.Environment.Variables;
  }

  beforeAll(() => {
    // Prepare: the construct alone, three ways, in one app synthesized once.
    assemblyDir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
    const app = new App({
      outdir: assemblyDir,
      builtinCloudFormationValidation: false,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    });
    const build = (id: string, retrySchedule?: number[]) => {
      const stack = new Stack(app, id);
      const storage = new Storage(stack, 'Storage');
      const delivery = new WebhookDelivery(stack, 'WebhookDelivery', {
        wiring: {
          storage,
          defaults: { logRetention: RetentionDays.ONE_MONTH },
          settings: { ...defaultSettings(), webhookRetrySchedule: retrySchedule },
        },
      });
      return { stack, delivery };
    };
    const parts = {
      builtIn: build('BuiltInSchedule'),
      custom: build('CustomSchedule', CUSTOM_SCHEDULE),
      tooShort: build('TooShortSchedule', [1, 2, 3]),
    };
    // The synthesis prints the too-short schedule's warning; the test reads it from the assembly instead.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const assembly = app.synth();
    quiet.mockRestore();
    const withTemplate = (part: { stack: Stack; delivery: WebhookDelivery }): Deployed => {
      const artifact = assembly.getStackByName(part.stack.stackName);
      return {
        ...part,
        template: Template.fromJSON(artifact.template as Record<string, unknown>),
        warnings: artifact.messages
          .filter((message) => message.level === 'warning')
          .map((message) => String(message.entry.data)),
      };
    };
    builtIn = withTemplate(parts.builtIn);
    custom = withTemplate(parts.custom);
    tooShort = withTemplate(parts.tooShort);
  }, 120_000);

  afterAll(() => rmSync(assemblyDir, { recursive: true, force: true }));

  it('creates a queue and its dead-letter queue, both SSE-encrypted and refusing non-TLS requests', () => {
    // Assess
    builtIn.template.resourceCountIs('AWS::SQS::Queue', 2);
    for (const queue of ['queue', 'deadLetterQueue'] as const) {
      expect(queueProps(builtIn, queue)).toMatchObject({ SqsManagedSseEnabled: true });
    }
    builtIn.template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
      2,
    );
  });

  it('keeps dead-lettered deliveries for 14 days', () => {
    // Assess
    expect(queueProps(builtIn, 'deadLetterQueue')).toMatchObject({ MessageRetentionPeriod: FOURTEEN_DAYS });
  });

  it("dead-letters a delivery after as many receives as the built-in schedule's attempts", () => {
    // Assess
    expect(builtIn.delivery.maxAttempts).toBe(maxAttempts(DEFAULT_RETRY_SCHEDULE));
    expect(queueProps(builtIn, 'queue')).toMatchObject({
      RedrivePolicy: { maxReceiveCount: maxAttempts(DEFAULT_RETRY_SCHEDULE) },
    });
    expect(envOf(builtIn).WEBHOOK_RETRY_SCHEDULE).toBeUndefined();
  });

  it('dead-letters after the attempts of a configured schedule and gives the function that schedule', () => {
    // Assess
    expect(queueProps(custom, 'queue')).toMatchObject({
      RedrivePolicy: { maxReceiveCount: CUSTOM_SCHEDULE.length + 1 },
    });
    expect(envOf(custom).WEBHOOK_RETRY_SCHEDULE).toBe(CUSTOM_SCHEDULE.join(','));
  });

  it('warns when a configured schedule falls short of the contract (8 attempts over 24 hours)', () => {
    // Assess
    expect(tooShort.warnings).toEqual([expect.stringContaining('at least 8 attempts over 24 hours')]);
    expect(custom.warnings).toEqual([]);
    expect(builtIn.warnings).toEqual([]);
  });

  it('hides a received message for at least six times the function timeout', () => {
    // Arrange
    const fn = Object.values(builtIn.template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Timeout: number };
    };

    // Act
    const visibility = queueProps(builtIn, 'queue').VisibilityTimeout as number;

    // Assess
    expect(visibility).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it('feeds the deliver function from the queue with partial batch failures and bounded concurrency', () => {
    // Assess
    builtIn.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [
          builtIn.stack.getLogicalId(builtIn.delivery.queue.queue.node.defaultChild as never),
          'Arn',
        ],
      },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it('tells the function both queues and the target policy, and lets it dead-letter a delivery itself', () => {
    // Arrange
    const dlqId = builtIn.stack.getLogicalId(
      builtIn.delivery.queue.deadLetterQueue.node.defaultChild as never,
    );
    const queueId = builtIn.stack.getLogicalId(builtIn.delivery.queue.queue.node.defaultChild as never);

    // Assess
    expect(envOf(builtIn)).toMatchObject({
      WEBHOOK_QUEUE_URL: { Ref: queueId },
      WEBHOOK_DLQ_URL: { Ref: dlqId },
      ALLOW_PRIVATE_WEBHOOK_TARGETS: 'false',
    });
    builtIn.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          }),
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ChangeMessageVisibility']),
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('counts webhook attempts by outcome from the function logs', () => {
    // Assess
    builtIn.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "webhook attempt" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'ContactEnrichment',
          MetricName: 'WebhookAttempt',
          Dimensions: [{ Key: 'outcome', Value: '$.result' }],
        }),
      ],
    });
  });
});
