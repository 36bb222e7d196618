/**
 * An AWS WAF web ACL in front of the API stage, for what API Gateway cannot do itself: REST APIs accept bodies
 * up to 10 MB, and their throttling is shared by all callers. Two rules, both answering with the contract's
 * error body: bodies over 16 KiB get 413 (except on the bulk route, whose 1 MiB WAF cannot measure: its function
 * checks it), and one IP address sending too much gets 429.
 */
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '../../functions/domain/limits';
import { PayloadTooLargeError, RateLimitedError, toErrorBody } from '../../functions/domain/errors';

export interface ApiFirewallProps {
  stage: Stage;
  /** Requests one IP address may send per five minutes. */
  rateLimitPerIp: number;
  /** The route whose bodies may exceed 16 KiB (its function checks its own limit). */
  largeBodyPath: string;
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  // Sampled requests would keep request details (headers carry API keys) in the WAF console.
  sampledRequestsEnabled: false,
});

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ContactEnrichmentApi'),
      customResponseBodies: {
        payload_too_large: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(toErrorBody(new PayloadTooLargeError(MAX_BODY_BYTES)).body),
        },
        rate_limited: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(toErrorBody(new RateLimitedError()).body),
        },
      },
      rules: [
        {
          name: 'BodyOverLimit',
          priority: 0,
          action: {
            block: { customResponse: { responseCode: 413, customResponseBodyKey: 'payload_too_large' } },
          },
          visibilityConfig: visibility('BodyOverLimit'),
          statement: {
            andStatement: {
              statements: [
                {
                  sizeConstraintStatement: {
                    // WAF inspects the first 16 KiB of an API Gateway body; a longer body is "oversize" and matches.
                    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                    comparisonOperator: 'GT',
                    size: MAX_BODY_BYTES,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
                {
                  notStatement: {
                    statement: {
                      byteMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        positionalConstraint: 'ENDS_WITH',
                        searchString: props.largeBodyPath,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  },
                },
              ],
            },
          },
        },
        {
          name: 'RatePerIp',
          priority: 1,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rate_limited',
                // The rule counts over 5 minutes and lifts the block once the address's rate falls below it.
                responseHeaders: [{ name: 'Retry-After', value: '60' }],
              },
            },
          },
          visibilityConfig: visibility('RatePerIp'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.rateLimitPerIp,
              evaluationWindowSec: 300,
            },
          },
        },
      ],
    });

    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
