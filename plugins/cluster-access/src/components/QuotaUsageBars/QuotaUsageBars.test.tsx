import { render, screen } from '@testing-library/react';
import { QuotaUsageBars } from './QuotaUsageBars';

describe('QuotaUsageBars', () => {
  it('draws one bar per resource, used against hard across units', () => {
    render(
      <QuotaUsageBars
        quota={[
          { resource: 'limits.memory', hard: '8Gi', used: '2Gi' },
          { resource: 'requests.cpu', hard: '2', used: '500m' },
          { resource: 'pods', hard: '20', used: '19' },
          { resource: 'secrets', hard: '10' },
        ]}
      />,
    );
    expect(
      screen.getByRole('progressbar', { name: 'limits.memory usage' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(
      screen.getByRole('progressbar', { name: 'requests.cpu usage' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText('500m / 2')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'pods usage' }),
    ).toHaveAttribute('aria-valuenow', '95');
    // Not computed by the cluster yet: shown as unknown, an empty bar.
    expect(screen.getByText('? / 10')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'secrets usage' }),
    ).toHaveAttribute('aria-valuenow', '0');
  });

  it('says why there is no usage when the cluster could not be read', () => {
    render(<QuotaUsageBars quotaError="connect ECONNREFUSED" />);
    expect(
      screen.getByText('Quota usage unavailable: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
