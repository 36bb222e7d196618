/**
 * The whole product in one stack: storage, webhook delivery, the waterfall, the API and their monitoring,
 * wired together from the deployment's settings (`lib/settings.ts`).
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENRICHMENT_TYPES } from '../functions/domain/enrichment/enrichment-request';
import { Api } from './constructs/api';
import type { EnrichmentFunction, FunctionDefaults, Wiring } from './constructs/enrichment-function';
import { FUNCTION_NAMES, type FunctionName } from '../functions/manifest';
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
  /** Every function of the manifest, deployed. */
  readonly functions: EnrichmentFunction[];

  /** The deployed function of one manifest entry. */
  functionNamed(name: FunctionName): EnrichmentFunction {
    const fn = this.functions.find((candidate) => candidate.spec.name === name);
    if (!fn) throw new Error(`No function named ${name}.`);
    return fn;
  }

  constructor(scope: Construct, id: string, props: EnrichmentStackProps) {
    super(scope, id, {
      description:
        'Contact enrichment API: API Gateway, Lambda, Step Functions waterfall, DynamoDB, SQS webhooks',
      ...props,
    });
    const { settings } = props;
    const functionDefaults: FunctionDefaults = { logRetention: settings.logRetention };

    this.storage = new Storage(this, 'Storage');
    const wiring: Wiring = { storage: this.storage, defaults: functionDefaults, settings: settings.values };

    this.webhooks = new WebhookDelivery(this, 'WebhookDelivery', { wiring });
    const withQueue: Wiring = { ...wiring, webhooks: this.webhooks.queue };

    this.workflow = new Workflow(this, 'Workflow', {
      wiring: withQueue,
      maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
    });
    const withWorkflow: Wiring = { ...withQueue, stateMachine: this.workflow.stateMachine };

    this.recovery = new Recovery(this, 'Recovery', { wiring: withWorkflow });

    this.api = new Api(this, 'Api', {
      wiring: withWorkflow,
      throttling: settings.apiThrottling,
      authorizerCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
      manageAccountLogRole: settings.apiGatewayCloudWatchRole,
      webAcl: settings.webAcl ? { rateLimitPerIp: settings.webAclRateLimitPerIp } : undefined,
    });

    this.functions = [
      ...this.api.functions,
      ...this.workflow.functions,
      ...this.recovery.functions,
      this.webhooks.deliverFunction,
    ];
    const deployed = new Set(this.functions.map((fn) => fn.spec.name));
    const missing = FUNCTION_NAMES.filter((name) => !deployed.has(name));
    if (missing.length) throw new Error(`No construct deploys ${missing.join(', ')}.`);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      restApi: this.api.restApi,
      stateMachine: this.workflow.stateMachine,
      webhooks: this.webhooks,
      table: this.storage.table,
      authorizer: this.api.authorizerFunction,
      maxEnrichmentSeconds: settings.maxEnrichmentSeconds,
      functions: this.functions,
      retryingFunctions: this.functions.filter((fn) => fn.spec.retried),
      providers: [...new Set(ENRICHMENT_TYPES.flatMap((type) => settings.waterfall.order[type]))],
      alarmEmail: settings.alarmEmail,
    });

    this.storage.protectOnceCreated([this.webhooks, this.workflow, this.recovery, this.api, this.monitoring]);

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
