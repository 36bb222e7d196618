/**
 * The CDK app: one stack, configured from CDK context (`cdk.json`, or `cdk deploy -c key=value`). Every
 * synthesis checks it against cdk-nag's AWS Solutions rules and stops on any finding not acknowledged with a
 * reason next to the construct it concerns.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnrichmentStack } from '../lib/enrichment-stack';
import { settingsFromContext } from '../lib/settings';

const app = new App();
const settings = settingsFromContext(app.node);

new EnrichmentStack(app, settings.stackName, { settings });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
