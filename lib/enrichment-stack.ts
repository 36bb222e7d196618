/**
 * The whole product in one stack: storage, webhook delivery, the waterfall, the API and their monitoring,
 * wired together from the deployment's settings (`lib/settings.ts`).
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENRICHMENT_TYPES } from '../functions/domain/enrichment-request';
import { Api } from './constructs/api';
import type { FunctionDefaults } from './constructs/enrichment-function';
import { Monitoring } from './constructs/monitoring';
import { Recovery } from './constructs/recovery';
import { Storage } from './constructs/storage';
import { WebhookDelivery } from './constructs/webhook-delivery';
import { Workflow } from './constructs/workflow';
import type { EnrichmentSettings } from './settings';

export interface EnrichmentStackProps extends StackProps {
  settings: EnrichmentSettings;
}

export class EnrichmentStack extends Stack {
  readonly storage: Storage;
  readonly webhooks: WebhookDelivery;
  readonly workflow: Workflow;
  readonly recovery: Recovery;
  readonly api: Api;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: EnrichmentStackProps) {
    super(scope, id, {
      description:
        'Contact enrichment API: API Gateway, Lambda, Step Functions waterfall, DynamoDB, SQS webhooks',
      ...props,
    });
    const { settings } = props;
    const functionDefaults: FunctionDefaults = { logRetention: settings.logRetention };

    this.storage = new Storage(this, 'Storage', { retentionDays: settings.retentionDays });

    this.webhooks = new WebhookDelivery(this, 'WebhookDelivery', {
      storage: this.storage,
      functionDefaults,
      retrySchedule: settings.webhookRetrySchedule,
      allowPrivateTargets: settings.allowPrivateWebhookTargets,
    });

    this.workflow = new Workflow(this, 'Workflow', {
      storage: this.storage,
      functionDefaults,
      waterfall: settings.waterfall,
      webhookQueue: this.webhooks.queue.queue,
      maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
      traffic: {
        rateLimits: settings.rateLimits,
        providerCooldownSeconds: settings.providerCooldownSeconds,
        resultCacheDays: settings.resultCacheDays,
        resultCacheScope: settings.resultCacheScope,
      },
    });

    this.recovery = new Recovery(this, 'Recovery', {
      storage: this.storage,
      functionDefaults,
      waterfall: settings.waterfall,
      stateMachine: this.workflow.stateMachine,
      webhookQueue: this.webhooks.queue.queue,
      maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
    });

    this.api = new Api(this, 'Api', {
      storage: this.storage,
      functionDefaults,
      stateMachine: this.workflow.stateMachine,
      waterfall: settings.waterfall,
      allowPrivateWebhookTargets: settings.allowPrivateWebhookTargets,
      throttling: settings.apiThrottling,
      authorizerCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
      manageAccountLogRole: settings.apiGatewayCloudWatchRole,
      webAcl: settings.webAcl ? { rateLimitPerIp: settings.webAclRateLimitPerIp } : undefined,
      webhookQueue: this.webhooks.queue.queue,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      restApi: this.api.restApi,
      stateMachine: this.workflow.stateMachine,
      webhooks: this.webhooks,
      table: this.storage.table,
      authorizer: this.api.authorizerFunction,
      maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
      functions: [
        ...this.api.functions,
        this.workflow.providerStep,
        this.workflow.recordResult,
        this.recovery.recoverFunction,
        this.recovery.sweepFunction,
        this.webhooks.deliverFunction,
      ],
      retryingFunctions: [this.workflow.providerStep],
      providers: [...new Set(ENRICHMENT_TYPES.flatMap((type) => settings.waterfall.order[type]))],
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API; append /contacts/enrich/async, /contacts/{id} or /account/credits',
      value: this.api.restApi.url,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The data table; set TABLE_NAME to it for `npm run admin`',
      value: this.storage.table.tableName,
    });
    new CfnOutput(this, 'ProviderSecretName', {
      description: 'Secrets Manager secret holding the providers\' API keys as {"<provider>": "<api key>"}',
      value: this.workflow.providerSecret.secretName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of the alarms; subscribe to it to be notified',
      value: this.monitoring.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'WebhookQueueUrl', {
      description: 'Webhook retry queue; WEBHOOK_QUEUE_URL for `npm run admin -- webhooks redrive`',
      value: this.webhooks.queue.queue.queueUrl,
    });
    new CfnOutput(this, 'WebhookDeadLetterQueueUrl', {
      description: 'Dead-lettered webhooks; WEBHOOK_DLQ_URL for `npm run admin -- webhooks redrive`',
      value: this.webhooks.queue.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of the waterfall',
      value: this.monitoring.dashboard.dashboardName,
    });
  }
}
