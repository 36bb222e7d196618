/**
 * The one Lambda shape of the product. Every entry of the manifest (`functions/manifest/`) is deployed through
 * this class, so runtime, architecture, bundling, tracing, logging and Powertools settings are decided here once.
 */
import * as path from 'node:path';
import { Arn, ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

import { ENV } from '../../functions/config';
import type { FunctionSpec, TableAction } from '../../functions/manifest/define';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/handlers/observability';
import { environmentValue, envNameOf, type Settings } from '../../functions/settings';
import { BUNDLING, isDataFile } from '../bundling';
import type { ResilientQueue } from './resilient-queue';

export { METRICS_NAMESPACE, SERVICE_NAME, type TableAction };

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What every function of one deployment shares; constructs pass it through from the stack. */
export interface FunctionDefaults {
  logRetention: RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL`; INFO unless given. */
  logLevel?: LogLevel;
}

/** The data table as a function sees it: where it is, and the index of pending records. */
export interface EnrichmentTable {
  readonly table: ITableV2;
  readonly pendingIndexName: string;
}

/**
 * What the functions are wired to, filled in as the stack builds its parts: a function asking for something not
 * built yet fails the synthesis, naming it.
 */
export interface Wiring {
  storage: EnrichmentTable;
  defaults: FunctionDefaults;
  /** The deployment's settings; each function's environment carries those its manifest entry declares. */
  settings: Settings;
  stateMachine?: StateMachine;
  webhooks?: ResilientQueue;
  providerSecret?: ISecret;
}

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());

/**
 * One manifest entry (`functions/manifest/`) deployed: its code, memory and timeout, exactly the table actions,
 * settings and resources the entry declares, and nothing else.
 */
export class EnrichmentFunction extends NodejsFunction {
  /** The manifest entry this function deploys; its name also names it in alarms and graphs. */
  readonly spec: FunctionSpec;

  constructor(scope: Construct, spec: FunctionSpec, wiring: Wiring) {
    const id = pascal(spec.name);
    const props = { ...wiring.defaults, copyFiles: spec.copyFiles };
    // The log group and role are the function's own, but its props need them before it exists, so they are
    // created beside it. A role of our own (instead of AWSLambdaBasicExecutionRole) lets the function write
    // to its log group only, rather than to every log group of the account.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Logs expire with their retention anyway; tearing the stack down should leave only the data table.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${spec.name} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'functions', 'manifest', `${spec.name}.ts`),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        // The declared settings that have a value (an unset optional one stays absent).
        ...Object.fromEntries(
          spec.settings
            .map((name) => [envNameOf(name), environmentValue(name, wiring.settings[name])])
            .filter(([, value]) => value !== ''),
        ),
      },
      bundling: {
        // Local esbuild from node_modules: synthesis needs no Docker engine.
        forceDockerBundling: false,
        target: BUNDLING.target,
        format: OutputFormat.CJS,
        mainFields: [...BUNDLING.mainFields],
        // The SDK is the runtime's; with externalModules given, bundleAwsSDK only documents it.
        bundleAwsSDK: false,
        externalModules: [...BUNDLING.external],
        minify: BUNDLING.minify,
        keepNames: BUNDLING.keepNames,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: BUNDLING.sourcesContent,
        ...(props.copyFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // A data file the bundle requires keeps its node_modules/ path, where `require` looks for it;
                // any other file lands beside the bundle.
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.copyFiles ?? []).map((file) => {
                    const target = path.join(outputDir, isDataFile(file) ? file : path.basename(file));
                    return `mkdir -p "${path.dirname(target)}" && cp "${path.join(inputDir, file)}" "${target}"`;
                  }),
              },
            }
          : {}),
      },
    });

    this.spec = spec;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions, so AWS requires Resource "*" for them.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the product is built and tested on (package.json engines, CI); moving to a ' +
        'newer runtime is a deliberate upgrade, not a side effect of a CDK release.',
    });
    this.wire(wiring);
  }

  /** Grants what the entry declares, and tells the function where each thing is. */
  private wire(wiring: Wiring): void {
    const { spec } = this;
    const { table } = wiring.storage;
    if (spec.table.length) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...new Set(spec.table)].sort().map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
        }),
      );
      this.addEnvironment(ENV.tableName, table.tableName);
    }
    if (spec.pendingIndex) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${table.tableArn}/index/${wiring.storage.pendingIndexName}`],
        }),
      );
    }
    const needed = <T>(what: T | undefined, name: string): T => {
      if (what === undefined) throw new Error(`${spec.name} needs ${name}, which is not built yet.`);
      return what;
    };
    for (const need of spec.needs) {
      switch (need) {
        case 'workflow':
        case 'executions': {
          const stateMachine = needed(wiring.stateMachine, 'the state machine');
          stateMachine.grantStartExecution(this);
          this.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
          if (need === 'executions') this.allowDescribeExecutions(stateMachine);
          break;
        }
        case 'webhooks': {
          const webhooks = needed(wiring.webhooks, 'the webhook queue');
          webhooks.queue.grantSendMessages(this);
          this.addEnvironment(ENV.webhookQueueUrl, webhooks.queue.queueUrl);
          break;
        }
        case 'deliveries': {
          // The queue drives the function (its trigger); a delivery that can never succeed (410 Gone, a refused
          // target) is dead-lettered at once by the function.
          const webhooks = needed(wiring.webhooks, 'the webhook queue');
          webhooks.deadLetterQueue.grantSendMessages(this);
          this.addEnvironment(ENV.webhookQueueUrl, webhooks.queue.queueUrl);
          this.addEnvironment(ENV.webhookDeadLetterQueueUrl, webhooks.deadLetterQueue.queueUrl);
          break;
        }
        case 'providers': {
          const secret = needed(wiring.providerSecret, 'the provider keys secret');
          // GetSecretValue alone: the function reads the value and never needs the secret's metadata.
          this.addToRolePolicy(
            new PolicyStatement({
              actions: ['secretsmanager:GetSecretValue'],
              resources: [secret.secretArn],
            }),
          );
          this.addEnvironment(ENV.providerSecretId, secret.secretArn);
          break;
        }
        case 'sending':
        case 'reference':
          break;
      }
    }
  }

  /** DescribeExecution on this state machine's executions (the sweeper asks whether one still runs). */
  private allowDescribeExecutions(stateMachine: StateMachine): void {
    const stack = Stack.of(this);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Arn.format(
            {
              service: 'states',
              resource: 'execution',
              resourceName: `${stateMachine.stateMachineName}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            },
            stack,
          ),
        ],
      }),
    );
    const stateMachineId = stack.resolve(
      stack.getLogicalId(stateMachine.node.defaultChild as CfnElement),
    ) as string;
    Validations.of(this.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${stateMachineId}.Name>:*]`,
      reason:
        'DescribeExecution on the executions of this one state machine: executions are named after enrichments ' +
        'and only exist once started, so no policy can list them; the wildcard stops at this state machine.',
    });
  }
}
