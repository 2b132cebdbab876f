/**
 * The longest reason or decision comment the backend accepts, counted after
 * trimming; the forms say so before sending.
 *
 * TODO(#10 merge): import `REASON_MAX_LENGTH` from
 * `@cluster-access/plugin-cluster-access-common` once it exports it.
 */
export const REASON_MAX_LENGTH = 2000;

/** Whether a reason or comment is longer than the backend accepts. */
export function isReasonTooLong(text: string): boolean {
  return text.trim().length > REASON_MAX_LENGTH;
}
