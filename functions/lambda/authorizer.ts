/** Lambda entry of the API's authorizer. */
import { authorizerHandler } from '../composition';
import { lambdaRuntime } from './runtime';

export const handler = authorizerHandler(lambdaRuntime());
