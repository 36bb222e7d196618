/**
 * The one Lambda shape of the product. Every entry in `functions/lambda/` is deployed through this class,
 * so runtime, architecture, bundling, tracing, logging and Powertools settings are decided here once.
 */
import * as path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

import { ENV } from '../../functions/config';
import type { HandlerFile } from '../../functions/handlers/handler-files';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/handlers/observability';

export { METRICS_NAMESPACE, SERVICE_NAME, type HandlerFile };

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What every function of one deployment shares; constructs pass it through from the stack. */
export interface FunctionDefaults {
  logRetention: RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL`; INFO unless given. */
  logLevel?: LogLevel;
}

export interface EnrichmentFunctionProps extends FunctionDefaults {
  handlerFile: HandlerFile;
  description: string;
  timeout: Duration;
  /** MB; on arm64 CPU grows with memory, and 512 MB keeps cold starts of the bundled SDK short. */
  memorySize?: number;
  environment?: Record<string, string>;
  /** Files (paths from the project root) copied beside the bundle, for a handler that reads them at run time. */
  copyFiles?: readonly string[];
}

/**
 * Item-level table actions a function may be granted: each function gets exactly those its code calls (no Scan,
 * no table management). TransactWriteItems is not an IAM action of its own: it is authorised by the Put, Update,
 * Delete and ConditionCheck actions it contains.
 */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** The data table as a function sees it: where it is, and how long its records live. */
export interface EnrichmentTable {
  readonly table: ITableV2;
  readonly retentionDays: number;
}

/** What finishing an enrichment needs: read the record, one transaction of updates and ledger puts. */
export const FINISH_ACTIONS: readonly TableAction[] = ['GetItem', 'UpdateItem', 'PutItem'];

export class EnrichmentFunction extends NodejsFunction {
  /** The entry file this function runs, which also names it in alarms and graphs. */
  readonly handlerFile: HandlerFile;

  constructor(scope: Construct, id: string, props: EnrichmentFunctionProps) {
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
      description: `Runs the ${props.handlerFile} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'functions', 'lambda', `${props.handlerFile}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
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
        ...props.environment,
      },
      bundling: {
        // Local esbuild from node_modules: synthesis needs no Docker engine.
        forceDockerBundling: false,
        target: 'node22',
        format: OutputFormat.CJS,
        // The ES module builds of the SDK and Powertools let esbuild drop what a handler never calls.
        mainFields: ['module', 'main'],
        // The SDK is bundled at the version package-lock.json pins, instead of whatever the runtime ships.
        bundleAwsSDK: true,
        minify: true,
        // Error names are matched by the state machine's Retry/Catch and read in logs: minifying must not
        // rename the classes they come from.
        keepNames: true,
        sourceMap: true,
        // Linked: the `sourceMappingURL` comment is how --enable-source-maps finds the map.
        sourceMapMode: SourceMapMode.DEFAULT,
        // Stack traces only need the mappings; the embedded sources would double the asset.
        sourcesContent: false,
        ...(props.copyFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.copyFiles ?? []).map(
                    (file) =>
                      `cp "${path.join(inputDir, file)}" "${path.join(outputDir, path.basename(file))}"`,
                  ),
              },
            }
          : {}),
      },
    });

    this.handlerFile = props.handlerFile;

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
  }

  /**
   * Grants exactly `actions` on the table itself (not its indexes) and tells the function where the table is.
   */
  bindTable(table: EnrichmentTable, actions: readonly TableAction[]): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...new Set(actions)].sort().map((action) => `dynamodb:${action}`),
        resources: [table.table.tableArn],
      }),
    );
    this.addEnvironment(ENV.tableName, table.table.tableName);
    this.addEnvironment(ENV.retentionDays, String(table.retentionDays));
  }

  /** Lets the function query one index of the table, by name. */
  bindIndex(table: EnrichmentTable, indexName: string): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.table.tableArn}/index/${indexName}`],
      }),
    );
  }
}
