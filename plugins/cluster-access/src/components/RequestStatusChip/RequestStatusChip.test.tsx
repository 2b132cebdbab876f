import { render, screen } from '@testing-library/react';
import { RequestStatusChip } from './RequestStatusChip';

describe('RequestStatusChip', () => {
  it('says what each status means for the user', () => {
    render(
      <>
        <RequestStatusChip status="pending" />
        <RequestStatusChip status="ready" />
        <RequestStatusChip status="rejected" />
      </>,
    );
    expect(screen.getByText('Waiting for approval')).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(screen.getByText('Rejected')).toBeInTheDocument();
  });

  it('shows a status it does not know as it is', () => {
    render(<RequestStatusChip status="paused" />);
    expect(screen.getByText('paused')).toBeInTheDocument();
  });
});
