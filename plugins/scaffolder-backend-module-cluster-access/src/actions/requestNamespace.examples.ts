/** Examples of `cluster-access:namespace:request`, shown in the action list. */
export const examples: Array<{ description: string; example: string }> = [
  {
    description: 'A dev namespace for the Payments team',
    example: [
      'steps:',
      '  - id: namespace',
      '    action: cluster-access:namespace:request',
      '    input:',
      '      cluster: sandbox',
      '      namespace: payments-api-dev',
      '      owner: group:default/payments',
      '      tier: dev',
      '      reason: The new payments API',
    ].join('\n'),
  },
];
