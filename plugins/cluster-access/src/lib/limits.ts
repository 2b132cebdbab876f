import { REASON_MAX_LENGTH } from '@cluster-access/plugin-cluster-access-common';

export { REASON_MAX_LENGTH };

/** Whether a reason or comment is longer than the backend accepts (counted after trimming, as the backend does). */
export function isReasonTooLong(text: string): boolean {
  return text.trim().length > REASON_MAX_LENGTH;
}
