import {
  entityRefName,
  groupRefsOf,
  isSameEntityRef,
  toUserEntityRef,
} from './entityRefs';

describe('entity ref helpers', () => {
  it('compares refs as the catalog does, ignoring case', () => {
    expect(isSameEntityRef('user:default/Alice', 'User:default/alice')).toBe(
      true,
    );
    expect(isSameEntityRef('user:default/alice', 'user:default/bob')).toBe(
      false,
    );
    expect(isSameEntityRef('not a ref:', 'not a ref:')).toBe(false);
  });

  it('keeps only the Group refs of the ownership refs', () => {
    expect(
      groupRefsOf([
        'user:default/alice',
        'group:default/payments',
        'Group:default/SRE',
        'group:default/payments',
      ]),
    ).toEqual(['group:default/payments', 'group:default/sre']);
  });

  it('reads the name of a ref', () => {
    expect(entityRefName('group:default/payments')).toBe('payments');
  });

  it('makes a User ref from what someone typed', () => {
    expect(toUserEntityRef(' bob ')).toBe('user:default/bob');
    expect(toUserEntityRef('user:acme/bob')).toBe('user:acme/bob');
    expect(toUserEntityRef('group:default/payments')).toBeUndefined();
    expect(toUserEntityRef('')).toBeUndefined();
  });
});
