import { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { ClusterAccessApi, clusterAccessApiRef } from '../api';
import { useClusterAccessApi } from './useClusterAccessApi';

/** A promise the test settles when it wants to. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

function setup() {
  const answers: Array<ReturnType<typeof deferred<string[]>>> = [];
  const api = {
    listTiers: jest.fn(() => {
      const answer = deferred<string[]>();
      answers.push(answer);
      return answer.promise;
    }),
  } as unknown as ClusterAccessApi;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    ({ tag }: { tag: string }) =>
      useClusterAccessApi(
        async a => (await a.listTiers()).map(t => `${tag}:${t}`),
        [tag],
      ),
    { wrapper, initialProps: { tag: 'a' } },
  );
  return { api, answers, hook };
}

describe('useClusterAccessApi', () => {
  it('loads, and keeps the value while retry() loads again', async () => {
    const { answers, hook } = setup();
    expect(hook.result.current.loading).toBe(true);
    await act(async () => answers[0].resolve(['dev']));
    expect(hook.result.current).toMatchObject({
      loading: false,
      value: ['a:dev'],
    });

    act(() => hook.result.current.retry());
    await waitFor(() => expect(answers).toHaveLength(2));
    expect(hook.result.current).toMatchObject({
      loading: true,
      value: ['a:dev'],
    });
    await act(async () => answers[1].resolve(['dev', 'qa']));
    expect(hook.result.current.value).toEqual(['a:dev', 'a:qa']);
  });

  it('starts again on a retry() made while loading, and shows the later answer', async () => {
    const { answers, hook } = setup();
    await act(async () => answers[0].resolve(['dev']));
    act(() => hook.result.current.retry());
    await waitFor(() => expect(answers).toHaveLength(2));

    // A second change lands while the first reload is still running.
    act(() => hook.result.current.retry());
    await waitFor(() => expect(answers).toHaveLength(3));
    await act(async () => answers[2].resolve(['dev', 'qa', 'prod']));
    await act(async () => answers[1].resolve(['dev', 'qa']));
    expect(hook.result.current).toMatchObject({
      loading: false,
      value: ['a:dev', 'a:qa', 'a:prod'],
    });
  });

  it('loads again when its dependencies change', async () => {
    const { answers, hook } = setup();
    await act(async () => answers[0].resolve(['dev']));
    hook.rerender({ tag: 'b' });
    await waitFor(() => expect(answers).toHaveLength(2));
    await act(async () => answers[1].resolve(['dev']));
    expect(hook.result.current.value).toEqual(['b:dev']);
  });

  it('reports a failed reload as the error', async () => {
    const { api, answers, hook } = setup();
    await act(async () => answers[0].resolve(['dev']));
    (api.listTiers as jest.Mock).mockRejectedValueOnce(new Error('down'));
    act(() => hook.result.current.retry());
    await waitFor(() =>
      expect(hook.result.current.error?.message).toBe('down'),
    );
    expect(hook.result.current.loading).toBe(false);
  });
});
