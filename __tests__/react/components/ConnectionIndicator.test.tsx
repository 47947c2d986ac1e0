/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConnectionIndicator } from '../../../src/react/components';

describe('ConnectionIndicator', () => {
  it('is a status region that says it is connected', () => {
    render(<ConnectionIndicator status="open" onRetry={jest.fn()} />);

    expect(screen.getByRole('status')).toHaveTextContent('Подключено');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says it is connecting while the socket opens', () => {
    render(<ConnectionIndicator status="connecting" onRetry={jest.fn()} />);

    expect(screen.getByRole('status')).toHaveTextContent('Подключение…');
  });

  it('shows the reconnect attempt out of the maximum and the delay before it', () => {
    render(
      <ConnectionIndicator
        status="reconnecting"
        attempt={2}
        maxAttempts={5}
        nextDelayMs={2500}
        onRetry={jest.fn()}
      />,
    );

    expect(screen.getByRole('status')).toHaveTextContent(
      'Переподключение, попытка 2 из 5…через 3 с',
    );
  });

  it('words the reason of a failure by its close code, keeps the raw words in the tooltip, and reconnects on Retry', async () => {
    const user = userEvent.setup();
    const onRetry = jest.fn();
    render(
      <ConnectionIndicator status="failed" code={4403} error="WebSocket error" onRetry={onRetry} />,
    );

    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('Нет соединения');
    expect(status).toHaveTextContent('Нет доступа');
    expect(status).not.toHaveTextContent('WebSocket error');
    expect(status).toHaveAttribute('title', 'WebSocket error');

    await user.click(screen.getByRole('button', { name: 'Переподключиться' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('names a network fault when the close code says nothing more', () => {
    render(
      <ConnectionIndicator
        status="failed"
        code={1006}
        error="WebSocket error"
        onRetry={jest.fn()}
      />,
    );

    expect(screen.getByRole('status')).toHaveTextContent('Нет связи с сервером');
  });

  it('says it is offline once closed and still offers to reconnect', () => {
    render(<ConnectionIndicator status="closed" onRetry={jest.fn()} />);

    expect(screen.getByRole('status')).toHaveTextContent('Не в сети');
    expect(screen.getByRole('button', { name: 'Переподключиться' })).toBeInTheDocument();
  });
});
