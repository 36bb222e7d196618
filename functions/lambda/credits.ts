/** Lambda entry of GET /account/credits. */
import { creditsHandler } from '../composition';
import { lambdaRuntime } from './runtime';

export const handler = creditsHandler(lambdaRuntime());
