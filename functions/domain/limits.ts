/** Size limits of the contract (README "API": POST /contacts/enrich/async). */
export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_CUSTOM_BYTES = 4 * 1024;
/** POST /contacts/enrich/bulk: up to 100 contacts and the batch's own fields. */
export const MAX_BULK_BODY_BYTES = 1024 * 1024;
