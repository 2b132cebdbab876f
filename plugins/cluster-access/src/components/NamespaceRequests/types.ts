/** What an approver decides on a pending request. */
export type Decision = 'approve' | 'reject';
