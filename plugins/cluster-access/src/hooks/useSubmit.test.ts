import { act, renderHook } from '@testing-library/react';
import { useSubmit } from './useSubmit';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useSubmit', () => {
  it('is busy while the action runs, and keeps its failure until the next run', async () => {
    const { result } = renderHook(() => useSubmit());
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeUndefined();

    const first = deferred();
    let done!: Promise<void>;
    act(() => {
      done = result.current.run(() => first.promise);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      first.reject(new Error('409 taken'));
      // A failure is caught, not thrown at the caller.
      await expect(done).resolves.toBeUndefined();
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error?.message).toBe('409 taken');

    const second = deferred();
    act(() => {
      done = result.current.run(() => second.promise);
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeUndefined();
    await act(async () => {
      second.resolve();
      await done;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeUndefined();
  });
});
