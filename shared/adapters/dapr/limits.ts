/** A cron binding POST carries no payload worth more than this. */
export const CRON_BODY_LIMIT = 65_536;
/** Bulk deliveries hold up to maxMessagesCount records (Dapr's default is 100). */
export const DEFAULT_BULK_COUNT = 100;
