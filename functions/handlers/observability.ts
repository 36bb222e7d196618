/** The Powertools logger every handler of one function shares (service name and level come from env). */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'contact-enrichment',
});
