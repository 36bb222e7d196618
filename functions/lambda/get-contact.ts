/** Lambda entry of GET /contacts/{id}. */
import { getContactHandler } from '../composition';
import { lambdaRuntime } from './runtime';

export const handler = getContactHandler(lambdaRuntime());
