import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QuotaUsageBars } from './QuotaUsageBars';

const quota = [
  { resource: 'limits.memory', hard: '8Gi', used: '2Gi' },
  { resource: 'requests.cpu', hard: '2', used: '1600m' },
  { resource: 'limits.cpu', hard: '4', used: '1' },
  { resource: 'pods', hard: '20', used: '19' },
  { resource: 'count/configmaps', hard: '10' },
];

describe('QuotaUsageBars', () => {
  it('sums up CPU, memory and pods, each the fullest of its quotas, amber and red as they fill', () => {
    render(<QuotaUsageBars quota={quota} />);
    const bar = (name: string) => screen.getByRole('progressbar', { name });
    expect(screen.getAllByRole('progressbar')).toHaveLength(3);
    // CPU: requests (80 %) is fuller than limits (25 %).
    expect(bar('CPU usage')).toHaveAttribute('aria-valuenow', '80');
    expect(bar('CPU usage')).toHaveAttribute('data-level', 'amber');
    expect(screen.getByText('1600m / 2')).toBeInTheDocument();
    expect(bar('Memory usage')).toHaveAttribute('aria-valuenow', '25');
    expect(bar('Memory usage')).toHaveAttribute('data-level', 'ok');
    expect(bar('Pods usage')).toHaveAttribute('aria-valuenow', '95');
    expect(bar('Pods usage')).toHaveAttribute('data-level', 'red');
  });

  it('shows every quota with a human label on demand', async () => {
    render(<QuotaUsageBars quota={quota} />);
    await userEvent.click(screen.getByRole('button', { name: 'All 5 quotas' }));
    expect(screen.getAllByRole('progressbar')).toHaveLength(5);
    expect(
      screen.getByRole('progressbar', { name: 'CPU limit usage' }),
    ).toHaveAttribute('aria-valuenow', '25');
    // Not computed by the cluster yet: shown as unknown, an empty bar.
    expect(screen.getByText('ConfigMaps')).toBeInTheDocument();
    expect(screen.getByText('? / 10')).toBeInTheDocument();
  });

  it('says why there is no usage when the cluster could not be read', () => {
    render(<QuotaUsageBars quotaError="connect ECONNREFUSED" />);
    expect(
      screen.getByText('Quota usage unavailable: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
